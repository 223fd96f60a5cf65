// What the daemon persists. The store seam the core codes against is repositories.ts.
import type { KeyView, Service } from '../protocol';

/**
 * A key as stored: the fields a client sees, minus what is derived at read time (`masked`, `state`,
 * `retrievable`), plus its hash and, where retrievable, a sealed copy — never the secret itself. Its `version` is the
 * store's (repositories.ts `Stored`).
 */
export interface KeyRecord extends Omit<KeyView, 'masked' | 'state' | 'retrievable' | 'version'> {
  /** Hex SHA-256 of the secret: verify is a lookup by this hash. */
  secretHash: string;
  /** AES-256-GCM sealed secret, base64 `iv.tag.ciphertext`; only for test-environment and imported keys. */
  sealed?: string;
}

export type ServiceRecord = Service;

export interface TokenRecord {
  id: string;
  name: string;
  role: 'verify';
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  createdAt: string;
}

export interface StoreData {
  version: 1;
  services: ServiceRecord[];
  keys: KeyRecord[];
  tokens: TokenRecord[];
}

export interface KeyUse {
  keyId: string;
  at: string;
  ip?: string;
}
