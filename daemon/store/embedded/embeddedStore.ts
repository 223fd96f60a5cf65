// The embedded Store: one daemon per data dir, its state in lowdb's store.json (a snapshot) plus a
// write-ahead journal of the batches since (groupCommit.ts), and an append-only audit log. Opening takes
// the data-dir lock, cleans up after a crash, refuses a damaged store instead of resetting it, and keeps
// `store.json.bak` as the last good copy (storeLoading.ts). Repositories read the committed records from
// memory; every write, alone or in a unit of work, is one durable commit with its version checks, and
// is published on the change feed before its promise resolves.
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { KeysmithError } from '../../errors';
import type { AuditEvent } from '../../protocol';
import { acquireDataDirLock } from '../dataDirLock';
import type { ChangeFeed, MemberRecord, MemberRepository, Store, StoreChange, UnitOfWork } from '../repositories';
import { nodeStoreFs, type StoreFs } from '../storeFs';
import type { StoreData } from '../types';
import { AuditAfterCommit } from './auditAfterCommit';
import { AuditLog } from './auditLog';
import { removeCrashLeftovers } from './crashLeftovers';
import { repositoriesOver, type TransactionAccess } from './embeddedRepositories';
import { EmbeddedTransaction } from './embeddedTransaction';
import { GroupCommitter } from './groupCommit';
import { JOURNAL_FILE_NAME } from './journal';
import { RecordState } from './recordState';
import { assertPrivateIfExists, loadStore, snapshotOf } from './storeLoading';

export const STORE_FILE_NAME = 'store.json';
export const BACKUP_FILE_NAME = 'store.json.bak';
export const AUDIT_FILE_NAME = 'audit.jsonl';
export { JOURNAL_FILE_NAME };

export interface OpenEmbeddedStoreOptions {
  dataDir: string;
  /** The state of a brand-new store (built-in services...), used only when no store file exists. */
  initialData: () => StoreData;
  /** The one member of an embedded store, as owner: the OS user running the daemon (the default). */
  ownerName?: string;
  /** Told when the audit log refused the events of a committed write (kept and retried: auditAfterCommit.ts). */
  onAuditError?: (error: Error) => void;
  /** Stand-in file system for tests that simulate a failing disk. */
  fs?: StoreFs;
  /** How long verify hits are batched before one write (default 1000 ms). */
  usageFlushMs?: number;
  /** Write a new snapshot once the journal holds this many batches (default 5000; or 4 MiB). */
  compactAfterBatches?: number;
}

export interface EmbeddedStore extends Store {
  /** The state as the snapshot holds it (records shared: read it, never change it). For tests and benches. */
  read(): Readonly<StoreData>;
  /** Durable batch writes (journal appends) since open (batching diagnostics). */
  readonly writeCount: number;
  /** Snapshots of the whole store written since open, not counting the one a fresh store starts with. */
  readonly snapshotCount: number;
}

type Listener = Parameters<ChangeFeed['subscribe']>[0];

export async function openEmbeddedStore(options: OpenEmbeddedStoreOptions): Promise<EmbeddedStore> {
  const fs = options.fs ?? nodeStoreFs;
  const limits = {
    usageFlushMs: checkedNumber('usageFlushMs', options.usageFlushMs, 1000, 0),
    compactAfterLines: checkedNumber('compactAfterBatches', options.compactAfterBatches, 5000, 1),
  };
  const dataDir = path.resolve(options.dataDir);
  const file = (name: string) => path.join(dataDir, name);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(fs, dataDir);
  try {
    await removeCrashLeftovers(fs, dataDir, [STORE_FILE_NAME, BACKUP_FILE_NAME, JOURNAL_FILE_NAME]);
    const files = { store: file(STORE_FILE_NAME), backup: file(BACKUP_FILE_NAME), journal: file(JOURNAL_FILE_NAME) };
    const loaded = await loadStore(fs, files, options.initialData);
    try {
      await assertPrivateIfExists(fs, file(AUDIT_FILE_NAME));
      const auditLog = await AuditLog.open(fs, file(AUDIT_FILE_NAME));
      const state = new RecordState(loaded.data);
      const listeners = new Set<Listener>();
      const committer = new GroupCommitter(
        state,
        loaded.seq,
        loaded.journal,
        (data, seq) => loaded.file.write(snapshotOf(data, seq)),
        limits,
        (writes) => {
          for (const write of writes) {
            const change = { collection: write.collection, id: write.id, record: write.record } as StoreChange;
            for (const listener of listeners) {
              try {
                listener.onChange(structuredClone(change));
              } catch {
                // A listener's bug must not stop the write path: the change is durable and other commits wait.
              }
            }
          }
        },
      );
      let closing: Promise<void> | undefined;
      const store: Omit<EmbeddedStore, 'keys' | 'services' | 'tokens'> = {
        description: 'embedded',
        read: () => state.toData(),
        get writeCount() {
          return committer.durableWrites;
        },
        get snapshotCount() {
          return committer.snapshots;
        },
        members: ownerOnlyMembers(options.ownerName ?? osUserName(), new Date().toISOString()),
        audit: { append: (events) => auditLog.append(events), query: (filter) => auditLog.read(filter) },
        changes: {
          subscribe(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        },
        unitOfWork: async <T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> => {
          const tx = new EmbeddedTransaction(state, committer);
          const events: AuditEvent[] = [];
          const buffered: TransactionAccess = {
            read: async (use) => use(tx),
            write: async (use, described = []) => {
              const result = use(tx);
              events.push(...described);
              return result;
            },
          };
          const result = await work(repositoriesOver(buffered));
          if (!tx.isEmpty) await tx.commit();
          await keyWriteEvents.write(events);
          return result;
        },
        recordUse: (use) => committer.recordUse(use),
        flush: async () => {
          await Promise.all([committer.flush(), auditLog.idle()]);
        },
        // Every caller waits for the same shutdown, and it runs once. Audit events still flow while the
        // committer drains: a change committed in that drain is durable, and its events must not be lost.
        close: () =>
          (closing ??= committer.close().finally(async () => {
            await auditLog.close();
            await lock.release();
          })),
      };
      // Through `store.audit` so the log a write's events reach is the store's one.
      const keyWriteEvents = new AuditAfterCommit((events) => store.audit.append(events), options.onAuditError);
      // Plain store calls: each read sees the committed state, each write commits on its own. A write's
      // transaction remembers what it read (a new key's service), checked again at commit.
      const direct: TransactionAccess = {
        read: async (use) => use(new EmbeddedTransaction(state, committer)),
        write: async (use, events = []) => {
          const tx = new EmbeddedTransaction(state, committer);
          const result = use(tx);
          if (tx.isEmpty) return result;
          const [stored] = await tx.commit();
          await keyWriteEvents.write(events);
          // The record as stored (usage fields are the store's), not as the caller sent it.
          return typeof result === 'object' && result !== null && stored?.record
            ? (structuredClone(stored.record) as unknown as typeof result)
            : result;
        },
      };
      return Object.assign(store, repositoriesOver(direct));
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

const teamStoreNeeded = () =>
  new KeysmithError(
    'VALIDATION_FAILED',
    'Members need a team store: start the daemon with --store postgres://... to add members and give them roles. The embedded store has one member, the OS user running the daemon.',
  );

/** The embedded store's members: the OS user, owner, and nobody else. */
function ownerOnlyMembers(name: string, createdAt: string): MemberRepository {
  const owner = (): MemberRecord => ({ name, role: 'owner', createdAt });
  return {
    list: async () => [owner()],
    get: async (wanted) => (wanted === name ? owner() : undefined),
    current: async () => owner(),
    add: async () => Promise.reject(teamStoreNeeded()),
    setRole: async () => Promise.reject(teamStoreNeeded()),
    remove: async () => Promise.reject(teamStoreNeeded()),
  };
}

/** The OS user running the daemon: the embedded store's owner, and the daemon's admin name. */
export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'admin';
  }
}
