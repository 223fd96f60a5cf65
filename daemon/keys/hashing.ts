// Secrets and tokens are stored only as SHA-256: they are high-entropy, so a slow KDF buys nothing and
// verify must be a plain hash lookup.
import { hash, timingSafeEqual } from 'node:crypto';

// crypto.hash (one shot) is several times faster than createHash().update().digest() for short inputs,
// which matters on the verify path (one hash for the token, one for the key).
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Constant-time comparison of two strings by hashing both sides first (equal lengths, no early exit). */
export function hashesEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256Hex(a), 'latin1'), Buffer.from(sha256Hex(b), 'latin1'));
}
