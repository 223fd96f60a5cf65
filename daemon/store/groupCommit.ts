// The write path of the lowdb store. Changes are applied to the in-memory state and written in
// batches: every transact queued while a write is in flight shares the next single write (group
// commit), and each resolves only when a write containing it is durable.
//
// A batch is one journal line (journal.ts) holding the records it changed, found by tracking what each
// mutation touched (changeTracker.ts). Rolling back is exact and cheap: a mutation that throws is
// undone alone from its own tracker (its batch-mates are kept, nothing is run twice); a refused append
// undoes the whole batch from the copies taken before it. When the journal grows past a bound, the
// whole state is written as a new snapshot (store.json) and the journal starts empty again.
import { ChangeSet, MutationTracker } from './changeTracker';
import { CollectionIndexes } from './collectionIndex';
import { StoreWriteError } from './errors';
import { describeBatch } from './journalChanges';
import type { Journal } from './journal';
import { applyUsage, applyUse, tallyUse, type KeyUsageTally } from './keyUsage';
import type { KeyRecord, KeyUse, StoreData } from './types';

interface QueuedChange {
  /** null marks a flush: it resolves when everything queued before it is durable. */
  mutate: ((data: StoreData) => unknown) | null;
  result?: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface CommitterOptions {
  usageFlushMs: number;
  /** Write a snapshot once the journal holds this many bytes... */
  compactAfterBytes: number;
  /** ...or this many batches. */
  compactAfterLines: number;
}

export interface CommitterState {
  data: StoreData;
  /** Seq of the last durable batch (in the journal or the snapshot). */
  seq: number;
}

export class GroupCommitter {
  private queue: QueuedChange[] = [];
  /** Uses already applied in memory and not yet part of a write that started. */
  private uses = new Map<string, KeyUsageTally>();
  private usesDue = false;
  private useTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private durableWrites = 0;
  private snapshots = 0;
  /** After a failed snapshot, wait for the journal to grow by another bound before trying again. */
  private compactionDeferredUntil = 0;
  readonly indexes: CollectionIndexes;

  constructor(
    private readonly state: CommitterState,
    private readonly journal: Journal,
    /** Writes the whole state, tagged with `seq`, as the new snapshot (durably). */
    private readonly writeSnapshot: (data: StoreData, seq: number) => Promise<void>,
    private readonly options: CommitterOptions,
  ) {
    this.indexes = new CollectionIndexes(() => this.state.data);
  }

  /** Durable batch writes (journal appends) since open. */
  get writes(): number {
    return this.durableWrites;
  }

  /** Snapshots written since open (compactions). */
  get snapshotWrites(): number {
    return this.snapshots;
  }

  transact<T>(mutate: (data: StoreData) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ mutate, resolve: resolve as (value: unknown) => void, reject });
      this.startDraining();
    });
  }

  recordUse(use: KeyUse): void {
    const key = this.indexes.get('keys', use.keyId) as KeyRecord | undefined;
    if (!key) return;
    applyUse(key, use);
    tallyUse(this.uses, use);
    this.armUseTimer();
  }

  /** Resolves when every change and use recorded so far is durable; rejects if that write fails. */
  flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.usesDue = true;
      this.queue.push({ mutate: null, resolve: () => resolve(), reject });
      this.startDraining();
    });
  }

  /** Writes a snapshot of everything durable and empties the journal (on close). No-op when it is empty. */
  async compactIfJournalHoldsChanges(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.journal.lines > 0) await this.compact();
  }

  stopTimers(): void {
    if (this.useTimer) clearTimeout(this.useTimer);
    this.useTimer = null;
  }

  private armUseTimer(): void {
    // One write per flush period however many verifies arrive. Unref: a pending flush must not keep
    // a finished process alive; close() writes pending uses.
    this.useTimer ??= setTimeout(() => {
      this.useTimer = null;
      this.usesDue = true;
      this.startDraining();
    }, this.options.usageFlushMs).unref();
  }

  private startDraining(): void {
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Yield once so transacts issued in the same turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0 || (this.usesDue && this.uses.size > 0)) {
      await this.writeBatch();
      if (this.compactionDue()) await this.compact().catch(() => undefined);
    }
    this.usesDue = false;
    this.draining = null;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const batchUses = this.uses;
    this.uses = new Map();
    this.usesDue = false;
    this.stopTimers();

    const data = this.state.data;
    const changes = new ChangeSet();
    const applied: QueuedChange[] = [];
    for (const change of batch) {
      if (!change.mutate) continue;
      const tracker = new MutationTracker(data);
      try {
        change.result = change.mutate(tracker.view);
        if (isPromiseLike(change.result)) {
          // Its continuation will hit the revoked view and reject: already reported below, not a crash.
          (change.result as PromiseLike<unknown>).then(undefined, () => undefined);
          throw new TypeError('A transact mutation must be synchronous: changes made after an await would escape the write.');
        }
        changes.absorb(tracker.finish());
        applied.push(change);
      } catch (error) {
        tracker.finish().undo(data); // only this mutation: its batch-mates stay applied
        change.reject(error);
      }
    }
    const settled = [...applied, ...batch.filter((change) => !change.mutate)];
    const described = changes.isEmpty && batchUses.size === 0 ? undefined : describeBatch(data, changes, batchUses.keys(), this.indexes);
    if (!described || described.changes.length === 0) {
      for (const change of settled) change.resolve(change.result);
      return;
    }

    const seq = this.state.seq + 1;
    try {
      await this.journal.append(`${JSON.stringify({ seq, changes: described.changes })}\n`);
    } catch (error) {
      this.rollBack(changes, batchUses);
      const refused = new StoreWriteError(this.journal.file, error);
      for (const change of settled) change.reject(refused);
      return;
    }
    this.state.seq = seq;
    this.durableWrites++;
    described.updateIndexes();
    for (const change of settled) change.resolve(change.result);
  }

  /**
   * Undoes a batch the disk refused. Its uses were real verifies: they stay in memory and pending for
   * the next write; uses recorded during the append are applied again to the records the undo restored.
   */
  private rollBack(changes: ChangeSet, batchUses: Map<string, KeyUsageTally>): void {
    changes.undo(this.state.data);
    this.indexes.forget();
    for (const [record, { collection }] of changes.records) {
      const tally = collection === 'keys' ? this.uses.get(record.id as string) : undefined;
      if (tally) applyUsage(record as unknown as KeyRecord, tally);
    }
    mergeTallies(this.uses, batchUses);
    this.armUseTimer();
  }

  private compactionDue(): boolean {
    const { bytes, lines } = this.journal;
    if (lines < this.compactionDeferredUntil) return false;
    return bytes >= this.options.compactAfterBytes || lines >= this.options.compactAfterLines;
  }

  /** Runs between batches (in the drain loop or once it is idle), so the state is exactly `seq`. */
  private async compact(): Promise<void> {
    try {
      await this.writeSnapshot(this.state.data, this.state.seq);
      this.snapshots++;
      // A crash here is safe: the snapshot holds seq, so replay skips the journal's lines.
      await this.journal.reset();
      this.compactionDeferredUntil = 0;
    } catch (error) {
      // Nothing is lost (the journal still holds every change); try again once it has grown more.
      this.compactionDeferredUntil = this.journal.lines + this.options.compactAfterLines / 10;
      throw error;
    }
  }
}

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function mergeTallies(into: Map<string, KeyUsageTally>, from: Map<string, KeyUsageTally>): void {
  for (const [keyId, tally] of from) {
    const existing = into.get(keyId);
    if (!existing) {
      into.set(keyId, { ...tally });
      continue;
    }
    existing.count += tally.count;
    if (tally.lastAt > existing.lastAt) {
      existing.lastAt = tally.lastAt;
      existing.lastIp = tally.lastIp;
    }
  }
}
