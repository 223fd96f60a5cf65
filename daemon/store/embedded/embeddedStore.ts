// The embedded Store: one daemon per data dir, its state in the journaled lowdb files (journaledStore.ts:
// snapshot, write-ahead journal, group commit, fsync, compaction, lock, audit log, crash recovery).
// Repositories read the committed records from memory; every write, alone or in a unit of work, is one
// durable engine transaction with its version checks, and is published on the change feed before its
// promise resolves.
import { userInfo } from 'node:os';
import { KeysmithError } from '../../errors';
import type { AuditEvent } from '../../protocol';
import { AuditAfterCommit } from './auditAfterCommit';
import { EmbeddedTransaction } from './embeddedTransaction';
import { repositoriesOver, type TransactionAccess } from './embeddedRepositories';
import { openJournaledStore, type JournaledKeyStore, type OpenJournaledStoreOptions } from './journaledStore';
import type { AuditRepository, ChangeFeed, MemberRecord, MemberRepository, Store, StoreChange, UnitOfWork } from '../repositories';

export interface OpenEmbeddedStoreOptions extends OpenJournaledStoreOptions {
  /** The one member of an embedded store, as owner: the OS user running the daemon (the default). */
  ownerName?: string;
  /** Told when the audit log refused the events of a committed key write (kept and retried: auditAfterCommit.ts). */
  onAuditError?: (error: Error) => void;
}

type Listener = Parameters<ChangeFeed['subscribe']>[0];

export interface EmbeddedStore extends Store {
  /** The engine underneath (diagnostics: durable writes, snapshots). */
  readonly engine: JournaledKeyStore;
}

export async function openEmbeddedStore(options: OpenEmbeddedStoreOptions): Promise<EmbeddedStore> {
  const { ownerName = osUserName(), onAuditError, ...engineOptions } = options;
  const listeners = new Set<Listener>();
  const engine = await openJournaledStore({
    ...engineOptions,
    onCommitted: (writes) => {
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
  });
  const audit: AuditRepository = {
    append: (events) => engine.appendAudit(events),
    query: (filter) => engine.readAudit(filter),
  };
  // Through `audit.append` (not the engine's) so the log a key write's events reach is the store's one.
  const keyWriteEvents = new AuditAfterCommit((events) => audit.append(events), onAuditError);
  // Plain store calls: each read sees the committed state, each write commits on its own. A write's
  // transaction remembers what it read (a new key's service), checked again at commit.
  const direct: TransactionAccess = {
    read: async (use) => use(new EmbeddedTransaction(engine, false)),
    write: async (use, events = []) => {
      const tx = new EmbeddedTransaction(engine, true);
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

  return {
    engine,
    description: 'embedded',
    ...repositoriesOver(direct),
    members: ownerOnlyMembers(ownerName, new Date().toISOString()),
    audit,
    changes: {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    async unitOfWork<T>(work: (tx: UnitOfWork) => Promise<T>): Promise<T> {
      const tx = new EmbeddedTransaction(engine, true);
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
    recordUse: (use) => engine.recordUse(use),
    flush: () => engine.flush(),
    close: () => engine.close(),
  };
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
