// Test daemons for every suite (daemon, inject, reliability). Keep this API stable.
//
//   const daemon = await startTestDaemon();              // in-process: admin socket + 127.0.0.1:<port 0>
//   const { status, body } = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', ... });  // over the socket
//   await daemon.tcpRequest('POST', '/v1/verify', { key }, { token: verifyToken });                     // over TCP
//   await daemon.stop();                                  // removes the temp data dir unless you gave one
//
//   const child = await spawnDaemonProcess(dataDir);      // dist/daemon.js as a child (run `npm run build`)
//   child.info.token; child.process.kill('SIGTERM'); await child.exited;
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Injector } from '../../daemon/core/context';
import type { Logger } from '../../daemon/http/errorHandler';
import type { Clock } from '../../daemon/keys/clock';
import type { DaemonInfo } from '../../daemon/protocol';
import { startServer, type RunningServer } from '../../daemon/server';
import type { KeyStore } from '../../daemon/store/types';

export interface TestDaemonOptions {
  /** Use this data dir (kept on stop); default: a fresh temp dir removed on stop. */
  dataDir?: string;
  clock?: Clock;
  /** A store to serve (e.g. createMemoryStore); default: the real lowdb store in the data dir. */
  store?: KeyStore;
  /** Fake injection entry points; default: daemon/inject. */
  injector?: Injector;
  /** Audit burst window for verify failures (default 10 s; GET /v1/audit flushes anyway). */
  auditBurstWindowMs?: number;
  /** Defaults to a logger that records lines in `logs` instead of printing them. */
  logger?: Logger;
}

export interface RequestOptions {
  /** Bearer token; default the admin token; `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Send `body` as this exact string instead of JSON-encoding it (no content type added). */
  raw?: string | Buffer;
}

export interface TestResponse<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  /** The body as received, for scanning responses for secrets. */
  text: string;
}

export interface TestDaemon {
  /** The TCP listener (health and verify only). */
  url: string;
  port: number;
  /** The admin socket: where `request` goes. */
  socket: string;
  token: string;
  dataDir: string;
  server: RunningServer;
  /** Lines the daemon logged (when no logger was given). */
  logs: string[];
  /** A request on the admin socket, as the CLI and the extension send them. */
  request<T = any>(method: string, urlPath: string, body?: unknown, options?: RequestOptions): Promise<TestResponse<T>>;
  /** A request on the TCP port, as an app server sends them (admin routes are refused there). */
  tcpRequest<T = any>(method: string, urlPath: string, body?: unknown, options?: RequestOptions): Promise<TestResponse<T>>;
  stop(): Promise<void>;
}

/**
 * One HTTP request to 127.0.0.1:<port> (a number) or to a Unix socket (a path); resolves with the
 * parsed JSON body (or the text when not JSON).
 */
export function sendRequest<T = any>(where: number | string, method: string, urlPath: string, body?: unknown, options: RequestOptions & { defaultToken?: string } = {}): Promise<TestResponse<T>> {
  const token = options.token === undefined ? options.defaultToken : options.token;
  const headers: Record<string, string> = {};
  let payload: string | Buffer | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const chunked = options.headers?.['transfer-encoding'] !== undefined;
  if (payload !== undefined && !chunked) headers['content-length'] = String(Buffer.byteLength(payload));
  if (token) headers.authorization = `Bearer ${token}`;
  Object.assign(headers, options.headers);
  return new Promise((resolve, reject) => {
    const target = typeof where === 'number' ? { host: '127.0.0.1', port: where } : { socketPath: where };
    const req = httpRequest({ ...target, method, path: urlPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch { /* not JSON: keep the text */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T, text });
      });
      res.on('error', reject);
    });
    // The daemon may answer (413) and close before reading a large body; the answer is what matters.
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'keysmith-test-')));
  const logs: string[] = [];
  const logger: Logger = options.logger ?? { info: (line) => logs.push(line), error: (line) => logs.push(line) };
  let server: RunningServer;
  try {
    server = await startServer({
      dataDir,
      store: options.store,
      clock: options.clock,
      injector: options.injector,
      logger,
      auditBurstWindowMs: options.auditBurstWindowMs,
      adminName: 'tester',
      usageFlushMs: 20,
      env: {},
    });
  } catch (error) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url: server.url,
    port: server.port,
    socket: server.socket,
    token: server.token,
    dataDir,
    server,
    logs,
    request: (method, urlPath, body, requestOptions = {}) =>
      sendRequest(server.socket, method, urlPath, body, { ...requestOptions, defaultToken: server.token }),
    tcpRequest: (method, urlPath, body, requestOptions = {}) =>
      sendRequest(server.port, method, urlPath, body, { ...requestOptions, defaultToken: server.token }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface DaemonProcess {
  process: ChildProcess;
  info: DaemonInfo;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
}

const DAEMON_SCRIPT = path.resolve(__dirname, '../../dist/daemon.js');

/**
 * Runs `dist/daemon.js --data-dir <dataDir> --port 0 ...args` as a child process and resolves once its
 * daemon.json is written and answers, or rejects with the child's output if it exits first.
 */
export function spawnDaemonProcess(dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [DAEMON_SCRIPT, '--data-dir', dataDir, '--port', '0', ...args], {
    env: { ...process.env, KEYSMITH_MASTER_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    let done = false;
    exited.then((code) => {
      if (!done) {
        done = true;
        reject(new Error(`daemon exited (${code}) before it was ready:\n${output}`));
      }
    });
    const poll = async () => {
      if (done) return;
      // Ready once it printed where daemon.json is (written before that line) and the file parses.
      if (output.includes('daemon.json')) {
        try {
          const info = JSON.parse(await readFile(path.join(dataDir, 'daemon.json'), 'utf8')) as DaemonInfo;
          if (info.pid === child.pid) {
            done = true;
            resolve({ process: child, info, output: () => output, exited });
            return;
          }
        } catch { /* not written yet */ }
      }
      setTimeout(poll, 25);
    };
    void poll();
  });
}
