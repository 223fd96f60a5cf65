// Fills a data dir with N keys before any daemon opens it, through the store's own code
// (bench/seedDataDir.ts, run with the repository's tsx): 10,000 keys take a second or two this way,
// minutes through the API.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.mjs';

const TSX_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const SEED_SCRIPT = path.join(REPO_ROOT, 'bench', 'seedDataDir.ts');

/** Resolves to `{ keyCount, seedMs }`; the data dir must be fresh (no daemon has opened it). */
export async function seedKeys(dataDir, count) {
  try {
    const { stdout } = await promisify(execFile)(TSX_BIN, [SEED_SCRIPT, dataDir, String(count)], { cwd: REPO_ROOT, timeout: 120_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1));
  } catch (error) {
    const why = String(error.stderr ?? '').trim() || error.message;
    throw new Error(`seeding ${count} keys into ${dataDir} failed: ${why}`, { cause: error });
  }
}
