// What the daemon persists. The store seam the core codes against is repositories.ts.
import type { AuditEvent, KeyView, Service } from '../protocol';

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

export interface KeyStore {
  /** The current state, including every change whose transact() has resolved. Do not mutate. */
  read(): Readonly<StoreData>;
  /**
   * Runs `mutate` on the state and resolves with its result once the change is durable on disk.
   * Concurrent calls share one durable write (group commit). If `mutate` throws, or the write fails,
   * nothing of this change remains and the promise rejects: a request never half-applies.
   * `mutate` must be deterministic (take ids, secrets and `now` from outside): after another change
   * fails, the durable store rebuilds its state from the last durable write and runs the surviving
   * mutations again.
   * Do not keep references to `data` objects past the call; return copies.
   */
  transact<T>(mutate: (data: StoreData) => T): Promise<T>;
  /** Records a verify hit without waiting for disk; uses are batched into a later write. */
  recordUse(use: KeyUse): void;
  /** Appends audit events (own append-only log, never a secret). Resolves when durable. */
  appendAudit(events: AuditEvent[]): Promise<void>;
  /** Newest first, optionally for one key. */
  readAudit(filter: { keyId?: string; limit: number }): Promise<AuditEvent[]>;
  /** Writes everything pending (batched uses included). */
  flush(): Promise<void>;
  /** Flushes, then releases the data-dir lock. */
  close(): Promise<void>;
}
