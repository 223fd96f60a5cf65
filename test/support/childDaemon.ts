// Runs the real daemon bundle (dist/daemon.js) as a child process, the way users run it: for the tests
// that need a process to kill -9, a second daemon to refuse, a start-up check to fail or an RSS to read,
// and for the bench. It is found through the daemon.json it writes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DaemonInfo } from '../../daemon/protocol';
import { teamDaemonEnv, testDatabaseFor, testStoreKind } from './teamStore';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** KEYSMITH_DAEMON_BUNDLE runs the suites and the bench against another build (then nothing is rebuilt). */
export const DAEMON_BUNDLE = process.env.KEYSMITH_DAEMON_BUNDLE || path.join(REPO_ROOT, 'dist/daemon.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonProcess {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  /** Everything the process printed so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<Exit>;
}

export interface RunningDaemon extends DaemonProcess {
  /** The admin socket, from daemon.json. */
  socket: string;
  port: number;
  token: string;
  info: DaemonInfo;
}

export interface SpawnOptions {
  /** Start under this umask (e.g. 0o000 to prove files are created 0600 by their own mode). */
  umask?: number;
  /** Daemon flags after `--data-dir <dir> --port 0`. */
  args?: string[];
  /** Flags for node itself, before the script (e.g. `--require` a spy). */
  nodeArgs?: string[];
  /** Added to this process's environment, minus the KEYSMITH_* settings a developer may have exported. */
  env?: Record<string, string>;
  /**
   * A team store: `--store URL` and the team's master key in the environment. Under
   * KEYSMITH_TEST_STORE=postgres `startDaemonProcess` picks one (per data dir) when no `--store` is given.
   */
  storeUrl?: string;
  /** How long `startDaemonProcess` waits for daemon.json (default 15 s; a seeded bench store needs more). */
  startTimeoutMs?: number;
}

/** Builds dist/daemon.js when it is missing or older than a daemon source file. */
export function ensureDaemonBuilt(): void {
  if (process.env.KEYSMITH_DAEMON_BUNDLE) return;
  if (existsSync(DAEMON_BUNDLE) && statSync(DAEMON_BUNDLE).mtimeMs >= newestSourceMtime(path.join(REPO_ROOT, 'daemon'))) {
    return;
  }
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (!existsSync(DAEMON_BUNDLE)) throw new Error('npm run build did not produce dist/daemon.js');
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The daemon's own environment variables, emptied: a spawned daemon takes its settings from its arguments only. */
export const UNSET_DAEMON_ENV = {
  KEYSMITH_DATA_DIR: '',
  KEYSMITH_PORT: '',
  KEYSMITH_MASTER_KEY: '',
  KEYSMITH_MASTER_KEY_FILE: '',
  KEYSMITH_STORE_URL: '',
} as const;

/** Starts the daemon process without waiting for it; see `startDaemonProcess` to wait until it serves. */
export function launchDaemonProcess(dataDir: string, options: SpawnOptions = {}): DaemonProcess {
  const team = options.storeUrl === undefined ? [] : ['--store', options.storeUrl];
  const argv = [...(options.nodeArgs ?? []), DAEMON_BUNDLE, '--data-dir', dataDir, '--port', '0', ...team, ...(options.args ?? [])];
  const env = {
    ...process.env,
    ...UNSET_DAEMON_ENV,
    ...(options.storeUrl === undefined ? {} : teamDaemonEnv()),
    ...options.env,
  };
  // `exec` keeps the pid: the pid we hold is the node process itself, so kill -9 and /proc reach it.
  const child =
    options.umask === undefined
      ? spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `umask ${options.umask.toString(8).padStart(3, '0')} && exec "$0" "$@"`, process.execPath, ...argv], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, dataDir, output: () => printed, exited };
}

/** Starts the daemon and resolves once its daemon.json names this process; rejects if it exits first. */
export async function startDaemonProcess(dataDir: string, options: SpawnOptions = {}): Promise<RunningDaemon> {
  const onTeamStore = testStoreKind() === 'postgres' && options.storeUrl === undefined && !(options.args ?? []).includes('--store');
  if (onTeamStore) options = { ...options, storeUrl: await testDatabaseFor(dataDir) };
  const launched = launchDaemonProcess(dataDir, options);
  let exit: Exit | undefined;
  void launched.exited.then((value) => (exit = value));
  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(`daemon exited (code ${exit.code}, signal ${exit.signal}) before serving:\n${launched.output()}`);
    }
    const info = await readDaemonInfo(dataDir);
    if (info && info.pid === launched.pid) return { ...launched, socket: info.socket, port: info.port, token: info.token, info };
    await delay(20);
  }
  launched.child.kill('SIGKILL');
  throw new Error(`daemon did not write daemon.json within ${timeoutMs / 1000} s:\n${launched.output()}`);
}

/** Waits for a process that is expected to refuse to start; kills it and fails if it is still up after 15 s. */
export async function expectRefusal(launched: DaemonProcess): Promise<Exit> {
  const timer = setTimeout(() => launched.child.kill('SIGKILL'), 15_000);
  const exit = await launched.exited;
  clearTimeout(timer);
  return exit;
}

export async function readDaemonInfo(dataDir: string): Promise<DaemonInfo | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'daemon.json'), 'utf8')) as DaemonInfo;
  } catch {
    return undefined; // not written yet, or caught between temp file and rename
  }
}

/** SIGTERM and wait for the clean exit (pending writes flushed); SIGKILL if it takes over `killAfterMs`. */
export async function stopDaemonProcess(daemon: DaemonProcess, killAfterMs = 10_000): Promise<Exit> {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return daemon.exited;
  daemon.child.kill('SIGTERM');
  const timer = setTimeout(() => daemon.child.kill('SIGKILL'), killAfterMs);
  const exit = await daemon.exited;
  clearTimeout(timer);
  return exit;
}

export async function killHard(daemon: DaemonProcess): Promise<Exit> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
  return daemon.exited;
}

/** VmRSS of a live process in KiB, from /proc. */
export async function residentKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
