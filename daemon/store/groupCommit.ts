// The write path of the lowdb store. Changes are applied to the in-memory state and written in
// batches: every transact queued while a write is in flight shares the next single write (group
// commit), and each resolves only when a write containing it is durable.
//
// Rolling back without a clone per transact: the adapter keeps the text of the last durable write.
// When something fails (a mutation throws, or the disk refuses a write), the state is rebuilt from that
// text and the surviving changes are applied again. That costs one parse, on failure only, and relies on
// mutations being deterministic (see KeyStore.transact).
import type { Low } from 'lowdb';
import type { DurableJsonFile } from './durableJsonFile';
import { StoreWriteError } from './errors';
import { applyUsage, applyUse, tallyUse, type KeyUsageTally } from './keyUsage';
import type { KeyRecord, KeyUse, StoreData } from './types';

interface QueuedChange {
  /** null marks a flush: it resolves when everything queued before it is durable. */
  mutate: ((data: StoreData) => unknown) | null;
  result?: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter {
  private queue: QueuedChange[] = [];
  /** Uses already applied in memory and not yet part of a write that started. */
  private uses = new Map<string, KeyUsageTally>();
  private usesDue = false;
  private useTimer: NodeJS.Timeout | null = null;
  private draining = false;
  private keyIndex: Map<string, KeyRecord> | null = null;
  private durableWrites = 0;

  constructor(
    private readonly db: Low<StoreData>,
    private readonly file: DurableJsonFile<StoreData>,
    private readonly usageFlushMs: number,
  ) {}

  /** Durable writes performed since open (for tests and diagnostics). */
  get writes(): number {
    return this.durableWrites;
  }

  transact<T>(mutate: (data: StoreData) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ mutate, resolve: resolve as (value: unknown) => void, reject });
      this.startDraining();
    });
  }

  recordUse(use: KeyUse): void {
    const key = this.findKey(use.keyId);
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
    }, this.usageFlushMs).unref();
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    // Yield once so transacts issued in the same turn of the event loop join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0 || (this.usesDue && this.uses.size > 0)) {
      await this.writeBatch();
    }
    this.usesDue = false;
    this.draining = false;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const batchUses = this.uses;
    this.uses = new Map();
    this.usesDue = false;
    this.stopTimers();

    const applied: QueuedChange[] = [];
    for (const change of batch) {
      if (!change.mutate) continue;
      try {
        change.result = change.mutate(this.db.data);
        if (isPromiseLike(change.result)) {
          throw new TypeError('A transact mutation must be synchronous: changes made after an await would escape the write.');
        }
        applied.push(change);
      } catch (error) {
        change.reject(error);
        this.rebuild(applied, batchUses);
      }
    }
    this.keyIndex = null;
    const flushes = batch.filter((change) => !change.mutate);
    if (applied.length === 0 && batchUses.size === 0) {
      for (const change of flushes) change.resolve(undefined);
      return;
    }

    try {
      await this.db.write();
      this.durableWrites++;
      for (const change of [...applied, ...flushes]) change.resolve(change.result);
    } catch (error) {
      const refused = new StoreWriteError(this.file.file, error);
      for (const change of [...applied, ...flushes]) change.reject(refused);
      // The batch's uses were real verifies: keep them (with those recorded during the write) for a retry.
      mergeTallies(this.uses, batchUses);
      this.rebuild([], new Map());
      this.armUseTimer();
    }
  }

  /**
   * Resets the state to the last durable write, then applies again the uses not yet durable and the
   * given mutations (already run once, so deterministic mutations give the same state). A mutation
   * that throws on the second run is rejected and left out.
   */
  private rebuild(mutations: QueuedChange[], extraUses: Map<string, KeyUsageTally>): void {
    for (;;) {
      this.db.data = this.file.parseLastDurable();
      this.keyIndex = null;
      for (const tallies of [extraUses, this.uses]) {
        for (const [keyId, tally] of tallies) {
          const key = this.findKey(keyId);
          if (key) applyUsage(key, tally);
        }
      }
      const failed = mutations.findIndex((change) => !this.reapply(change));
      if (failed < 0) return;
      mutations.splice(failed, 1);
    }
  }

  private reapply(change: QueuedChange): boolean {
    try {
      change.mutate!(this.db.data);
      return true;
    } catch (error) {
      change.reject(error);
      return false;
    }
  }

  private findKey(keyId: string): KeyRecord | undefined {
    // Verifies are far more frequent than changes: index by id once per state, not a scan per use.
    this.keyIndex ??= new Map(this.db.data.keys.map((key) => [key.id, key]));
    return this.keyIndex.get(keyId);
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
