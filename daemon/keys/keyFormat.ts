// The secret format: `<prefix>_<test|live>_<32 random base62><6-char base62 CRC32 of what precedes>`.
// The checksum lets a scanner (or a user pasting into the wrong field) tell a real key from random text
// without asking the daemon, the way GitHub's token format does. It is not a security feature.
// The shape and the checksum live in common/ because the CLI's and the extension's scanners read them too.
import { checksumOf, PREFIX_PATTERN, RANDOM_PART_LENGTH } from '../../common/keyChecksum';
import { recognizeKeys } from '../../common/keyRecognition';
import type { Environment } from '../protocol';
import { randomBase62 } from './base62';

export { CHECKSUM_LENGTH, checksumOf, looksLikeKey, PREFIX_PATTERN, RANDOM_PART_LENGTH } from '../../common/keyChecksum';

export function environmentTag(environment: Environment): 'test' | 'live' {
  return environment === 'production' ? 'live' : 'test';
}

/** A fresh secret for a service prefix and environment. */
export function generateSecret(prefix: string, environment: Environment, random?: (size: number) => Buffer): string {
  if (!PREFIX_PATTERN.test(prefix)) throw new RangeError(`invalid key prefix "${prefix}"`);
  const body = `${prefix}_${environmentTag(environment)}_${randomBase62(RANDOM_PART_LENGTH, random)}`;
  return body + checksumOf(body);
}

/**
 * True when a well-formed Keysmith key (valid checksum) appears anywhere in `text`, e.g. pasted into a
 * name: the scanners' own recognizer, so a name is refused for exactly what `keysmith scan` would find.
 */
export function containsKey(text: string): boolean {
  return recognizeKeys(text).length > 0;
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
