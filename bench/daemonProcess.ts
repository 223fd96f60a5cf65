// Runs the real daemon bundle (dist/daemon.js) as its own process, the way users run it, and finds it
// through the daemon.json it writes. Optionally preloads the stall probe and reads it per phase.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readDaemonFile } from '../common/daemonJson';

export const REPO_ROOT = path.resolve(__dirname, '..');
/** KEYSMITH_DAEMON_BUNDLE benches another build of the daemon (same override as test/reliability). */
export const DAEMON_BUNDLE = process.env.KEYSMITH_DAEMON_BUNDLE || path.join(REPO_ROOT, 'dist', 'daemon.js');
const STALL_PROBE = path.join(__dirname, 'stallProbe.cjs');
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export interface StallStats {
  seq: number;
  windowMs: number;
  samples: number;
  maxStallMs: number;
  p99StallMs: number;
  /** The timer-drift probe's longest gap, and the process CPU time spent during it. */
  longestGapMs: number;
  longestGapCpuMs: number;
  /** Longest gap counted only up to the CPU the daemon used in it: the stall it caused itself, at most. */
  maxBusyStallMs: number;
}

export interface BenchDaemon {
  /** The admin socket (every admin call); `port` serves verify with verify tokens. */
  socket: string;
  port: number;
  token: string;
  pid: number;
  /** From spawn to daemon.json written (store loaded, listening). */
  startupMs: number;
  /** Closes the current stall window and returns it (only with `probeStalls`). */
  stallWindow(): Promise<StallStats>;
  /** SIGTERM, then waits for the clean exit (pending writes flushed). */
  stop(): Promise<void>;
}

export async function startDaemon(dataDir: string, options: { probeStalls?: boolean } = {}): Promise<BenchDaemon> {
  if (!existsSync(DAEMON_BUNDLE)) throw new Error(`${DAEMON_BUNDLE} is missing: run npm run build first (or set KEYSMITH_DAEMON_BUNDLE)`);
  const stallFile = path.join(dataDir, '..', `${path.basename(dataDir)}.stalls.json`);
  const nodeArgs = [...extraNodeArgs(), ...(options.probeStalls ? ['--require', STALL_PROBE] : [])];
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, DAEMON_BUNDLE, '--data-dir', dataDir, '--port', '0'], {
    env: { ...process.env, KEYSMITH_STALL_FILE: stallFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const info = await waitForDaemonFile(dataDir, () => exitCode, () => output);
  const startupMs = performance.now() - started;
  let lastSeq = 0;
  return {
    socket: info.socket,
    port: info.port,
    token: info.token,
    pid: child.pid!,
    startupMs,
    async stallWindow() {
      if (!options.probeStalls) throw new Error('this daemon was started without the stall probe');
      child.kill('SIGUSR2');
      lastSeq += 1;
      return waitForStallWindow(stallFile, lastSeq);
    },
    stop: () => stopChild(child, exited),
  };
}

/** KEYSMITH_BENCH_DAEMON_NODE_ARGS adds node flags to every bench daemon, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
function extraNodeArgs(): string[] {
  return (process.env.KEYSMITH_BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

async function waitForDaemonFile(dataDir: string, exitCode: () => number | null | undefined, output: () => string) {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (exitCode() !== undefined) throw new Error(`the daemon exited (code ${exitCode()}) before listening:\n${output()}`);
    try {
      return await readDaemonFile(dataDir);
    } catch {
      await sleep(20);
    }
  }
  throw new Error(`the daemon did not write daemon.json in ${START_TIMEOUT_MS / 1000} s:\n${output()}`);
}

async function waitForStallWindow(file: string, seq: number): Promise<StallStats> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    try {
      const stats = JSON.parse(await readFile(file, 'utf8')) as StallStats;
      if (stats.seq >= seq) return stats;
    } catch {
      // not written yet
    }
    await sleep(10);
  }
  throw new Error(`the stall probe did not answer (no ${file} with seq ${seq})`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // A daemon that does not stop within the limit (a flush stuck on disk) is killed, not waited for.
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killer);
}
