// Builds a running daemon: store (lowdb unless one is given), master key, core, the Express app, and two
// listeners. The admin socket in the data dir serves the whole API; TCP on 127.0.0.1 serves app servers
// (GET /v1/health, POST /v1/verify with verify tokens) and refuses the rest. Both answer POST /v1/verify
// on a fast path ahead of Express. The data dir is checked (owner, mode, no links) before anything in it
// is opened.
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { adminSocketPath, listenOnAdminSocket } from './adminSocket';
import { createApp } from './app';
import type { Injector } from './core/context';
import { newAdminToken } from './core/accessTokens';
import { createCore, type Core } from './core/createCore';
import { DAEMON_FILE_NAME } from '../common/daemonJson';
import { consoleLogger, type Logger } from './http/errorHandler';
import { fastCreateHandler, isFastCreate } from './http/fastCreate';
import { fastVerifyHandler, isFastVerify } from './http/fastVerify';
import { checkTransport } from './http/guards';
import { answerClientError, sendError } from './http/respond';
import { adminOnSocketOnly, serveAsAdminSocket, servedOnTcp } from './http/transport';
import { systemClock, type Clock } from './keys/clock';
import { MASTER_KEY_FILE } from './keys/masterKey';
import { openSealer } from './openSealer';
import { BUILT_IN_SERVICES } from './keys/builtInServices';
import { LOCK_FILE_NAME } from './store/dataDirLock';
import { openStore } from './store/openStore';
import { collectGarbageIfGrown, heapInUse } from './startupGarbage';
import { AUDIT_FILE_NAME, BACKUP_FILE_NAME, JOURNAL_FILE_NAME, osUserName, STORE_FILE_NAME } from './store/embedded/embeddedStore';
import { assertNoSymlinks, assertPrivateDataDir } from './store/privateDataDir';
import type { Store } from './store/repositories';
import type { StoreData } from './store/types';

export const LOOPBACK = '127.0.0.1';

export interface StartServerOptions {
  dataDir: string;
  /** 0 (default) picks any free port. */
  port?: number;
  /** Defaults to the embedded (lowdb) store in dataDir. The running server owns it: close() closes it. */
  store?: Store;
  /** A team's PostgreSQL store (`--store`, KEYSMITH_STORE_URL) instead of the embedded one; ignored when `store` is given. */
  storeUrl?: string;
  /** The master key file, when not `<dataDir>/master.key` (`--master-key-file`). */
  masterKeyFile?: string;
  clock?: Clock;
  /** Defaults to a fresh random token per start. */
  adminToken?: string;
  /** Actor name for admin requests; defaults to the OS user. */
  adminName?: string;
  injector?: Injector;
  logger?: Logger;
  auditBurstWindowMs?: number;
  usageFlushMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The daemon's own files: none may be a symbolic link (the socket is checked where it is created). */
const DATA_DIR_FILES = [
  STORE_FILE_NAME,
  BACKUP_FILE_NAME,
  JOURNAL_FILE_NAME,
  AUDIT_FILE_NAME,
  LOCK_FILE_NAME,
  MASTER_KEY_FILE,
  DAEMON_FILE_NAME,
];

export interface RunningServer {
  /** The admin API: `<dataDir>/daemon.sock` (a named pipe on Windows). */
  socket: string;
  /** The TCP port on 127.0.0.1 (health and verify only). */
  port: number;
  token: string;
  url: string;
  dataDir: string;
  core: Core;
  /** The TCP listener. */
  server: Server;
  socketServer: Server;
  /** Stops accepting, lets in-flight requests finish, writes pending audit and uses, releases the store. */
  close(): Promise<void>;
}

export function initialStoreData(): StoreData {
  return { version: 1, services: structuredClone([...BUILT_IN_SERVICES]), keys: [], tokens: [] };
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger ?? consoleLogger;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await assertPrivateDataDir(dataDir);
  await assertNoSymlinks(dataDir, DATA_DIR_FILES);
  const heapBeforeStore = heapInUse();
  const store =
    options.store ??
    (await openStore({
      dataDir,
      storeUrl: options.storeUrl,
      initialData: initialStoreData,
      usageFlushMs: options.usageFlushMs,
      ownerName: options.adminName ?? osUserName(),
      onAuditError: (error) => logger.error(error.message),
    }));
  // The file's text and bytes are garbage once the records are built: gone before the index is built.
  collectGarbageIfGrown(heapBeforeStore);
  try {
    // On a team store the daemon acts as its member (the database login), whatever the OS user is.
    const member = await store.members.current();
    const adminName = options.storeUrl !== undefined ? member.name : (options.adminName ?? osUserName());
    const sealer = await openSealer(store, member.role, dataDir, options);
    const token = options.adminToken ?? newAdminToken();
    const core = await createCore({
      store,
      clock: options.clock ?? systemClock,
      sealer,
      adminToken: token,
      adminName,
      injector: options.injector,
      auditBurstWindowMs: options.auditBurstWindowMs,
      onBackgroundError: (error) => logger.error((error as Error).message),
    });
    const app = createApp({ core, logger });
    const fastVerify = fastVerifyHandler(core, logger);
    const onTcp: RequestListener = (req, res) => {
      if (isFastVerify(req)) return fastVerify(req, res);
      if (servedOnTcp(req)) return void app(req, res);
      refuseOnTcp(req, res);
    };
    const server = httpServer(onTcp);
    const fastCreate = fastCreateHandler(core, core.tokens, logger);
    const socketServer = httpServer((req, res) => {
      if (isFastVerify(req)) return fastVerify(req, res);
      if (isFastCreate(req)) return fastCreate(req, res);
      app(req, res);
    });
    serveAsAdminSocket(socketServer);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const socket = adminSocketPath(dataDir);
    try {
      await listenOnAdminSocket(socketServer, socket);
    } catch (error) {
      await new Promise((resolve) => server.close(resolve));
      throw error;
    }
    let closing: Promise<void> | undefined;
    return {
      socket,
      port,
      token,
      url: `http://${LOOPBACK}:${port}`,
      dataDir,
      core,
      server,
      socketServer,
      close: () => (closing ??= shutdown([server, socketServer], core, store)),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function httpServer(listener: RequestListener): Server {
  // requireHostHeader off: Node would answer a missing Host with a bare 400; checkHost answers it in the API's shape.
  const server = createServer({ requireHostHeader: false }, listener);
  server.keepAliveTimeout = 5_000;
  // Node answers parser refusals (e.g. a 100 KB header: 431) with a bare status line; give them the API's error shape.
  server.on('clientError', answerClientError);
  return server;
}

/** An admin route asked on TCP: the API's error shape, and the connection closed (its body is never read). */
function refuseOnTcp(req: IncomingMessage, res: ServerResponse): void {
  sendError(res, checkTransport(req) ?? adminOnSocketOnly(), true);
}

async function shutdown(servers: Server[], core: Core, store: Store): Promise<void> {
  await Promise.all(servers.map(stopServer));
  await core.close();
  await core.audit.flushBursts();
  await store.close();
}

async function stopServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Give in-flight requests a moment, then cut keep-alive stragglers so shutdown cannot hang.
  const force = setTimeout(() => server.closeAllConnections(), 2_000);
  await stopped;
  clearTimeout(force);
}
