// The setup every store test repeats: a fresh data dir and ScriptedFs per test and, after it, faults
// healed, every store the test opened closed (so its lock is released) and the dir removed.
import { makeTempDir, removeDir } from '../../support/tempDirs';
import { ScriptedFs } from './scriptedFs';

interface Closable {
  close(): Promise<void>;
}

export interface StoreDir {
  /** This test's data dir. */
  readonly dir: string;
  /** This test's file system; pass it to the store to log calls or inject faults. */
  readonly fs: ScriptedFs;
  /** Closes `store` after the test (closing twice is harmless: a store closes once). */
  keep<S extends Closable>(store: S): S;
}

export function useStoreDir(): StoreDir {
  let dir: string | undefined;
  let fs: ScriptedFs | undefined;
  const kept: Closable[] = [];
  beforeEach(async () => {
    dir = await makeTempDir('store');
    fs = new ScriptedFs();
  });
  afterEach(async () => {
    fs?.heal();
    for (const store of kept.splice(0)) await store.close();
    if (dir) await removeDir(dir);
    dir = undefined;
  });
  return {
    get dir() {
      if (dir === undefined) throw new Error('useStoreDir(): the dir exists only inside a test');
      return dir;
    },
    get fs() {
      if (fs === undefined) throw new Error('useStoreDir(): the fs exists only inside a test');
      return fs;
    },
    keep(store) {
      kept.push(store);
      return store;
    },
  };
}
