// Opening a big store leaves its garbage in the heap: the file's bytes and text, the copies the verify
// index is built from (at 100k keys about twice what the daemon keeps). V8 collects only when more is
// allocated, so an idle daemon kept it for good (RSS 450 MB instead of 250 MB, hours later). A full
// collection once the store is read, and once the daemon serves, gives it back to the system. The
// second one also compacts: the load leaves the old generation's pages a quarter empty (82 MB of pages
// for 61 MB of objects at 100k keys), and V8's own compaction moves only the emptiest of them.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this much heap growth a collection is not worth its pause (every small store, every test daemon). */
const WORTH_COLLECTING_BYTES = 64 * 2 ** 20;

export const heapInUse = (): number => process.memoryUsage().heapUsed;

/**
 * A full garbage collection, asked of V8 without `--expose-gc` on the command line. `compact` moves every
 * live object of the old generation together and gives the emptied pages back (about twice the pause).
 */
export function collectGarbage(options: { compact?: boolean } = {}): void {
  // The flag only puts `gc` in contexts created while it is set: one throwaway context, then it is off again.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  // Read by this collection only: later ones choose their pages by V8's own heuristics again.
  if (options.compact) setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    if (options.compact) setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/** Collects when the heap grew past the threshold since `since` (a heapInUse() reading). */
export function collectGarbageIfGrown(since: number): void {
  if (heapInUse() - since > WORTH_COLLECTING_BYTES) collectGarbage();
}
