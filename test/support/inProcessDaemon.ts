// The daemon served in this process (daemon/server.ts startServer): real HTTP on its admin socket and
// on 127.0.0.1:<port 0>, real files in a temp data dir. Fast to start, so a suite can have a fresh one
// per test. Its log lines are captured, not printed, so tests can prove no secret ever reaches them.
//
//   const daemon = await startTestDaemon();                                   // or useTestDaemon() in hooks.ts
//   await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', ... }); // admin socket
//   await daemon.tcpRequest('POST', '/v1/verify', { key }, { token });       // TCP: health and verify only
//   await send(daemon, 'GET', '/v1/health', { tcp: true, token: null });     // any request (http.ts)
//   await daemon.stop();                                                      // removes the temp dir it made
import { startServer, type RunningServer, type StartServerOptions } from '../../daemon/server';
import { send, type Answer, type SendOptions } from './http';
import { dropTestDatabase, teamDaemonEnv, testDatabaseFor, testStoreKind } from './teamStore';
import { makeTempDir, removeDir } from './tempDirs';

export interface TestDaemonOptions extends Partial<Omit<StartServerOptions, 'port'>> {
  /**
   * `'test'` (default): actor `tester`, uses flushed every 20 ms and no environment, so answers are
   * the same on every machine. `'daemon'`: the daemon's own defaults (OS user, its flush period, the
   * process environment), as users run it: what the reliability suites attack.
   */
  defaults?: 'test' | 'daemon';
}

/** `request`'s options: `body` is sent as JSON unless `raw` is given (then with no content type of its own). */
export type RequestOptions = Pick<SendOptions, 'token' | 'headers' | 'raw' | 'agent'>;

export interface TestDaemon {
  /** The TCP listener (health and verify only). */
  url: string;
  port: number;
  /** The admin socket: where `request` goes. */
  socket: string;
  token: string;
  dataDir: string;
  /** The team store's URL (as `tester`) when the daemon runs on PostgreSQL; undefined on the embedded store. */
  storeUrl?: string;
  server: RunningServer;
  /** Every line the daemon logged, info and error (when no logger was given). */
  logs: string[];
  /** A request on the admin socket, as the CLI and the extension send them. */
  request<T = any>(method: string, urlPath: string, body?: unknown, options?: RequestOptions): Promise<Answer<T>>;
  /** A request on the TCP port, as an app server sends them (admin routes are refused there). */
  tcpRequest<T = any>(method: string, urlPath: string, body?: unknown, options?: RequestOptions): Promise<Answer<T>>;
  stop(): Promise<void>;
}

const TEST_DEFAULTS = { adminName: 'tester', usageFlushMs: 20, env: {} } satisfies Partial<StartServerOptions>;

/**
 * Under KEYSMITH_TEST_STORE=postgres, a daemon given no store of its own runs on a team store: a fresh
 * database as `tester` (or the one its data dir had), with the team's master key in its environment.
 */
async function storeFor(options: Partial<StartServerOptions>, dataDir: string, ownDir: boolean): Promise<Partial<StartServerOptions>> {
  if (testStoreKind() !== 'postgres' || options.store !== undefined || options.storeUrl !== undefined) return {};
  const storeUrl = await testDatabaseFor(ownDir ? undefined : dataDir);
  return { storeUrl, env: { ...teamDaemonEnv(), ...(options.env ?? process.env) } };
}

/** Starts a daemon on port 0; without a `dataDir` it uses a fresh temp dir that `stop()` removes. */
export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const { defaults = 'test', ...serverOptions } = options;
  const ownDir = serverOptions.dataDir === undefined;
  const dataDir = serverOptions.dataDir ?? (await makeTempDir('daemon'));
  const logs: string[] = [];
  const logger = { info: (line: string) => void logs.push(line), error: (line: string) => void logs.push(line) };
  let server: RunningServer;
  let storeUrl: string | undefined;
  let madeDatabase = false;
  try {
    const chosen = { ...(defaults === 'test' ? TEST_DEFAULTS : {}), ...serverOptions };
    const team = await storeFor(chosen, dataDir, ownDir);
    storeUrl = chosen.store === undefined ? (team.storeUrl ?? chosen.storeUrl) : undefined;
    madeDatabase = team.storeUrl !== undefined;
    server = await startServer({ logger, ...chosen, ...team, dataDir, port: 0 });
  } catch (error) {
    if (ownDir) await removeDir(dataDir);
    throw error;
  }
  // A raw body is sent with only the headers the test gives: tests of refused content types need that.
  const call =
    (tcp: boolean) =>
    (method: string, urlPath: string, body?: unknown, requestOptions: RequestOptions = {}) =>
      send(server, method, urlPath, {
        ...requestOptions,
        tcp,
        json: body,
        contentType: requestOptions.raw === undefined ? undefined : null,
      });
  let stopped = false;
  return {
    url: server.url,
    port: server.port,
    socket: server.socket,
    token: server.token,
    dataDir,
    storeUrl,
    server,
    logs,
    request: call(false),
    tcpRequest: call(true),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      if (ownDir) await removeDir(dataDir);
      // Its own database too, when the harness made one for a throwaway data dir.
      if (ownDir && madeDatabase && storeUrl) await dropTestDatabase(storeUrl);
    },
  };
}
