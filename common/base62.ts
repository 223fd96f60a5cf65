// Base62 (0-9A-Za-z) without randomness: what reading a key needs, shared by the daemon and the extension.
// (Drawing random base62 stays in daemon/keys/base62.ts: only the daemon mints secrets.)

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A non-negative integer as exactly `width` base62 digits, left-padded with `0`. */
export function encodeBase62Fixed(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} in base62`);
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  if (out.length > width) throw new RangeError(`${value} needs more than ${width} base62 digits`);
  return out.padStart(width, '0');
}
