// Subscribes to a store's change feed and keeps what arrives, for assertions that wait for a change.
import type { Store, StoreChange } from '../../../daemon/store/repositories';

export interface ChangeRecorder {
  changes: StoreChange[];
  resyncs: number;
  /** Resolves once `predicate` holds over what arrived, or rejects after `timeoutMs` naming `what`. */
  waitFor(what: string, predicate: (changes: StoreChange[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` resyncs arrived in all. */
  waitForResyncs(count: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function recordChanges(store: Store): ChangeRecorder {
  const recorder = {
    changes: [] as StoreChange[],
    resyncs: 0,
    stop: () => {},
    async waitFor(what: string, predicate: (changes: StoreChange[]) => boolean, timeoutMs = 1000) {
      await poll(what, () => predicate(recorder.changes), timeoutMs);
    },
    async waitForResyncs(count: number, timeoutMs = 15_000) {
      await poll(`${count} resync(s)`, () => recorder.resyncs >= count, timeoutMs);
    },
  };
  recorder.stop = store.changes.subscribe({
    onChange: (change) => recorder.changes.push(change),
    onResync: () => (recorder.resyncs += 1),
  });
  return recorder;
}

async function poll(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
