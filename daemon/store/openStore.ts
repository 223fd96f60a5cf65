// Which store a daemon runs on: the embedded lowdb store in its data dir (the default), or a team's
// PostgreSQL database (`--store postgres://…` or KEYSMITH_STORE_URL). Either way the data dir stays the
// daemon's own (daemon.json, the admin socket, the master key file) and holds the lock that keeps a
// second daemon off it.
import { acquireDataDirLock } from './dataDirLock';
import { openEmbeddedStore } from './embedded/embeddedStore';
import { KeysmithError } from '../errors';
import type { Store } from './repositories';
import { nodeStoreFs } from './storeFs';
import type { StoreData } from './types';

export const STORE_URL_ENV = 'KEYSMITH_STORE_URL';

export interface StoreChoice {
  dataDir: string;
  /** A `postgres://` or `postgresql://` URL; undefined for the embedded store. */
  storeUrl?: string;
  initialData: () => StoreData;
  /** The embedded store's one member: the OS user. */
  ownerName: string;
  usageFlushMs?: number;
  /** The embedded store's report of audit events it could not append after a committed key write. */
  onAuditError?: (error: Error) => void;
}

export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

/** The URL from the option, else the environment; undefined means the embedded store. Never echoes the URL. */
export function storeUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const url = option ?? (env[STORE_URL_ENV] || undefined);
  if (url === undefined || url === 'embedded') return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) {
    // The value may hold a password: it is not repeated.
    throw new StoreUrlError(`--store (or ${STORE_URL_ENV}) must be a postgres:// URL, or "embedded"`);
  }
  return url;
}

/**
 * A failed start on a team store, said for a person at the start: which store (host, port and database,
 * never the password) and why. The store's own STORE_UNAVAILABLE words ("reconnects by itself") are
 * for a running daemon; at start the daemon stops.
 */
function cannotOpen(store: string, error: unknown): Error {
  const reason =
    error instanceof KeysmithError && error.code === 'STORE_UNAVAILABLE'
      ? 'the server cannot be reached (is it running, are host and port right?)'
      : (error as Error).message;
  return new Error(`cannot open the team store ${store}: ${reason}. Check --store (or ${STORE_URL_ENV}).`, { cause: error });
}

export async function openStore(choice: StoreChoice): Promise<Store> {
  if (choice.storeUrl === undefined) {
    return openEmbeddedStore({
      dataDir: choice.dataDir,
      initialData: choice.initialData,
      usageFlushMs: choice.usageFlushMs,
      ownerName: choice.ownerName,
      onAuditError: choice.onAuditError,
    });
  }
  // Loaded only for a team store: evaluating the PostgreSQL driver costs an embedded start ~0.2 s.
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand; import() would bypass tsx's CommonJS hook in the tests */
  const { openPostgresStore } = require('./postgres/postgresStore') as typeof import('./postgres/postgresStore');
  const { describeUrl } = require('./postgres/connection') as typeof import('./postgres/connection');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const lock = await acquireDataDirLock(nodeStoreFs, choice.dataDir);
  try {
    const store = await openPostgresStore({ url: choice.storeUrl, usageFlushMs: choice.usageFlushMs }).catch((error: unknown) => {
      throw cannotOpen(describeUrl(choice.storeUrl!), error);
    });
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        try {
          await close();
        } finally {
          await lock.release();
        }
      },
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
