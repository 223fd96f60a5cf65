// The bench's daemon: the real bundle (dist/daemon.js) as its own process, started by the test harness
// (test/support/childDaemon.ts), plus what only the bench needs: the time it took to start, longer
// limits for a seeded store, and optionally the stall probe preloaded and read per phase.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DAEMON_BUNDLE, startDaemonProcess, stopDaemonProcess } from '../test/support/childDaemon';

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

export interface StartOptions {
  probeStalls?: boolean;
  /** Daemon flags (e.g. `--store postgres://…`). */
  args?: string[];
  /** Added to the daemon's environment (e.g. KEYSMITH_MASTER_KEY for a team store). */
  env?: Record<string, string>;
}

export async function startDaemon(dataDir: string, options: StartOptions = {}): Promise<BenchDaemon> {
  if (!existsSync(DAEMON_BUNDLE)) throw new Error(`${DAEMON_BUNDLE} is missing: run npm run build first (or set KEYSMITH_DAEMON_BUNDLE)`);
  const stallFile = path.join(dataDir, '..', `${path.basename(dataDir)}.stalls.json`);
  const started = performance.now();
  const daemon = await startDaemonProcess(dataDir, {
    nodeArgs: [...extraNodeArgs(), ...(options.probeStalls ? ['--require', STALL_PROBE] : [])],
    args: options.args,
    env: { ...options.env, KEYSMITH_STALL_FILE: stallFile },
    startTimeoutMs: START_TIMEOUT_MS,
  });
  const startupMs = performance.now() - started;
  let lastSeq = 0;
  return {
    socket: daemon.socket,
    port: daemon.port,
    token: daemon.token,
    pid: daemon.pid,
    startupMs,
    async stallWindow() {
      if (!options.probeStalls) throw new Error('this daemon was started without the stall probe');
      daemon.child.kill('SIGUSR2');
      lastSeq += 1;
      return waitForStallWindow(stallFile, lastSeq);
    },
    // A daemon that does not stop within the limit (a flush stuck on disk) is killed, not waited for.
    stop: async () => void (await stopDaemonProcess(daemon, STOP_TIMEOUT_MS)),
  };
}

/** A process's resident memory now and its peak (VmRSS, VmHWM), from /proc. */
export async function memoryOf(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** KEYSMITH_BENCH_DAEMON_NODE_ARGS adds node flags to every bench daemon, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
function extraNodeArgs(): string[] {
  return (process.env.KEYSMITH_BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
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
