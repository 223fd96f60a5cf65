// A unit of work on the embedded store: reads see the committed state plus the unit's own writes;
// writes are buffered and committed together. What the unit read is remembered (record versions, and
// the change count of each collection it listed or counted) and checked again at commit, so a decision
// taken on something that moved meanwhile is refused with CONFLICT instead of applied on stale ground.
import { notFound } from '../../errors';
import { versionOf, type CommittedState, type EngineRecord, type EngineWrite } from './committedState';
import { duplicateSecret, NOUN, staleCollection, staleRecord, type Collection } from '../staleRecord';
import type { KeyRecord } from '../types';

type Stored = EngineRecord & { version: number };

interface PendingWrite extends EngineWrite {
  record: Stored | undefined;
  /** The committed version this write was decided on (undefined: the record must not exist; 'any': no check). */
  base: number | undefined | 'any';
}

const slot = (collection: Collection, id: string) => `${collection}\u0000${id}`;

export class EmbeddedTransaction {
  private readonly writes = new Map<string, PendingWrite>();
  private readonly reads = new Map<string, { collection: Collection; id: string; version: number | undefined }>();
  private readonly scans = new Map<Collection, number>();

  /** `tracked`: remember reads for the commit check (a unit of work); plain store calls read committed state only. */
  constructor(
    private readonly state: CommittedState,
    private readonly tracked: boolean,
  ) {}

  /**
   * The record as this unit sees it, shared, not copied (the repositories copy what they hand out); a
   * record stored before versions has none: read it with versionOf.
   */
  get(collection: Collection, id: string): EngineRecord | undefined {
    const key = slot(collection, id);
    const written = this.writes.get(key);
    if (written) return written.record;
    const committed = this.state.get(collection, id);
    if (this.tracked && !this.reads.has(key)) {
      this.reads.set(key, { collection, id, version: committed === undefined ? undefined : versionOf(committed) });
    }
    return committed;
  }

  all(collection: Collection): EngineRecord[] {
    if (this.tracked && !this.scans.has(collection)) this.scans.set(collection, this.state.changeCount(collection));
    // Most reads happen with nothing written yet (a list, the verify index at start): no lookup per record.
    if (this.writes.size === 0) return [...this.state.values(collection)];
    const result: EngineRecord[] = [];
    for (const record of this.state.values(collection)) {
      const written = this.writes.get(slot(collection, record.id));
      if (!written) result.push(record);
      else if (written.record) result.push(written.record);
    }
    for (const written of this.writes.values()) {
      if (written.collection === collection && written.record && this.state.get(collection, written.id) === undefined) {
        result.push(written.record);
      }
    }
    return result;
  }

  /** `track` false: a uniqueness check, checked again at commit anyway, so not a read that can go stale. */
  keyByHash(secretHash: string, track = true): EngineRecord | undefined {
    for (const written of this.writes.values()) {
      if (written.collection === 'keys' && (written.record as KeyRecord | undefined)?.secretHash === secretHash) return written.record;
    }
    const id = this.state.keyIdByHash(secretHash);
    const found = id === undefined ? undefined : this.get('keys', id);
    if (found === undefined && track && this.tracked && !this.scans.has('keys')) this.scans.set('keys', this.state.changeCount('keys'));
    return (found as KeyRecord | undefined)?.secretHash === secretHash ? found : undefined;
  }

  insert<T extends EngineRecord>(collection: Collection, record: T): T & { version: number } {
    if (this.get(collection, record.id) !== undefined) throw staleRecord(collection, record as { id: string; name?: string });
    if (collection === 'keys' && this.keyByHash((record as KeyRecord).secretHash, false) !== undefined) throw duplicateSecret();
    const stored = { ...structuredClone(record), version: 1 };
    this.buffer({ collection, id: record.id, record: stored, base: undefined });
    return structuredClone(stored);
  }

  update<T extends EngineRecord>(collection: Collection, record: T, expectedVersion: number): T & { version: number } {
    const current = this.get(collection, record.id);
    if (current === undefined) throw notFound(NOUN[collection], record.id);
    if (versionOf(current) !== expectedVersion) throw staleRecord(collection, current as { id: string; name?: string });
    if (collection === 'keys') {
      const holder = this.keyByHash((record as KeyRecord).secretHash, false);
      if (holder !== undefined && holder.id !== record.id) throw duplicateSecret();
    }
    const { version: _ignored, ...fields } = record as EngineRecord;
    const stored = { ...structuredClone(fields), version: expectedVersion + 1 } as T & { version: number };
    this.buffer({ collection, id: record.id, record: stored, base: expectedVersion });
    return structuredClone(stored);
  }

  /** `expectedVersion` undefined: delete whatever version is there (tokens); false when there is nothing. */
  delete(collection: Collection, id: string, expectedVersion: number | undefined): boolean {
    const current = this.get(collection, id);
    if (current === undefined) {
      if (expectedVersion === undefined) return false;
      throw notFound(NOUN[collection], id);
    }
    if (expectedVersion !== undefined && versionOf(current) !== expectedVersion) {
      throw staleRecord(collection, current as { id: string; name?: string });
    }
    this.buffer({ collection, id, record: undefined, base: expectedVersion === undefined ? 'any' : expectedVersion });
    return true;
  }

  get isEmpty(): boolean {
    return this.writes.size === 0;
  }

  /** Applies the writes durably, all or nothing, after checking nothing read or written moved meanwhile. */
  commit(): Promise<EngineWrite[]> {
    const writes = [...this.writes.values()];
    return this.state.commit(
      writes.map(({ collection, id, record }) => ({ collection, id, record })),
      () => this.check(writes),
    );
  }

  private buffer(write: PendingWrite): void {
    const key = slot(write.collection, write.id);
    const earlier = this.writes.get(key);
    // A record written twice in one unit is checked against what it was before the first write.
    if (earlier) write.base = earlier.base;
    if (earlier && earlier.base === undefined && write.record === undefined) this.writes.delete(key);
    else this.writes.set(key, write);
  }

  private check(writes: PendingWrite[]): void {
    for (const read of this.reads.values()) {
      const committed = this.state.get(read.collection, read.id);
      const version = committed === undefined ? undefined : versionOf(committed);
      if (version !== read.version) throw staleRecord(read.collection, (committed ?? { id: read.id }) as { id: string; name?: string });
    }
    for (const [collection, count] of this.scans) {
      if (this.state.changeCount(collection) !== count) throw staleCollection(collection);
    }
    const rewrittenKeys = new Set(writes.filter((write) => write.collection === 'keys').map((write) => write.id));
    for (const write of writes) {
      const committed = this.state.get(write.collection, write.id);
      if (write.base === 'any') continue;
      if (write.base === undefined) {
        if (committed !== undefined) throw staleRecord(write.collection, committed as { id: string; name?: string });
      } else if (committed === undefined) {
        throw notFound(NOUN[write.collection], write.id);
      } else if (versionOf(committed) !== write.base) {
        throw staleRecord(write.collection, committed as { id: string; name?: string });
      }
      if (write.collection === 'keys' && write.record) {
        // Another key holding this secret, and not rewritten by this unit: the secret is taken.
        const holder = this.state.keyIdByHash((write.record as KeyRecord).secretHash);
        if (holder !== undefined && holder !== write.id && !rewrittenKeys.has(holder)) throw duplicateSecret();
      }
    }
  }
}
