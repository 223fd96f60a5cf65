// Timing a function on inputs of size n and 2n, robustly enough for a busy shared machine: the work
// is repeated until one batch takes long enough to dominate timer and scheduler noise (the same
// count for both sizes), each batch starts from a collected heap and is timed several times in CPU
// time, and the fastest batch counts (noise only ever adds time). The inputs stay moderate (16 Ki
// characters): past a few hundred thousand live objects V8's own garbage collection grows faster
// than linearly, which says nothing about the code under test; a quadratic scan shows long before.
// Mocha runs with --single-threaded-gc (.mocharc.cjs): the work of V8's concurrent GC threads would
// otherwise count in this process's CPU time at random moments, not in the batch that caused it.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose_gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Builds an input whose length is about `n` characters and the work to do on it. */
export type Workload = (n: number) => () => unknown;

export interface Growth {
  n: number;
  small: number;
  large: number;
  ratio: number;
}

const BATCH_MS = 60;
const SIZE = 1 << 14;
const RUNS = 7;
const ATTEMPTS = 12;

/** Fastest CPU time (ms) of `runs` batches of `reps` calls, after a warm-up batch. */
function fastest(work: () => unknown, reps: number, runs: number): number {
  const batch = () => {
    for (let i = 0; i < reps; i++) work();
  };
  batch(); // warm-up: JIT, caches, lazy initialisation
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    // CPU time of this process, not wall time: other processes on a shared machine do not count.
    const start = process.cpuUsage();
    batch();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** Runs both works for a while first, so neither is timed while the JIT is still compiling it. */
function warmUp(works: Array<() => unknown>, ms = 1_000): void {
  const until = Date.now() + ms;
  while (Date.now() < until) for (const work of works) work();
}

/**
 * Time of size 2n over size n. Batches of the two sizes alternate, so both see the same moments of a
 * shared machine, and the fastest of each counts. Each batch repeats the call until it takes at least
 * BATCH_MS of CPU: shorter batches are mostly timer and cache noise.
 */
export function growth(workload: Workload, n = SIZE): Growth {
  const smallWork = workload(n);
  const largeWork = workload(2 * n);
  warmUp([smallWork, largeWork]);
  let reps = 1;
  while (fastest(smallWork, reps, 3) < BATCH_MS) reps *= 2;
  let small = Infinity;
  let large = Infinity;
  // Another round only while over the bound: a burst of load is gone the next time, quadratic work
  // shows every time. A round whose batches came out shorter than BATCH_MS (the JIT made the code
  // faster after the reps were counted) is thrown away and measured again with longer batches.
  for (let round = 0; round < ATTEMPTS && !(large / small <= 2.5); round++) {
    if (small < BATCH_MS) {
      while (fastest(smallWork, reps, 3) < BATCH_MS) reps *= 2;
      small = Infinity;
      large = Infinity;
    }
    for (let i = 0; i < RUNS; i++) {
      small = Math.min(small, fastest(smallWork, reps, 1));
      large = Math.min(large, fastest(largeWork, reps, 1));
    }
  }
  return { n, small, large, ratio: large / small };
}
