// The write path of the embedded store. A commit is a list of record puts and deletes (a unit of work's
// writes) with a check to run first; commits are applied to the in-memory state and written in batches:
// every commit queued while a write is in flight shares the next single write (group commit), and each
// resolves only when a write containing it is durable.
//
// A batch is one journal line (journal.ts): the records it put, the ids it deleted, and the keys whose
// uses it carries. A commit whose check throws is refused alone, before it changed anything (its
// batch-mates are kept); a refused append undoes the whole batch from the records each write replaced.
// When the journal grows past a bound, the whole state is written as a new snapshot (store.json) and the
// journal starts empty again.
import { StoreWriteError } from '../errors';
import type { Journal } from './journal';
import type { JournalChange } from './journalReplay';
import { addTally, applyUsage, applyUse, tallyUse, type KeyUsageTally } from '../keyUsage';
import type { RecordWrite, RecordState, Undo } from './recordState';
import type { KeyRecord, KeyUse, StoreData } from '../types';

interface QueuedCommit {
  /** None for a flush: it resolves when everything queued before it is durable. */
  writes: RecordWrite[];
  check: () => void;
  resolve: (stored: RecordWrite[]) => void;
  reject: (error: unknown) => void;
}

export interface CommitterOptions {
  usageFlushMs: number;
  /** Write a snapshot once the journal holds this many batches (or COMPACT_AFTER_BYTES). */
  compactAfterLines: number;
}

/** Past this size the journal is folded into a snapshot, so an open replays little. */
const COMPACT_AFTER_BYTES = 4 * 1024 * 1024;

export class GroupCommitter {
  private queue: QueuedCommit[] = [];
  /** Uses already applied in memory and not yet part of a write that started. */
  private uses = new Map<string, KeyUsageTally>();
  private usesDue = false;
  private useTimer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  /** Durable batch writes (journal appends) and snapshots (compactions) since open: diagnostics. */
  durableWrites = 0;
  snapshots = 0;
  /** After a failed snapshot, wait for the journal to grow by another bound before trying again. */
  private compactionDeferredUntil = 0;
  private closed = false;

  constructor(
    private readonly state: RecordState,
    /** Seq of the last durable batch (in the journal or the snapshot). */
    private seq: number,
    private readonly journal: Journal,
    /** Writes the whole state, tagged with `seq`, as the new snapshot (durably). */
    private readonly writeSnapshot: (data: StoreData, seq: number) => Promise<void>,
    private readonly options: CommitterOptions,
    /** Told of each commit's records as stored, once durable and before its promise resolves. */
    private readonly onCommitted: (stored: RecordWrite[]) => void,
  ) {}

  /** Runs `check`, applies `writes`, and resolves with the records as stored once durable. */
  commit(writes: RecordWrite[], check: () => void): Promise<RecordWrite[]> {
    if (this.closed) return Promise.reject(new Error('The Keysmith store is closed.'));
    return new Promise<RecordWrite[]>((resolve, reject) => {
      this.queue.push({ writes, check, resolve, reject });
      this.startDraining();
    });
  }

  recordUse(use: KeyUse): void {
    const key = this.state.get('keys', use.keyId) as KeyRecord | undefined;
    if (!key || this.closed) return;
    applyUse(key, use);
    tallyUse(this.uses, use);
    this.armUseTimer();
  }

  /** Resolves when every change and use recorded so far is durable; rejects if that write fails. */
  flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.usesDue = true;
      this.queue.push({ writes: [], check: () => undefined, resolve: () => resolve(), reject });
      this.startDraining();
    });
  }

  /**
   * Refuses new commits, writes what is queued, then leaves one file to read: the journal's batches
   * folded into store.json. If the disk refuses that snapshot nothing is lost: the next open replays.
   */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
      // Let the callers whose changes that flush committed run on to their audit append.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.draining) await this.draining;
      if (this.journal.lines > 0) await this.compact().catch(() => undefined);
    } finally {
      if (this.useTimer) clearTimeout(this.useTimer);
      await this.journal.close();
    }
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
    // Yield once so commits issued in the same turn of the event loop join the first batch.
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
    if (this.useTimer) clearTimeout(this.useTimer);
    this.useTimer = null;

    const undos: Undo[] = [];
    const changes: JournalChange[] = [];
    const settled: { commit: QueuedCommit; stored: RecordWrite[] }[] = [];
    for (const commit of batch) {
      try {
        commit.check(); // sees the batch-mates applied before it
      } catch (error) {
        commit.reject(error);
        continue;
      }
      const stored = commit.writes.map((write) => {
        const { stored, undo } = this.state.apply(write);
        undos.push(undo);
        changes.push(
          stored.record === undefined
            ? { op: 'delete', collection: stored.collection, id: stored.id }
            : { op: 'put', collection: stored.collection, record: stored.record as unknown as Record<string, unknown> },
        );
        return stored;
      });
      settled.push({ commit, stored });
    }
    // Keys used since the last batch, written as they are now (their usage fields are what changed).
    const written = new Set(undos.filter((undo) => undo.collection === 'keys').map((undo) => undo.id));
    for (const keyId of batchUses.keys()) {
      const key = this.state.get('keys', keyId);
      if (key && !written.has(keyId)) changes.push({ op: 'put', collection: 'keys', record: key as unknown as Record<string, unknown> });
    }
    if (changes.length === 0) {
      for (const { commit, stored } of settled) commit.resolve(stored); // nothing changed: nothing to tell
      return;
    }

    const seq = this.seq + 1;
    try {
      await this.journal.append(`${JSON.stringify({ seq, changes })}\n`);
    } catch (error) {
      this.rollBack(undos, batchUses);
      const refused = new StoreWriteError(this.journal.file, error);
      for (const { commit } of settled) commit.reject(refused);
      return;
    }
    this.seq = seq;
    this.durableWrites++;
    for (const { commit, stored } of settled) {
      this.onCommitted(stored);
      commit.resolve(stored);
    }
  }

  /**
   * Undoes a batch the disk refused. Its uses were real verifies: they stay in memory and pending for
   * the next write; uses recorded during the append went to records the undo replaced, so they are
   * applied again to the records put back.
   */
  private rollBack(undos: Undo[], batchUses: Map<string, KeyUsageTally>): void {
    this.state.undo(undos);
    for (const { collection, id, before } of undos) {
      const tally = collection === 'keys' && before ? this.uses.get(id) : undefined;
      if (tally && this.state.get('keys', id) === before) applyUsage(before as KeyRecord, tally);
    }
    // The batch's uses are older than those recorded since: added first, so the newer win a tie.
    for (const [keyId, tally] of this.uses) addTally(batchUses, keyId, tally);
    this.uses = batchUses;
    this.armUseTimer();
  }

  private compactionDue(): boolean {
    const { bytes, lines } = this.journal;
    if (lines < this.compactionDeferredUntil) return false;
    return bytes >= COMPACT_AFTER_BYTES || lines >= this.options.compactAfterLines;
  }

  /** Runs between batches (in the drain loop or once it is idle), so the state is exactly `seq`. */
  private async compact(): Promise<void> {
    try {
      await this.writeSnapshot(this.state.toData(), this.seq);
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
