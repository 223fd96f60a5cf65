// The creation bench's baseline: how many times per second this machine can durably rewrite a store of
// a given size the way the store must (JSON.stringify of the whole state, private temp file, fsync,
// rename, directory fsync — the daemon's own writeFileAtomic). One create needs at least one such write
// while the whole store is one JSON file, so this is the ceiling for sequential creates of that design.
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { STORE_FILE_NAME } from '../daemon/store/embedded/embeddedStore';
import { writeFileAtomic } from '../daemon/store/secureFiles';
import { nodeStoreFs } from '../daemon/store/storeFs';

const WARMUP_LIMIT_BYTES = 16 * 1024 * 1024;

export interface RewriteRate {
  perSecond: number;
  /** Size of the store as compact JSON. */
  bytes: number;
  /** How many rewrites the rate rests on (one or two at 100k keys). */
  writes: number;
}

/** Rewrites `data` as a store file in a scratch dir next to `dataDir` until `maxWrites` or `maxMs`. */
export async function measureDurableRewrite(
  dataDir: string,
  data: object,
  options: { maxWrites: number; maxMs: number },
): Promise<RewriteRate> {
  const text = JSON.stringify(data);
  const scratch = path.join(dataDir, '..', `${path.basename(dataDir)}-rewrite`);
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  const target = path.join(scratch, STORE_FILE_NAME);
  try {
    // Warm-up (the first write allocates the file) only where it is cheap: at 100k keys one write takes
    // seconds, and the first measured write then allocates instead.
    if (text.length < WARMUP_LIMIT_BYTES) await writeFileAtomic(nodeStoreFs, target, JSON.stringify(data));
    let writes = 0;
    const started = performance.now();
    while (writes < options.maxWrites && performance.now() - started < options.maxMs) {
      await writeFileAtomic(nodeStoreFs, target, JSON.stringify(data));
      writes += 1;
    }
    return { perSecond: writes / ((performance.now() - started) / 1000), bytes: Buffer.byteLength(text), writes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
