// Opening a big store leaves its garbage in the heap: the file's bytes and text, the copies the verify
// index is built from (at 100k keys about twice what the daemon keeps). V8 collects only when more is
// allocated, so an idle daemon kept it for good (RSS 450 MB instead of 250 MB, hours later). A full
// collection once the store is read, and once the daemon serves, gives it back to the system.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this much heap growth a collection is not worth its pause (every small store, every test daemon). */
const WORTH_COLLECTING_BYTES = 64 * 2 ** 20;

export const heapInUse = (): number => process.memoryUsage().heapUsed;

/** A full garbage collection, asked of V8 without `--expose-gc` on the command line. */
export function collectGarbage(): void {
  // The flag only puts `gc` in contexts created while it is set: one throwaway context, then it is off again.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}

/** Collects when the heap grew past the threshold since `since` (a heapInUse() reading). */
export function collectGarbageIfGrown(since: number): void {
  if (heapInUse() - since > WORTH_COLLECTING_BYTES) collectGarbage();
}
