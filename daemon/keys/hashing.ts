// Secrets and tokens are stored only as SHA-256: they are high-entropy, so a slow KDF buys nothing and
// verify must be a plain hash lookup.
import { createHash, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings by hashing both sides first (equal lengths, no early exit). */
export function hashesEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
