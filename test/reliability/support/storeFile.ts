// Reading the daemon's store file straight from disk, the way a crash-recovery check must: no daemon
// in between to hide a half-written or unparsable file.
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StoreData } from '../../../daemon/store/types';

const NOT_THE_STORE = new Set(['daemon.json']);

/** The data dir's store file: the JSON file holding `{version, keys: [...]}` (found, not assumed by name). */
export async function findStoreFile(dataDir: string): Promise<string> {
  for (const name of (await readdir(dataDir)).sort()) {
    if (!name.endsWith('.json') || NOT_THE_STORE.has(name)) continue;
    const file = path.join(dataDir, name);
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<StoreData>;
      if (parsed && Array.isArray(parsed.keys) && Array.isArray(parsed.services)) return file;
    } catch {
      // not the store (or a damaged one: the caller decides what that means)
    }
  }
  throw new Error(`no store file (JSON with keys and services) in ${dataDir}: ${(await readdir(dataDir)).join(', ')}`);
}

/** Parses the store file, failing the test with the parse error when it does not parse. */
export async function readStoreFile(file: string): Promise<StoreData> {
  const text = await readFile(file, 'utf8');
  let parsed: StoreData;
  try {
    parsed = JSON.parse(text) as StoreData;
  } catch (error) {
    assert.fail(`the store file ${file} does not parse (${(error as Error).message}); ${text.length} chars`);
  }
  assert.ok(Array.isArray(parsed.keys), 'the store file has a keys array');
  return parsed;
}

/** Leftover temp files of atomic writes (`<target>.<pid>.<random>.tmp`). */
export async function tempFilesIn(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((name) => name.endsWith('.tmp'));
}

/** Permission bits of every regular file in the data dir, e.g. `{ "master.key": "600" }`. */
export async function fileModes(dataDir: string): Promise<Record<string, string>> {
  const modes: Record<string, string> = {};
  for (const name of (await readdir(dataDir)).sort()) {
    const info = await stat(path.join(dataDir, name));
    // The admin socket counts too: under umask 000 a socket bound without care would be 0777.
    if (info.isFile() || info.isSocket()) modes[name] = (info.mode & 0o777).toString(8).padStart(3, '0');
  }
  return modes;
}
