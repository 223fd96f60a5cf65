// The store seam: what the core asks of a store, record by record, so that a database can answer it
// with queries and indexes instead of handing over the whole state. Two implementations: the embedded
// lowdb store (one daemon per data dir) and PostgreSQL (a team's daemons on one database).
//
// Concurrency is optimistic: every record carries a `version`, bumped by each write. An update names the
// version it was decided on and is refused with CONFLICT when the record moved meanwhile, so no update
// is ever lost silently; callers that merge field-wise (PATCH) re-read and retry.
import type { AuditEvent, Environment, KeyState } from '../protocol';
import type { KeyRecord, KeyUse, ServiceRecord, TokenRecord, VerifyKey } from './types';

/** A record as a store returns it: with the version its next write must name. */
export type Stored<T> = T & { version: number };

export type MemberRole = 'owner' | 'admin' | 'issuer' | 'auditor' | 'verifier';

export interface MemberRecord {
  /** The member's login: an OS user name on the embedded store, a database role on PostgreSQL. */
  name: string;
  role: MemberRole;
  createdAt: string;
}

export interface KeyListFilter {
  serviceId?: string;
  environment?: Environment;
  /** The derived state at `now` (see keys/keyState.ts `deriveState`). */
  state?: KeyState;
  /** Case-insensitive substring of name or reference. */
  q?: string;
  createdBy?: string;
}

export interface KeyListQuery extends KeyListFilter {
  sort: 'startsAt' | 'createdAt' | 'name';
  order: 'asc' | 'desc';
  /** 1-based. */
  page: number;
  pageSize: number;
  /** The instant the state filter is evaluated at (the core's clock, not the database's). */
  now: Date;
}

export interface KeyRepository {
  get(id: string): Promise<Stored<KeyRecord> | undefined>;
  findByHash(secretHash: string): Promise<Stored<KeyRecord> | undefined>;
  /** Filtered, sorted (ties broken by id), one page; `total` counts every match. */
  list(query: KeyListQuery): Promise<{ items: Stored<KeyRecord>[]; total: number }>;
  /** Every key, whole (an export, a test): the verify index reads verifyKeys instead. */
  all(): Promise<Stored<KeyRecord>[]>;
  /**
   * Every key, narrowed to what verify needs, a page at a time (a page is never the whole store): what
   * the verify index is built from at start-up and on a resync. Pages need not be one snapshot: a key
   * changed meanwhile is also announced on the change feed, which the caller applies on top. Readable
   * by every member, a verifier included (its grants cover exactly these columns).
   */
  verifyKeys(): AsyncIterable<VerifyKey[]>;
  /**
   * The same keys, each handed to `each` as it is read, none kept, for a store whose read arrives row by
   * row (PostgreSQL): what the index is built from when the store has it. `each` must take what it needs
   * at once; a failure (the store's, or `each` throwing) rejects, after the read is closed.
   */
  eachVerifyKey?(each: (key: VerifyKey) => void): Promise<void>;
  /**
   * About how many keys verifyKeys will hand out, from a store that knows without reading them (the
   * embedded store holds them in memory; PostgreSQL keeps an estimate): the verify index then makes room
   * for them at once, and grows past it as it reads if the hint was short.
   */
  keyCountHint?(): Promise<number>;
  /**
   * Up to `limit` of the keys holding a sealed secret the caller may read, with it: what a daemon checks
   * its master key against at start, without reading every key.
   */
  sealedSample(limit: number): Promise<Pick<KeyRecord, 'id' | 'sealed'>[]>;
  /** How many keys hold a sealed secret the caller may read (on a database, a scan of every key). */
  sealedCount(): Promise<number>;
  /** Refused with DUPLICATE_SECRET when another key has the same `secretHash`. Returns version 1. */
  insert(record: KeyRecord, write?: NewKeyWrite): Promise<Stored<KeyRecord>>;
  /** Refused with CONFLICT (naming the key) when the stored version is not `expectedVersion`; NOT_FOUND when gone. */
  update(record: KeyRecord, expectedVersion: number, events?: AuditEvent[]): Promise<Stored<KeyRecord>>;
  /** Same refusals as update. */
  delete(id: string, expectedVersion: number, events?: AuditEvent[]): Promise<void>;
}

/**
 * Every write (keys, services, tokens) may carry the audit events that describe it (`events`): they are stored with the
 * change, or the change is refused. PostgreSQL writes both in one statement (one commit); the embedded
 * store appends them to its audit log right after its commit, and the write resolves once both are on
 * disk. A refused write stores no event; an event is never written for a change that was not made.
 */
export interface NewKeyWrite {
  events?: AuditEvent[];
  /**
   * Refuse the key (field error on `serviceId`) unless its service exists and is enabled, checked in
   * the same write: a concurrent disable either waits for this insert or is seen by it (PostgreSQL
   * locks the service row), so no key is ever stored on a service disabled before it committed.
   */
  requireEnabledService?: boolean;
}

export interface ServiceRepository {
  get(id: string): Promise<Stored<ServiceRecord> | undefined>;
  list(): Promise<Stored<ServiceRecord>[]>;
  insert(record: ServiceRecord, events?: AuditEvent[]): Promise<Stored<ServiceRecord>>;
  update(record: ServiceRecord, expectedVersion: number, events?: AuditEvent[]): Promise<Stored<ServiceRecord>>;
  delete(id: string, expectedVersion: number, events?: AuditEvent[]): Promise<void>;
  /** Keys of the service, any state: a service in use cannot be deleted. */
  keyCount(id: string): Promise<number>;
}

export interface TokenRepository {
  list(): Promise<Stored<TokenRecord>[]>;
  insert(record: TokenRecord, events?: AuditEvent[]): Promise<Stored<TokenRecord>>;
  /** False when there was no such token (and `events` are not stored). */
  delete(id: string, events?: AuditEvent[]): Promise<boolean>;
}

export interface MemberRepository {
  list(): Promise<MemberRecord[]>;
  get(name: string): Promise<MemberRecord | undefined>;
  /** The member this daemon acts as. */
  current(): Promise<MemberRecord>;
  add(member: MemberRecord, password?: string): Promise<MemberRecord>;
  setRole(name: string, role: MemberRole): Promise<MemberRecord>;
  remove(name: string): Promise<boolean>;
}

/** The repositories inside one transaction: everything in it applies together or not at all. */
export interface UnitOfWork {
  keys: KeyRepository;
  services: ServiceRepository;
  tokens: TokenRepository;
}

export interface AuditRepository {
  /** Resolves when durable. Events are never updated or deleted. */
  append(events: AuditEvent[]): Promise<void>;
  /** Newest first, optionally for one key. */
  query(filter: { keyId?: string; limit: number }): Promise<AuditEvent[]>;
}

/** A committed change, by this daemon or another one on the same store. */
export type StoreChange =
  | { collection: 'keys'; id: string; record: Stored<KeyRecord> | undefined }
  | { collection: 'services'; id: string; record: Stored<ServiceRecord> | undefined }
  | { collection: 'tokens'; id: string; record: Stored<TokenRecord> | undefined };

export interface ChangeFeed {
  /**
   * `onChange` is called once per committed change (record undefined: deleted), including this daemon's
   * own, before the write's promise resolves for changes made here. `onResync` is called when changes
   * may have been missed (a lost database connection came back): reload what is cached.
   */
  subscribe(listener: { onChange(change: StoreChange): void; onResync(): void }): () => void;
}

export interface Store extends UnitOfWork {
  /** Which store this is, for the status bar and health: `embedded` or `postgres://host/db` (no password). */
  readonly description: string;
  members: MemberRepository;
  audit: AuditRepository;
  changes: ChangeFeed;
  /** Runs `work` in one transaction; a throw (or a CONFLICT inside) undoes all of it. */
  unitOfWork<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T>;
  /** Records a verify hit without waiting; uses are written in batches. */
  recordUse(use: KeyUse): void;
  /** Writes everything pending (batched uses included). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
