// Base62 (0-9A-Za-z): URL-safe, double-click selectable, no padding. Used for secrets, ids and checksums.
import { BASE62_ALPHABET } from '../../common/base62';
import { randomBytesFromPool } from './randomPool';

// Encoding lives in common/ (scanners in the extension read checksums too); re-exported for daemon code.
export { BASE62_ALPHABET, encodeBase62Fixed } from '../../common/base62';

// 248 = 4 * 62: bytes at or above it are rejected so every character is equally likely (no modulo bias).
const UNBIASED_BYTE_LIMIT = 248;

/** `length` characters, each uniformly random from the base62 alphabet. */
export function randomBase62(length: number, random: (size: number) => Buffer = randomBytesFromPool): string {
  let out = '';
  while (out.length < length) {
    // ~3% of bytes are rejected; ask for a little more than needed so one round almost always suffices.
    for (const byte of random(length + 8)) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
