// A daemon process on a data dir pre-filled with N keys: what the verify and tree benches run against.
import { mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import { startDaemon, type BenchDaemon } from './benchDaemon';
import { seedStore, type SeededStore } from './storeSeed';

export interface SeededDaemon {
  dataDir: string;
  seeded: SeededStore;
  daemon: BenchDaemon;
  /** Time to write the seeded store (not part of any measurement, shown so the run time adds up). */
  seedMs: number;
}

export async function startSeededDaemon(root: string, keyCount: number, options: { probeStalls?: boolean } = {}): Promise<SeededDaemon> {
  // A data dir of its own per start: two benches seeding the same size must not add up their keys.
  const dataDir = await mkdtemp(path.join(root, `keys-${keyCount}-`));
  const seedStarted = performance.now();
  const seeded = await seedStore(dataDir, keyCount);
  const seedMs = performance.now() - seedStarted;
  const daemon = await startDaemon(dataDir, options);
  return { dataDir, seeded, daemon, seedMs };
}
