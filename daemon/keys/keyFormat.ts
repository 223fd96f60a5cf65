// The secret format: `<prefix>_<test|live>_<32 random base62><6-char base62 CRC32 of what precedes>`.
// The checksum lets a scanner (or a user pasting into the wrong field) tell a real key from random text
// without asking the daemon, the way GitHub's token format does. It is not a security feature.
import { crc32 } from 'node:zlib';
import type { Environment } from '../protocol';
import { encodeBase62Fixed, randomBase62 } from './base62';

export const RANDOM_PART_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
/** Service prefixes: lower-case, start with a letter, no `_` (it separates the parts of a key). */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{1,15}$/;

const KEY_PATTERN = /^([a-z][a-z0-9]{1,15})_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

export function environmentTag(environment: Environment): 'test' | 'live' {
  return environment === 'production' ? 'live' : 'test';
}

export function checksumOf(body: string): string {
  return encodeBase62Fixed(crc32(body), CHECKSUM_LENGTH);
}

/** A fresh secret for a service prefix and environment. */
export function generateSecret(
  prefix: string,
  environment: Environment,
  random?: (size: number) => Buffer,
): string {
  if (!PREFIX_PATTERN.test(prefix)) throw new RangeError(`invalid key prefix "${prefix}"`);
  const body = `${prefix}_${environmentTag(environment)}_${randomBase62(RANDOM_PART_LENGTH, random)}`;
  return body + checksumOf(body);
}

/** True when `text` has the Keysmith key shape and its checksum matches. */
export function looksLikeKey(text: string): boolean {
  const match = KEY_PATTERN.exec(text);
  if (!match) return false;
  const checksum = match[4]!;
  return checksumOf(text.slice(0, text.length - CHECKSUM_LENGTH)) === checksum;
}

const KEY_MARKER = /_(?:test|live)_/g;
const KEY_TAIL = /^[0-9A-Za-z]{38}/;
const MAX_PREFIX = 16;

/**
 * True when a well-formed Keysmith key (valid checksum) appears anywhere in `text`, e.g. pasted into a
 * name. Each `_test_`/`_live_` marker is tried with every prefix length the format allows, so letters
 * glued in front of the prefix do not hide the key. Linear in the text: at most 15 checksums per marker.
 */
export function containsKey(text: string): boolean {
  for (const marker of text.matchAll(KEY_MARKER)) {
    const at = marker.index;
    const tail = KEY_TAIL.exec(text.slice(at + marker[0].length, at + marker[0].length + RANDOM_PART_LENGTH + CHECKSUM_LENGTH));
    if (!tail) continue;
    const rest = marker[0] + tail[0];
    for (let length = 2; length <= Math.min(MAX_PREFIX, at); length++) {
      const prefix = text.slice(at - length, at);
      if (PREFIX_PATTERN.test(prefix) && looksLikeKey(prefix + rest)) return true;
    }
  }
  return false;
}

/** Public, non-secret identifier shown next to a key, e.g. `pay_ref_4f9K...`. */
export function generateReference(prefix: string): string {
  return `${prefix}_ref_${randomBase62(20)}`;
}

/** Opaque record ids (`key_...`, `svc_...`, `tok_...`, `evt_...`). */
export function newId(kind: 'key' | 'svc' | 'tok' | 'evt'): string {
  return `${kind}_${randomBase62(16)}`;
}

/** The last 4 characters of a secret, shown as `****abcd`. */
export function hintOf(secret: string): string {
  return secret.slice(-4);
}

export function maskedOf(hint: string): string {
  return `****${hint}`;
}
