// The creation bench's baseline: how many times per second this machine can durably rewrite a store of
// a given size the way the store must (JSON.stringify of the whole state, private temp file, fsync,
// rename, directory fsync — the daemon's own writeFileAtomic). One create needs at least one such write
// while the whole store is one JSON file, so this is the ceiling for sequential creates of that design.
import { mkdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { STORE_FILE_NAME } from '../daemon/store/lowdbStore';
import { writeFileAtomic } from '../daemon/store/secureFiles';
import { nodeStoreFs } from '../daemon/store/storeFs';

export interface RewriteRate {
  perSecond: number;
  bytes: number;
}

/** Rewrites a copy of `dataDir`'s store.json in a scratch dir until `maxWrites` or `maxMs`. */
export async function measureDurableRewrite(dataDir: string, options: { maxWrites: number; maxMs: number }): Promise<RewriteRate> {
  const text = await readFile(path.join(dataDir, STORE_FILE_NAME), 'utf8');
  const data = JSON.parse(text) as object;
  const scratch = path.join(dataDir, '..', `${path.basename(dataDir)}-rewrite`);
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  const target = path.join(scratch, STORE_FILE_NAME);
  try {
    await writeFileAtomic(nodeStoreFs, target, JSON.stringify(data)); // warm-up: first write allocates the file
    let writes = 0;
    const started = performance.now();
    while (writes < options.maxWrites && performance.now() - started < options.maxMs) {
      await writeFileAtomic(nodeStoreFs, target, JSON.stringify(data));
      writes += 1;
    }
    return { perSecond: writes / ((performance.now() - started) / 1000), bytes: Buffer.byteLength(text) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
