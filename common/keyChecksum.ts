// The shape and checksum of a Keysmith secret: `<prefix>_<test|live>_<32 base62><6-char base62 CRC32 of
// what precedes>`. The daemon checks it when minting and verifying; scanners (CLI, extension) use it to
// tell a real key from random text offline, without asking the daemon.
import { crc32 } from 'node:zlib';
import { encodeBase62Fixed } from './base62';

export const RANDOM_PART_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
/** Service prefixes: lower-case, start with a letter, no `_` (it separates the parts of a key). */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
export const MAX_PREFIX_LENGTH = 16;

const KEY_PATTERN = /^([a-z][a-z0-9]{1,15})_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

export function checksumOf(body: string): string {
  return encodeBase62Fixed(crc32(body), CHECKSUM_LENGTH);
}

/** True when `text` has the Keysmith key shape and its checksum matches. */
export function looksLikeKey(text: string): boolean {
  const match = KEY_PATTERN.exec(text);
  if (!match) return false;
  return checksumOf(text.slice(0, text.length - CHECKSUM_LENGTH)) === match[4];
}
