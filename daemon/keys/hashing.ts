// Secrets and tokens are stored only as SHA-256: they are high-entropy, so a slow KDF buys nothing and
// verify must be a plain hash lookup.
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../common/secretHash';

// In common/ so that scanners hash a found key exactly as the store does.
export { sha256Hex } from '../../common/secretHash';

/** Constant-time comparison of two strings by hashing both sides first (equal lengths, no early exit). */
export function hashesEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256Hex(a), 'latin1'), Buffer.from(sha256Hex(b), 'latin1'));
}
