// Bench 1: POST /v1/verify through the real daemon process (verify-only token, a valid key, 10k keys
// stored) against a bare node:http server doing the same essential work in its own process. Same load
// generator, same connections, same duration, warm-up first. The daemon's answers are checked.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { TokenCreated, VerifyResponse } from '../daemon/protocol';
import { sendExpecting } from '../test/support/http';
import type { BaselineEntry } from './baselineServer';
import { compareLoads, rawJsonPost, type LoadOptions, type LoadResult } from './loadClient';
import type { SeededDaemon } from './seededDaemon';
import { formatCount, formatFactor, formatMs, formatPercent, formatRate, verdict } from './stats';
import type { Row } from './table';

export interface VerifyBenchOptions {
  connections: number;
  durationMs: number;
  warmupMs: number;
  /** The measured time is split into this many alternating baseline/daemon rounds. */
  rounds: number;
}

export interface VerifyBenchResult {
  rows: Row[];
  notes: string[];
}

const GOAL_SHARE = 0.8;

export async function benchVerify(seeded: SeededDaemon, options: VerifyBenchOptions): Promise<VerifyBenchResult> {
  const key = seeded.seeded.keys[0]!;
  const verifyToken = (
    await sendExpecting<TokenCreated>(seeded.daemon, 201, 'POST', '/v1/tokens', { json: { name: 'bench', role: 'verify' } })
  ).token;

  const baseline = await startBaseline(seeded);
  const isCorrect = (status: number, body: Buffer) => {
    if (status !== 200) return false;
    const answer = JSON.parse(body.toString('utf8')) as VerifyResponse;
    return answer.valid && answer.keyId === key.keyId;
  };
  const target = (port: number, headers: Record<string, string>): LoadOptions => ({
    port,
    connections: options.connections,
    durationMs: options.durationMs,
    request: rawJsonPost(port, '/v1/verify', { key: key.secret }, headers),
    isCorrect,
  });

  let bare: LoadResult;
  let daemon: LoadResult;
  try {
    [bare, daemon] = (await compareLoads(
      [target(baseline.port, {}), target(seeded.daemon.port, { Authorization: `Bearer ${verifyToken}` })],
      options.warmupMs,
      options.rounds,
    )) as [LoadResult, LoadResult];
  } finally {
    baseline.stop();
  }

  const share = daemon.perSecond / bare.perSecond;
  const row = (name: string, result: LoadResult, ratio: string): Row => ({
    Server: name,
    'Requests/s': formatRate(result.perSecond),
    p50: formatMs(result.p50Ms),
    p99: formatMs(result.p99Ms),
    'Correct answers': `${formatCount(result.correct)} / ${formatCount(result.requests)}`,
    'vs baseline': ratio,
  });
  const rows = [
    row('bare node:http (baseline)', bare, '100%'),
    row(
      'Keysmith daemon',
      daemon,
      `${formatPercent(daemon.perSecond, bare.perSecond)} of req/s, p99 ${formatFactor(daemon.p99Ms, bare.p99Ms)}`,
    ),
  ];
  const notes = [
    `Goal: daemon >= ${GOAL_SHARE * 100}% of the baseline's requests/s — ${verdict(share >= GOAL_SHARE)} (${formatPercent(daemon.perSecond, bare.perSecond)}).`,
    `Daemon correctness: ${daemon.correct === daemon.requests ? 'every answer was 200 {"valid":true} for the right key' : `${formatCount(daemon.requests - daemon.correct)} answers were wrong (statuses: ${describeStatuses(daemon)})`}; socket errors: daemon ${daemon.socketErrors}, baseline ${bare.socketErrors}.`,
    `${options.connections} keep-alive connections, ${options.warmupMs / 1000} s warm-up each, then ${options.durationMs / 1000} s measured per server in ${options.rounds} alternating rounds; ${formatCount(seeded.seeded.keyCount)} keys stored; the load generator used ${Math.round(bare.clientCpuPercent)}% / ${Math.round(daemon.clientCpuPercent)}% of a core (baseline / daemon run).`,
  ];
  return { rows, notes };
}

function describeStatuses(result: LoadResult): string {
  return [...result.statuses].map(([status, count]) => `${status}: ${formatCount(count)}`).join(', ');
}

/** The baseline server, in its own process, loaded with every hash of the seeded store. */
async function startBaseline(seeded: SeededDaemon): Promise<{ port: number; stop: () => void }> {
  const entries: Array<[string, BaselineEntry]> = seeded.seeded.state.keys.map((record) => [
    record.secretHash,
    { keyId: record.id, serviceId: record.serviceId, environment: record.environment, permissions: record.permissions },
  ]);
  const hashesFile = path.join(seeded.dataDir, '..', 'baseline-hashes.json');
  await writeFile(hashesFile, JSON.stringify(entries), { mode: 0o600 });
  return startBaselineServer(hashesFile);
}

/** The bare node:http server (baselineServer.ts) in its own process, on a JSON file of [hash, entry] pairs. */
export async function startBaselineServer(hashesFile: string): Promise<{ port: number; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'baselineServer.ts'), hashesFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the baseline server exited (code ${code}) before listening`)));
  });
  const { port } = JSON.parse(firstLine) as { port: number };
  return { port, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}
