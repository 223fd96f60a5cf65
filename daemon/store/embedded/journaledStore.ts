// The embedded store's engine: a lowdb snapshot (store.json) plus a write-ahead journal (store.journal)
// of the batches since, and an append-only audit log. Opening takes the data-dir lock, refuses a damaged
// store instead of resetting it, cleans up after a crash, and keeps `store.json.bak` as the last good copy.
// embeddedStore.ts puts the repositories (versions, units of work, change feed) on top.
import * as path from 'node:path';
import type { AuditEvent } from '../../protocol';
import { AuditLog } from './auditLog';
import { removeCrashLeftovers } from './crashLeftovers';
import { acquireDataDirLock, type DataDirLock } from '../dataDirLock';
import type { CommittedState, EngineWrite } from './committedState';
import { GroupCommitter } from './groupCommit';
import { JOURNAL_FILE_NAME, type Journal } from './journal';
import { assertPrivateIfExists, loadStore, snapshotOf } from './storeLoading';
import { RecordState } from './recordState';
import { nodeStoreFs, type StoreFs } from '../storeFs';
import type { KeyUse, StoreData } from '../types';

export const STORE_FILE_NAME = 'store.json';
export const BACKUP_FILE_NAME = 'store.json.bak';
export const AUDIT_FILE_NAME = 'audit.jsonl';
export { JOURNAL_FILE_NAME };

export interface OpenJournaledStoreOptions {
  dataDir: string;
  /** The state of a brand-new store (built-in services...), used only when no store file exists. */
  initialData: () => StoreData;
  /** Stand-in file system for tests that simulate a failing disk. */
  fs?: StoreFs;
  /** How long verify hits are batched before one write (default 1000 ms). */
  usageFlushMs?: number;
  /** Told of each commit's records as stored, once durable and before the commit resolves (the change feed). */
  onCommitted?: (stored: EngineWrite[]) => void;
  /** Write a new snapshot once the journal reaches this many bytes (default 4 MiB)... */
  compactAfterBytes?: number;
  /** ...or this many batches (default 5000). */
  compactAfterBatches?: number;
}

export interface JournaledKeyStore extends CommittedState {
  /** The state as arrays, as the snapshot holds it (records shared: read it, never change it). */
  read(): Readonly<StoreData>;
  /** Records a verify hit without waiting for disk; uses are batched into a later write. */
  recordUse(use: KeyUse): void;
  /** Appends audit events (own append-only log, never a secret). Resolves when durable. */
  appendAudit(events: AuditEvent[]): Promise<void>;
  /** Newest first, optionally for one key. */
  readAudit(filter: { keyId?: string; limit: number }): Promise<AuditEvent[]>;
  /** Writes everything pending (batched uses included). */
  flush(): Promise<void>;
  /** Flushes, then releases the data-dir lock. */
  close(): Promise<void>;
  /** Durable batch writes (journal appends) since open (batching diagnostics). */
  readonly writeCount: number;
  /** Snapshots of the whole store written since open, not counting the one a fresh store starts with. */
  readonly snapshotCount: number;
}

export async function openJournaledStore(options: OpenJournaledStoreOptions): Promise<JournaledKeyStore> {
  const fs = options.fs ?? nodeStoreFs;
  const usageFlushMs = checkedNumber('usageFlushMs', options.usageFlushMs, 1000, 0);
  const compactAfterBytes = checkedNumber('compactAfterBytes', options.compactAfterBytes, 4 * 1024 * 1024, 1);
  const compactAfterLines = checkedNumber('compactAfterBatches', options.compactAfterBatches, 5000, 1);
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(fs, dataDir);
  try {
    await removeCrashLeftovers(fs, dataDir, [STORE_FILE_NAME, BACKUP_FILE_NAME, JOURNAL_FILE_NAME]);
    const file = (name: string) => path.join(dataDir, name);
    const files = { store: file(STORE_FILE_NAME), backup: file(BACKUP_FILE_NAME), journal: file(JOURNAL_FILE_NAME) };
    const loaded = await loadStore(fs, files, options.initialData);
    try {
      const auditFile = file(AUDIT_FILE_NAME);
      await assertPrivateIfExists(fs, auditFile);
      const audit = await AuditLog.open(fs, auditFile);
      const state = new RecordState(loaded.data);
      const committer = new GroupCommitter(
        state,
        loaded.seq,
        loaded.journal,
        (data, seq) => loaded.file.write(snapshotOf(data, seq)),
        { usageFlushMs, compactAfterBytes, compactAfterLines },
        options.onCommitted,
      );
      return createJournaledKeyStore(state, committer, loaded.journal, audit, lock);
    } catch (error) {
      await loaded.journal.close();
      throw error;
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function checkedNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < min) {
    throw new RangeError(`${name} must be a number${name.endsWith('Ms') ? ' of milliseconds' : ''} >= ${min}, got ${String(value)}.`);
  }
  return chosen;
}

function createJournaledKeyStore(
  state: RecordState,
  committer: GroupCommitter,
  journal: Journal,
  audit: AuditLog,
  lock: DataDirLock,
): JournaledKeyStore {
  let closed = false;
  // Audit events still flow while close() drains: a change committed in that drain is durable, and
  // its event, appended right after, must not be the one thing lost.
  let auditClosed = false;
  let closing: Promise<void> | undefined;
  const closedError = () => new Error('The Keysmith store is closed.');

  return {
    get writeCount() {
      return committer.writes;
    },
    get snapshotCount() {
      return committer.snapshotWrites;
    },
    read: () => state.toData(),
    get: (collection, id) => state.get(collection, id),
    keyIdByHash: (secretHash) => state.keyIdByHash(secretHash),
    values: (collection) => state.values(collection),
    changeCount: (collection) => state.changeCount(collection),
    commit: (writes: EngineWrite[], validate?: () => void) => (closed ? Promise.reject(closedError()) : committer.commit(writes, validate)),
    recordUse: (use: KeyUse) => {
      if (!closed) committer.recordUse(use);
    },
    appendAudit: (events: AuditEvent[]) => (auditClosed ? Promise.reject(closedError()) : audit.append(events)),
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
          // Let the callers whose changes that flush committed run on to their audit append.
          await new Promise((resolve) => setImmediate(resolve));
          // Leave one file to read: the journal's batches folded into store.json. If the disk refuses,
          // nothing is lost (the journal holds them and the next open replays it).
          await committer.compactIfJournalHoldsChanges().catch(() => undefined);
        } finally {
          auditClosed = true;
          committer.stopTimers();
          await journal.close();
          await audit.close();
          await lock.release();
        }
      })();
      return closing;
    },
  };
}
