// Secrets and tokens are stored as SHA-256 hex: the daemon keys its store by it, and scanners hash what
// they find the same way so that only the hash, never the secret, travels to the daemon.
import { hash } from 'node:crypto';

// crypto.hash (one shot) is several times faster than createHash().update().digest() for short inputs,
// which matters on the verify path (one hash for the token, one for the key).
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
