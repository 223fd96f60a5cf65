// Secrets and tokens are stored only as SHA-256: they are high-entropy, so a slow KDF buys nothing and
// verify must be a plain hash lookup.
import { hash, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../common/secretHash';

// In common/ so that scanners hash a found key exactly as the store does.
export { sha256Hex } from '../../common/secretHash';

/**
 * The SHA-256 as a 32-character string, one character per byte: how the verify index keys hashes
 * (half the memory of hex for a million keys, and less to hash on each Map lookup).
 */
export function sha256Binary(text: string): string {
  return hash('sha256', text, 'binary');
}

/** Constant-time comparison of two strings by hashing both sides first (equal lengths, no early exit). */
export function hashesEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256Hex(a), 'latin1'), Buffer.from(sha256Hex(b), 'latin1'));
}
