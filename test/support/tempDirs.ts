// Real directories for real files: every suite and the bench make their temp dirs here, so they all
// share one prefix (`keysmith-<label>-`) and one way to clean up.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function makeTempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `keysmith-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Collects the temp dirs a test makes, so one call removes them all. */
export class TempDirs {
  private readonly dirs: string[] = [];

  async make(label: string): Promise<string> {
    const dir = await makeTempDir(label);
    this.dirs.push(dir);
    return dir;
  }

  /** Removes `dir` with the others: a dir made elsewhere (e.g. a copy of a data dir). */
  keep(dir: string): string {
    this.dirs.push(dir);
    return dir;
  }

  async removeAll(): Promise<void> {
    const dirs = this.dirs.splice(0);
    await Promise.all(dirs.map(removeDir));
  }
}

/**
 * A TempDirs whose dirs are removed after each test (`'each'`) or after the block (`'all'`). Mocha runs
 * hooks of one kind in the order they were registered: call this after `useTestDaemon` so a daemon
 * serving from one of these dirs is stopped before the dir goes.
 */
export function useTempDirs(scope: 'each' | 'all' = 'each'): TempDirs {
  const temp = new TempDirs();
  if (scope === 'each') afterEach(() => temp.removeAll());
  else after(() => temp.removeAll());
  return temp;
}
