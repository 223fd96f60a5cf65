// A unit of work on the embedded store: reads see the committed state plus the unit's own writes;
// writes are buffered and committed together. What the unit read is remembered (record versions, and
// the change count of each collection it listed or counted) and checked again at its turn in the
// commit batch, so a decision taken on something that moved meanwhile is refused with CONFLICT instead
// of applied on stale ground. Every write reads its record first, so checking the reads checks the
// writes' versions too.
import { notFound } from '../../errors';
import { duplicateSecret, NOUN, staleCollection, staleRecord, type Collection } from '../staleRecord';
import type { KeyRecord } from '../types';
import type { GroupCommitter } from './groupCommit';
import { versionOf, type EmbeddedRecord, type RecordWrite, type RecordState } from './recordState';

const slot = (collection: Collection, id: string) => `${collection}\u0000${id}`;
const named = (record: EmbeddedRecord | { id: string }) => record as { id: string; name?: string };

export class EmbeddedTransaction {
  private readonly writes = new Map<string, RecordWrite>();
  private readonly reads = new Map<string, { collection: Collection; id: string; version: number | undefined }>();
  private readonly scans = new Map<Collection, number>();

  constructor(
    private readonly state: RecordState,
    private readonly committer: GroupCommitter,
  ) {}

  /**
   * The record as this unit sees it, shared, not copied (the repositories copy what they hand out); a
   * record stored before versions has none: read it with versionOf.
   */
  get(collection: Collection, id: string): EmbeddedRecord | undefined {
    const key = slot(collection, id);
    const written = this.writes.get(key);
    if (written) return written.record;
    const committed = this.state.get(collection, id);
    if (!this.reads.has(key)) this.reads.set(key, { collection, id, version: committed && versionOf(committed) });
    return committed;
  }

  all(collection: Collection): EmbeddedRecord[] {
    if (!this.scans.has(collection)) this.scans.set(collection, this.state.changeCount(collection));
    // Most reads happen with nothing written yet (a list, the verify index at start): no lookup per record.
    if (this.writes.size === 0) return [...this.state.values(collection)];
    const result: EmbeddedRecord[] = [];
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
  keyByHash(secretHash: string, track = true): EmbeddedRecord | undefined {
    for (const written of this.writes.values()) {
      if (written.collection === 'keys' && (written.record as KeyRecord | undefined)?.secretHash === secretHash) return written.record;
    }
    const id = this.state.keyIdByHash(secretHash);
    const found = id === undefined ? undefined : this.get('keys', id);
    if (found === undefined && track && !this.scans.has('keys')) this.scans.set('keys', this.state.changeCount('keys'));
    return (found as KeyRecord | undefined)?.secretHash === secretHash ? found : undefined;
  }

  insert<T extends EmbeddedRecord>(collection: Collection, record: T): T & { version: number } {
    if (this.get(collection, record.id) !== undefined) throw staleRecord(collection, named(record));
    if (collection === 'keys' && this.keyByHash((record as KeyRecord).secretHash, false) !== undefined) throw duplicateSecret();
    return this.put(collection, { ...structuredClone(record), version: 1 });
  }

  update<T extends EmbeddedRecord>(collection: Collection, record: T, expectedVersion: number): T & { version: number } {
    const current = this.get(collection, record.id);
    if (current === undefined) throw notFound(NOUN[collection], record.id);
    if (versionOf(current) !== expectedVersion) throw staleRecord(collection, named(current));
    if (collection === 'keys') {
      const holder = this.keyByHash((record as KeyRecord).secretHash, false);
      if (holder !== undefined && holder.id !== record.id) throw duplicateSecret();
    }
    const { version: _ignored, ...fields } = record as EmbeddedRecord;
    return this.put(collection, { ...structuredClone(fields), version: expectedVersion + 1 } as T & { version: number });
  }

  /** `expectedVersion` undefined: delete whatever version is there (tokens); false when there is nothing. */
  delete(collection: Collection, id: string, expectedVersion: number | undefined): boolean {
    const current = this.get(collection, id);
    if (current === undefined) {
      if (expectedVersion === undefined) return false;
      throw notFound(NOUN[collection], id);
    }
    if (expectedVersion !== undefined && versionOf(current) !== expectedVersion) throw staleRecord(collection, named(current));
    const key = slot(collection, id);
    // A record this unit added and now deletes again was never there: nothing to write.
    if (this.reads.get(key)?.version === undefined) this.writes.delete(key);
    else this.writes.set(key, { collection, id, record: undefined });
    return true;
  }

  get isEmpty(): boolean {
    return this.writes.size === 0;
  }

  /** Applies the writes durably, all or nothing, after checking nothing this unit read moved meanwhile. */
  commit(): Promise<RecordWrite[]> {
    return this.committer.commit([...this.writes.values()], () => this.check());
  }

  private put<T extends EmbeddedRecord>(collection: Collection, record: T): T {
    this.writes.set(slot(collection, record.id), { collection, id: record.id, record });
    return structuredClone(record);
  }

  private check(): void {
    for (const read of this.reads.values()) {
      const committed = this.state.get(read.collection, read.id);
      if ((committed && versionOf(committed)) !== read.version) throw staleRecord(read.collection, named(committed ?? read));
    }
    for (const [collection, count] of this.scans) {
      if (this.state.changeCount(collection) !== count) throw staleCollection(collection);
    }
    const rewrittenKeys = new Set([...this.writes.values()].filter((write) => write.collection === 'keys').map((write) => write.id));
    for (const write of this.writes.values()) {
      if (write.collection !== 'keys' || !write.record) continue;
      // Another key holding this secret, and not rewritten by this unit: the secret is taken.
      const holder = this.state.keyIdByHash((write.record as KeyRecord).secretHash);
      if (holder !== undefined && holder !== write.id && !rewrittenKeys.has(holder)) throw duplicateSecret();
    }
  }
}
