// Builds a running daemon: store (lowdb unless one is given), master key, core, the Express app, and an
// http.Server on 127.0.0.1 that answers POST /v1/verify on a fast path and hands the rest to Express.
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { createApp } from './app';
import type { Injector } from './core/context';
import { newAdminToken } from './core/accessTokens';
import { createCore, type Core } from './core/createCore';
import { consoleLogger, type Logger } from './http/errorHandler';
import { fastVerifyHandler, isFastVerify } from './http/fastVerify';
import { answerClientError } from './http/respond';
import { systemClock, type Clock } from './keys/clock';
import { loadMasterKey } from './keys/masterKey';
import { BUILT_IN_SERVICES } from './keys/presets';
import { createSealer } from './keys/sealing';
import { openLowdbStore } from './store/lowdbStore';
import type { KeyStore, StoreData } from './store/types';

export const LOOPBACK = '127.0.0.1';

export interface StartServerOptions {
  dataDir: string;
  /** 0 (default) picks any free port. */
  port?: number;
  /** Defaults to the lowdb store in dataDir. The running server owns it: close() closes it. */
  store?: KeyStore;
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

export interface RunningServer {
  port: number;
  token: string;
  url: string;
  dataDir: string;
  core: Core;
  server: Server;
  /** Stops accepting, lets in-flight requests finish, writes pending audit and uses, releases the store. */
  close(): Promise<void>;
}

export function initialStoreData(): StoreData {
  return { version: 1, services: structuredClone([...BUILT_IN_SERVICES]), keys: [], tokens: [] };
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'admin';
  }
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger ?? consoleLogger;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = options.store ?? (await openLowdbStore({ dataDir, initialData: initialStoreData, usageFlushMs: options.usageFlushMs }));
  try {
    const sealedSecrets = store.read().keys.filter((key) => key.sealed !== undefined).length;
    const sealer = createSealer(await loadMasterKey(dataDir, options.env, sealedSecrets));
    const token = options.adminToken ?? newAdminToken();
    const core = await createCore({
      store,
      clock: options.clock ?? systemClock,
      sealer,
      adminToken: token,
      adminName: options.adminName ?? osUserName(),
      injector: options.injector,
      auditBurstWindowMs: options.auditBurstWindowMs,
      onBackgroundError: (error) => logger.error((error as Error).message),
    });
    const app = createApp({ core, logger });
    const fastVerify = fastVerifyHandler(core, logger);
    const server = createServer((req, res) => (isFastVerify(req) ? fastVerify(req, res) : app(req, res)));
    server.keepAliveTimeout = 5_000;
    // Node answers parser refusals (e.g. a 100 KB header: 431) with a bare status line; give them the API's error shape.
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    return {
      port,
      token,
      url: `http://${LOOPBACK}:${port}`,
      dataDir,
      core,
      server,
      close: () => (closing ??= shutdown(server, core, store)),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function shutdown(server: Server, core: Core, store: KeyStore): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Give in-flight requests a moment, then cut keep-alive stragglers so shutdown cannot hang.
  const force = setTimeout(() => server.closeAllConnections(), 2_000);
  await stopped;
  clearTimeout(force);
  await core.close();
  await core.audit.flushBursts();
  await store.close();
}
