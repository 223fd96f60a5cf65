// Sample records for the store tests, and the store as a restart would find it on disk.
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { openEmbeddedStore, type EmbeddedStore } from '../../../daemon/store/embedded/embeddedStore';
import type { RecordWrite } from '../../../daemon/store/embedded/recordState';
import type { KeyRecord, StoreData, TokenRecord } from '../../../daemon/store/types';
import { makeTempDir, removeDir } from '../../support/tempDirs';

/**
 * What a restart would find on disk right now (store.json plus the journal replayed), read the way the
 * daemon reads it, from a copy of the files: as if the process had been killed at this instant.
 */
export async function durableState(dataDir: string): Promise<StoreData> {
  const copy = await copyStoreFiles(dataDir);
  try {
    const store = await openEmbeddedStore({
      dataDir: copy,
      initialData: () => {
        throw new Error(`no store.json in ${dataDir}`);
      },
    });
    const state = structuredClone(store.read());
    await store.close();
    return state;
  } finally {
    await removeDir(copy);
  }
}

/** A new temp dir holding copies of the store's files (what survives a kill -9). */
export async function copyStoreFiles(dataDir: string): Promise<string> {
  const copy = await makeTempDir('store-copy');
  for (const name of ['store.json', 'store.json.bak', 'store.journal']) {
    await fsp.copyFile(path.join(dataDir, name), path.join(copy, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  return copy;
}

/** store.json parsed, without the journal seq it carries (to compare with a StoreData). */
export async function snapshotOnDisk(dataDir: string, name = 'store.json'): Promise<StoreData> {
  const { journalSeq, ...data } = JSON.parse(await fsp.readFile(path.join(dataDir, name), 'utf8')) as StoreData & { journalSeq?: number };
  assertSeq(journalSeq);
  return data;
}

function assertSeq(seq: unknown): void {
  if (!Number.isSafeInteger(seq)) throw new Error(`store.json has no journalSeq (got ${String(seq)})`);
}

export function emptyData(): StoreData {
  return { version: 1, services: [], keys: [], tokens: [] };
}

export function sampleKey(n: number, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: `key_${n}`,
    serviceId: 'svc_demo',
    environment: 'test',
    name: `Key ${n}`,
    reference: `ref_${n}`,
    hint: '1234',
    secretHash: n.toString(16).padStart(64, '0'),
    origin: 'generated',
    status: 'active',
    startsAt: '2026-01-01T00:00:00.000Z',
    permissions: ['read'],
    companies: [],
    ipAllowList: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'tester',
    updatedAt: '2026-01-01T00:00:00.000Z',
    useCount: 0,
    ...overrides,
  };
}

export function dataWithKeys(count: number): StoreData {
  return { ...emptyData(), keys: Array.from({ length: count }, (_, i) => sampleKey(i)) };
}

/**
 * Commits `writes` as the core does, through the store's API, in one unit of work (one journal line): a
 * record not stored yet is inserted, a stored one updated at its current version, a `drop` deleted.
 * Resolves with the records as stored (with their versions).
 */
export function commit(store: EmbeddedStore, writes: RecordWrite[]): Promise<RecordWrite[]> {
  return store.unitOfWork(async (tx) => {
    const stored: RecordWrite[] = [];
    for (const { collection, id, record } of writes) {
      if (collection === 'tokens') {
        if (record) stored.push(put(await tx.tokens.insert(record as TokenRecord), collection));
        else if (await tx.tokens.delete(id)) stored.push(drop(id, collection));
        continue;
      }
      const repository = tx[collection] as typeof tx.keys;
      const current = await repository.get(id);
      if (!record) await repository.delete(id, current!.version);
      else if (current) stored.push(put(await repository.update(record as KeyRecord, current.version), collection));
      else stored.push(put(await repository.insert(record as KeyRecord), collection));
      if (!record) stored.push(drop(id, collection));
    }
    return stored;
  });
}

/** A commit's write putting `record` (a key unless another collection is named). */
export function put<T extends { id: string }>(record: T, collection: 'keys' | 'services' | 'tokens' = 'keys'): RecordWrite {
  return { collection, id: record.id, record: record as unknown as RecordWrite['record'] };
}

/** A commit's write deleting the record with this id. */
export function drop(id: string, collection: 'keys' | 'services' | 'tokens' = 'keys'): RecordWrite {
  return { collection, id, record: undefined };
}
