// AES-256-GCM sealing of retrievable secrets (test environment and imported keys).
// Format: base64(iv) "." base64(tag) "." base64(ciphertext). A fresh 12-byte IV for every seal; the
// key id is bound as additional authenticated data so a sealed copy cannot be moved to another record.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytesFromPool } from './randomPool';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const MASTER_KEY_BYTES = 32;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

export interface Sealer {
  seal(plaintext: string, boundTo: string): string;
  /** Throws SealError if the sealed text was altered, bound to another id, or sealed under another key. */
  unseal(sealed: string, boundTo: string): string;
}

export function createSealer(masterKey: Buffer): Sealer {
  if (masterKey.length !== MASTER_KEY_BYTES) {
    throw new SealError(`the master key must be ${MASTER_KEY_BYTES} bytes, got ${masterKey.length}`);
  }
  const key = Buffer.from(masterKey);
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytesFromPool(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(boundTo, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64')).join('.');
    },
    unseal(sealed, boundTo) {
      const parts = sealed.split('.');
      if (parts.length !== 3) throw new SealError('sealed secret is not in iv.tag.ciphertext form');
      const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError('sealed secret has a bad IV or tag');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(boundTo, 'utf8'));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SealError('sealed secret failed its integrity check (altered, or sealed under another master key)');
      }
    },
  };
}
