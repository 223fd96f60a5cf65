// The embedded KeyStore: lowdb over a durable, private JSON file in the data directory, plus an
// append-only audit log. Opening takes the data-dir lock, refuses a damaged store instead of resetting
// it, cleans up after a crash, and keeps `store.json.bak` as the last good copy.
import { Low } from 'lowdb';
import * as path from 'node:path';
import type { AuditEvent } from '../protocol';
import { AuditLog } from './auditLog';
import { acquireDataDirLock, isRunning, LOCK_FILE_NAME, type DataDirLock } from './dataDirLock';
import { DurableJsonFile } from './durableJsonFile';
import { StoreWriteError } from './errors';
import { GroupCommitter } from './groupCommit';
import { assertPrivateFile, isTempFileOf, writeFileAtomic } from './secureFiles';
import { assertStoreShape } from './storeShape';
import { errnoCode, nodeStoreFs, type StoreFs } from './storeFs';
import type { KeyStore, KeyUse, StoreData } from './types';

export const STORE_FILE_NAME = 'store.json';
export const BACKUP_FILE_NAME = 'store.json.bak';
export const AUDIT_FILE_NAME = 'audit.jsonl';

export interface OpenLowdbStoreOptions {
  dataDir: string;
  /** The state of a brand-new store (built-in services...), used only when no store file exists. */
  initialData: () => StoreData;
  /** Stand-in file system for tests that simulate a failing disk. */
  fs?: StoreFs;
  /** How long verify hits are batched before one write (default 1000 ms). */
  usageFlushMs?: number;
}

export interface LowdbKeyStore extends KeyStore {
  /** Durable writes of store.json since open (batching diagnostics). */
  readonly writeCount: number;
}

export async function openLowdbStore(options: OpenLowdbStoreOptions): Promise<LowdbKeyStore> {
  const fs = options.fs ?? nodeStoreFs;
  const usageFlushMs = options.usageFlushMs ?? 1000;
  if (!Number.isFinite(usageFlushMs) || usageFlushMs < 0) {
    throw new RangeError(`usageFlushMs must be a number of milliseconds >= 0, got ${String(options.usageFlushMs)}.`);
  }
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(fs, dataDir);
  try {
    await removeStaleTempFiles(fs, dataDir);
    const file = new DurableJsonFile<StoreData>(path.join(dataDir, STORE_FILE_NAME), {
      validate: assertStoreShape,
      backupFile: path.join(dataDir, BACKUP_FILE_NAME),
      fs,
    });
    const db = await loadOrCreate(fs, file, options.initialData);
    await writeFileAtomic(fs, path.join(dataDir, BACKUP_FILE_NAME), file.lastDurableJson!).catch((error: unknown) => {
      throw new StoreWriteError(path.join(dataDir, BACKUP_FILE_NAME), error);
    });
    const auditFile = path.join(dataDir, AUDIT_FILE_NAME);
    await assertPrivateIfExists(fs, auditFile);
    const audit = await AuditLog.open(fs, auditFile);
    return createLowdbKeyStore(db, file, audit, lock, usageFlushMs);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function loadOrCreate(
  fs: StoreFs,
  file: DurableJsonFile<StoreData>,
  initialData: () => StoreData,
): Promise<Low<StoreData>> {
  await assertPrivateIfExists(fs, file.file);
  const db = new Low<StoreData>(file, { version: 1, services: [], keys: [], tokens: [] });
  await db.read(); // throws StoreCorruptError, leaving the file as it is
  if (file.lastDurableJson === null) {
    db.data = initialData();
    await db.write().catch((error: unknown) => {
      throw new StoreWriteError(file.file, error);
    });
  }
  return db;
}

async function assertPrivateIfExists(fs: StoreFs, file: string): Promise<void> {
  try {
    await assertPrivateFile(file, fs);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

/**
 * A crash between creating a temp file and renaming it leaves `store.json.<pid>.<random>.tmp` (we hold
 * the lock, so no live writer owns one). A lock temp file belongs to a dead process only if its pid is gone.
 */
async function removeStaleTempFiles(fs: StoreFs, dataDir: string): Promise<void> {
  for (const name of await fs.readdir(dataDir)) {
    const lockTempPid = isTempFileOf(LOCK_FILE_NAME, name) ? Number(name.split('.')[2]) : undefined;
    const stale = isTempFileOf(STORE_FILE_NAME, name) || (lockTempPid !== undefined && !isRunning(lockTempPid));
    if (stale) {
      await fs.unlink(path.join(dataDir, name)).catch((error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
      });
    }
  }
}

function createLowdbKeyStore(
  db: Low<StoreData>,
  file: DurableJsonFile<StoreData>,
  audit: AuditLog,
  lock: DataDirLock,
  usageFlushMs: number,
): LowdbKeyStore {
  const committer = new GroupCommitter(db, file, usageFlushMs);
  let closed = false;
  let closing: Promise<void> | undefined;
  const closedError = () => new Error('The Keysmith store is closed.');

  return {
    get writeCount() {
      return committer.writes;
    },
    read: () => db.data,
    transact: <T>(mutate: (data: StoreData) => T) =>
      closed ? Promise.reject(closedError()) : committer.transact(mutate),
    recordUse: (use: KeyUse) => {
      if (!closed) committer.recordUse(use);
    },
    appendAudit: (events: AuditEvent[]) => (closed ? Promise.reject(closedError()) : audit.append(events)),
    readAudit: (filter) => audit.read(filter),
    flush: async () => {
      await Promise.all([committer.flush(), audit.idle()]);
    },
    close() {
      closed = true;
      // Every caller of close() waits for the same shutdown, and it runs once.
      closing ??= (async () => {
        try {
          await committer.flush();
        } finally {
          committer.stopTimers();
          await audit.close();
          await lock.release();
        }
      })();
      return closing;
    },
  };
}
