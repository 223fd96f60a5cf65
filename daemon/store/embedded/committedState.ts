// What the embedded store's repositories need from the engine underneath: the committed records by id
// (and keys by secret hash), a change counter per collection, and one durable, all-or-nothing commit
// of a unit of work's writes.
import type { Collection } from '../staleRecord';
import type { KeyRecord, ServiceRecord, TokenRecord } from '../types';

/** A record as the engine holds it: a record loaded from a store written before versions has none (= 1). */
export type EngineRecord = (KeyRecord | ServiceRecord | TokenRecord) & { version?: number };

/** One record put or deleted (`record` undefined). The embedded store always puts a version. */
export interface EngineWrite {
  collection: Collection;
  id: string;
  record: EngineRecord | undefined;
}

export interface CommittedState {
  get(collection: Collection, id: string): EngineRecord | undefined;
  keyIdByHash(secretHash: string): string | undefined;
  values(collection: Collection): Iterable<EngineRecord>;
  /** Bumped by every commit that touches the collection: how a unit of work sees that a list it read moved. */
  changeCount(collection: Collection): number;
  /**
   * Runs `validate` against the committed state, then applies `writes`, durably, in one batch; serialised
   * with every other commit. A key put keeps the stored usage fields (useCount, lastUsed*): uses are the
   * store's to count, never a caller's to overwrite. Resolves with the records as stored.
   */
  commit(writes: EngineWrite[], validate?: () => void): Promise<EngineWrite[]>;
}

export const versionOf = (record: EngineRecord): number => record.version ?? 1;
