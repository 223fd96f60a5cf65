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

/**
 * What verify needs of a key and nothing more (no name, creator, usage or secret): what a store hands
 * the verify index at start-up and on a resync, a page at a time, instead of whole records.
 */
export interface VerifyKey {
  id: string;
  /** Hex SHA-256 of the secret, as in KeyRecord. */
  secretHash: string;
  reference: string;
  status: KeyRecord['status'];
  /** The dates as epoch ms (KeyRecord holds them as ISO text). */
  startsAt: number;
  expiresAt?: number;
  graceUntil?: number;
  /** What many keys have in common; a store may hand the same object to keys that share it. */
  profile: VerifyProfile;
}

/** The part of a key verify answers with or checks a request against, usually shared by many keys. */
export interface VerifyProfile {
  serviceId: string;
  environment: KeyRecord['environment'];
  permissions: readonly string[];
  companies: readonly string[];
  ipAllowList: readonly string[];
  organization?: string;
}
