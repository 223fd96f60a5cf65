// The team store's numbers (PostgreSQL), at 10k, 100k and 1M keys, each against a baseline measured in
// the same run: creates/s against bare INSERTs with the same durability and concurrency (bareInsert.ts),
// verify against the bare node:http server (baselineServer.ts), revoke propagation between two daemons
// (revokePropagation.ts), and the daemon's start-up time and memory. Then the embedded store's memory at
// 100k keys. One throwaway PostgreSQL 15 (test/support/postgresServer.ts, fsync on), a database per size.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import type { TokenCreated } from '../daemon/protocol';
import { sendExpecting } from '../test/support/http';
import { startPostgresServer, type PostgresServer } from '../test/support/postgresServer';
import { createTwinTable, openBareInserter, type BareInsertPhase } from './bareInsert';
import { memoryOf, startDaemon, type BenchDaemon } from './benchDaemon';
import type { PhaseLimits } from './closedLoop';
import { runPhase } from './create';
import { openCreateClient } from './createClient';
import { compareLoads, rawJsonPost, type LoadResult } from './loadClient';
import { postmasterOf, withCpu } from './processCpu';
import { measureRevokePropagation } from './revokePropagation';
import { startSeededDaemon } from './seededDaemon';
import { formatCount, formatMs, formatPercent, formatRate, percentile, verdict } from './stats';
import type { Row } from './table';
import { seedTeamStore, type TeamSeed } from './teamSeed';
import { startBaselineServer } from './verify';

export interface TeamSettings {
  sizes: number[];
  verify: { connections: number; durationMs: number; warmupMs: number; rounds: number };
  /** Per round; rounds alternate which side goes first. */
  sequential: PhaseLimits;
  concurrent: PhaseLimits;
  rounds: number;
  revokes: number;
  /** Keys in the embedded store whose memory is reported. */
  embeddedKeys: number;
}

export const TEAM_FULL: TeamSettings = {
  sizes: [10_000, 100_000, 1_000_000],
  // Rounds of 1 s alternating which server goes first: one phase on these shared cores can be a third
  // off (bare node:http measured 16,504-43,739 req/s from one size to the next in one run).
  verify: { connections: 50, durationMs: 10_000, warmupMs: 1_000, rounds: 10 },
  sequential: { maxCreates: 1_000, maxMs: 3_000 },
  concurrent: { maxCreates: 2_000, maxMs: 3_000 },
  rounds: 4,
  revokes: 200,
  embeddedKeys: 100_000,
};
export const TEAM_QUICK: TeamSettings = {
  sizes: [10_000],
  verify: { connections: 50, durationMs: 2_000, warmupMs: 500, rounds: 2 },
  sequential: { maxCreates: 200, maxMs: 1_500 },
  concurrent: { maxCreates: 500, maxMs: 1_500 },
  rounds: 2,
  revokes: 50,
  embeddedKeys: 10_000,
};

const CLIENTS = 50;
/** The daemon's pool size (connection.ts default): the bare baseline is measured with it and with 50. */
const DAEMON_POOL = 10;
const GOALS = { createShare: 0.5, verifyShare: 0.8, propagationP99Ms: 100, startupMs: 5_000, rssMiB: 400, embeddedRssMiB: 200 };

export interface TeamResult {
  sections: Array<{ title: string; intro: string; rows: Row[]; notes: string[] }>;
}

export async function benchTeam(root: string, settings: TeamSettings, log: (line: string) => void): Promise<TeamResult> {
  log('team: starting PostgreSQL 15 (fsync on)...');
  const server = await startPostgresServer({ fsync: true });
  const createRows: Row[] = [];
  const verifyRows: Row[] = [];
  const daemonRows: Row[] = [];
  const notes = { create: [] as string[], verify: [] as string[], daemon: [] as string[] };
  try {
    for (const size of settings.sizes) {
      const measured = await benchSize(root, server, size, settings, log);
      createRows.push(...measured.createRows);
      verifyRows.push(measured.verifyRow);
      daemonRows.push(measured.daemonRow);
      notes.create.push(...measured.createNotes);
      notes.verify.push(measured.verifyNote);
    }
  } finally {
    await server.dispose();
  }
  log(`team: embedded store memory at ${formatCount(settings.embeddedKeys)} keys...`);
  const embedded = await embeddedMemory(root, settings.embeddedKeys);
  notes.daemon.push(
    `Goals: start-up < ${GOALS.startupMs / 1000} s and RSS < ${GOALS.rssMiB} MB at 1M keys; revoke propagation p99 < ${GOALS.propagationP99Ms} ms. ` +
      'Start-up: spawn to daemon.json (migrations checked, every key read into the verify index, listening). RSS after start, and the peak (VmHWM) over the whole size run.',
    `Embedded store (lowdb, the default) at ${formatCount(settings.embeddedKeys)} keys: RSS ${embedded.rssMiB.toFixed(0)} MB after start (peak ${embedded.peakMiB.toFixed(0)} MB), start-up ${formatMs(embedded.startupMs)} — goal < ${GOALS.embeddedRssMiB} MB: ${verdict(embedded.rssMiB < GOALS.embeddedRssMiB)}.`,
  );
  return {
    sections: [
      {
        title: 'Team store (PostgreSQL): key creation',
        intro: `POST /v1/keys on daemon A against bare INSERTs of equivalent rows into an equivalent table (bench/bareInsert.ts), both at synchronous_commit on and fsync on, sequential and ${CLIENTS} clients, alternating rounds. Goal: >= ${GOALS.createShare * 100}% of the baseline.`,
        rows: createRows,
        notes: notes.create,
      },
      {
        title: 'Team store (PostgreSQL): verify',
        intro: `POST /v1/verify on daemon A (served from its in-memory index) against the bare node:http server holding the same hashes in a Map. Goal: >= ${GOALS.verifyShare * 100}%.`,
        rows: verifyRows,
        notes: notes.verify,
      },
      {
        title: 'Team store (PostgreSQL): revoke propagation, start-up, memory',
        intro: 'Two daemons on one database; revoke on A, B polled with verify for the same key.',
        rows: daemonRows,
        notes: notes.daemon,
      },
    ],
  };
}

interface SizeResult {
  createRows: Row[];
  createNotes: string[];
  verifyRow: Row;
  verifyNote: string;
  daemonRow: Row;
}

async function benchSize(
  root: string,
  server: PostgresServer,
  size: number,
  settings: TeamSettings,
  log: (line: string) => void,
): Promise<SizeResult> {
  const label = formatCount(size);
  const url = await server.createDatabase(`team_${size}`);
  const masterKey = randomBytes(32);
  const env = { KEYSMITH_STORE_URL: url, KEYSMITH_MASTER_KEY: masterKey.toString('base64') };
  const dataDir = (name: string) => mkdtemp(path.join(root, `team-${size}-${name}-`));

  // The daemon's own migrations and service presets, once, on the empty database.
  log(`team ${label}: migrations and presets (a first daemon start)...`);
  const first = await startDaemon(await dataDir('first'), { env });
  await first.stop();
  log(`team ${label}: seeding keys into PostgreSQL...`);
  const seedStarted = performance.now();
  const seed = await seedTeamStore(url, masterKey, size, {
    keepSecrets: settings.revokes + 1,
    hashesFile: path.join(root, `team-${size}-hashes.json`),
    log,
  });
  await createTwinTable(url);
  const seedMs = performance.now() - seedStarted;

  log(`team ${label}: starting daemons A and B...`);
  const a = await startDaemon(await dataDir('a'), { env });
  const b = await startDaemon(await dataDir('b'), { env });
  try {
    const rssAfterStart = await memoryOf(a.pid);
    const verifyToken = (await sendExpecting<TokenCreated>(a, 201, 'POST', '/v1/tokens', { json: { name: 'bench', role: 'verify' } }))
      .token;

    log(`team ${label}: verify, bare node:http then daemon A...`);
    const verify = await benchVerifyLoad(a, verifyToken, seed, settings);

    log(`team ${label}: creates, daemon A and bare INSERTs...`);
    const creates = await benchCreates(a, { daemons: [a.pid, b.pid], postmaster: await postmasterOf(url) }, url, masterKey, settings);

    log(`team ${label}: revoke propagation A -> B (${settings.revokes} keys)...`);
    await waitForToken(b, verifyToken, seed);
    const propagation = await measureRevokePropagation(a, { port: b.port, verifyToken }, seed.keys.slice(1, 1 + settings.revokes));
    const memory = await memoryOf(a.pid);

    const p99 = percentile(propagation.afterAnswerMs, 99);
    const startupMet = size < 1_000_000 || a.startupMs < GOALS.startupMs;
    const rssMet = size < 1_000_000 || rssAfterStart.rssMiB < GOALS.rssMiB;
    return {
      createRows: creates.rows.map((row) => ({ 'Stored keys': label, ...row })),
      createNotes: creates.notes.map((note) => `${label} keys: ${note}`),
      verifyRow: {
        'Stored keys': label,
        'bare node:http req/s (p99)': `${formatRate(verify.bare.perSecond)} (${formatMs(verify.bare.p99Ms)})`,
        'daemon A req/s (p99)': `${formatRate(verify.daemon.perSecond)} (${formatMs(verify.daemon.p99Ms)})`,
        'daemon vs baseline': `${formatPercent(verify.daemon.perSecond, verify.bare.perSecond)} — ${verdict(verify.daemon.perSecond >= GOALS.verifyShare * verify.bare.perSecond)}`,
        'correct answers': `${formatCount(verify.daemon.correct)} / ${formatCount(verify.daemon.requests)}`,
      },
      verifyNote: `${label} keys: load generator at ${Math.round(verify.bare.clientCpuPercent)}% / ${Math.round(verify.daemon.clientCpuPercent)}% of a core (baseline / daemon); socket errors ${verify.bare.socketErrors} / ${verify.daemon.socketErrors}.`,
      daemonRow: {
        'Stored keys': label,
        'Revoke A 200 → B refuses: p50 / p99 / max': `${formatMs(percentile(propagation.afterAnswerMs, 50))} / ${formatMs(p99)} / ${formatMs(percentile(propagation.afterAnswerMs, 100))}${propagation.afterAnswerMs.length > 0 ? ` — ${verdict(p99 < GOALS.propagationP99Ms && propagation.missed === 0)}` : ''}`,
        'revoke sent → B refuses: p99': formatMs(percentile(propagation.afterSendMs, 99)),
        'samples (missed), poll RTT': `${propagation.samples} (${propagation.missed}), ${formatMs(propagation.pollRoundTripMs)}`,
        'Daemon start-up': `${formatMs(a.startupMs)}${size >= 1_000_000 ? ` — ${verdict(startupMet)}` : ''}`,
        'RSS after start / peak': `${rssAfterStart.rssMiB.toFixed(0)} / ${memory.peakMiB.toFixed(0)} MB${size >= 1_000_000 ? ` — ${verdict(rssMet)}` : ''}`,
        'Seeding (not measured)': `${(seedMs / 1000).toFixed(0)} s`,
      },
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

async function benchVerifyLoad(
  daemon: BenchDaemon,
  verifyToken: string,
  seed: TeamSeed,
  settings: TeamSettings,
): Promise<{ bare: LoadResult; daemon: LoadResult }> {
  const key = seed.keys[0]!;
  const baseline = await startBaselineServer(seed.hashesFile);
  const isCorrect = (status: number, body: Buffer) => {
    if (status !== 200) return false;
    const answer = JSON.parse(body.toString('utf8')) as { valid: boolean; keyId?: string };
    return answer.valid && answer.keyId === key.keyId;
  };
  const target = (port: number, headers: Record<string, string>) => ({
    port,
    connections: settings.verify.connections,
    durationMs: settings.verify.durationMs,
    request: rawJsonPost(port, '/v1/verify', { key: key.secret }, headers),
    isCorrect,
  });
  try {
    const [bare, measured] = (await compareLoads(
      [target(baseline.port, {}), target(daemon.port, { Authorization: `Bearer ${verifyToken}` })],
      settings.verify.warmupMs,
      settings.verify.rounds,
    )) as [LoadResult, LoadResult];
    return { bare, daemon: measured };
  } finally {
    baseline.stop();
  }
}

async function benchCreates(
  daemon: BenchDaemon,
  pids: { daemons: number[]; postmaster: number },
  url: string,
  masterKey: Buffer,
  settings: TeamSettings,
): Promise<{ rows: Row[]; notes: string[] }> {
  const client = await openCreateClient(daemon, CLIENTS);
  const bare = { pool: await openBareInserter(url, masterKey, DAEMON_POOL), wide: await openBareInserter(url, masterKey, CLIENTS) };
  // Enough for V8 to optimise both sides' paths (the daemon's and the bare client's) before they are timed.
  const warm: PhaseLimits = { maxCreates: 300, maxMs: 30_000 };
  await runPhase(client, 1, warm);
  await bare.pool.run(1, warm);
  await bare.wide.run(1, warm);
  type Side = 'daemon' | 'barePool' | 'bareWide';
  const phases: Array<{ clients: number; limits: PhaseLimits }> = [
    { clients: 1, limits: settings.sequential },
    { clients: CLIENTS, limits: settings.concurrent },
  ];
  const results = phases.map(() => new Map<Side, BareInsertPhase[]>());
  /** CPU ms per phase and side: [daemon A, daemon B, PostgreSQL, bench client]. */
  const cpu = phases.map(() => new Map<Side, number[]>());
  const runSide = async (side: Side, clients: number, limits: PhaseLimits): Promise<BareInsertPhase> => {
    if (side === 'daemon') return runPhase(client, clients, limits);
    return (side === 'barePool' ? bare.pool : bare.wide).run(clients, limits);
  };
  try {
    for (let round = 0; round < settings.rounds; round += 1) {
      const order: Side[] = round % 2 === 0 ? ['bareWide', 'barePool', 'daemon'] : ['daemon', 'barePool', 'bareWide'];
      for (const [i, phase] of phases.entries()) {
        for (const side of order) {
          const used = await withCpu(pids, () => runSide(side, phase.clients, phase.limits));
          results[i]!.set(side, [...(results[i]!.get(side) ?? []), used.result]);
          const sum = cpu[i]!.get(side) ?? [0, 0, 0, 0];
          [...used.daemonsMs, used.postgresMs, used.clientMs].forEach((ms, k) => (sum[k]! += ms));
          cpu[i]!.set(side, sum);
        }
      }
    }
  } finally {
    client.close();
    await bare.pool.close();
    await bare.wide.close();
  }
  const combine = (runs: BareInsertPhase[]) => ({
    perSecond: runs.reduce((sum, run) => sum + run.perSecond, 0) / runs.length,
    p99Ms: Math.max(...runs.map((run) => run.p99Ms)),
    created: runs.reduce((sum, run) => sum + run.created, 0),
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
  });
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const [i, phase] of phases.entries()) {
    const of = (side: Side) => combine(results[i]!.get(side)!);
    const [d, pool, wide] = [of('daemon'), of('barePool'), of('bareWide')];
    const strict = Math.max(pool.perSecond, wide.perSecond);
    rows.push({
      Clients: phase.clients === 1 ? 'sequential' : `${phase.clients} clients`,
      'daemon creates/s (p99)': `${formatRate(d.perSecond)} (${formatMs(d.p99Ms)})`,
      [`bare INSERT/s, ${DAEMON_POOL} connections (p99)`]: `${formatRate(pool.perSecond)} (${formatMs(pool.p99Ms)})`,
      [`bare INSERT/s, ${CLIENTS} connections (p99)`]:
        phase.clients === 1 ? 'n/a (one client)' : `${formatRate(wide.perSecond)} (${formatMs(wide.p99Ms)})`,
      'daemon vs best baseline': `${formatPercent(d.perSecond, phase.clients === 1 ? pool.perSecond : strict)} — ${verdict(d.perSecond >= GOALS.createShare * (phase.clients === 1 ? pool.perSecond : strict))}`,
      'CPU ms per create: A + B + PostgreSQL + client (bare: PostgreSQL + client)': describeCpu(
        cpu[i]!,
        d.created,
        pool.created + wide.created,
      ),
    });
    if (d.failed + pool.failed + wide.failed > 0)
      notes.push(`${phase.clients} client(s): failed daemon ${d.failed}, bare ${pool.failed} + ${wide.failed}.`);
    notes.push(
      `${phase.clients} client(s): ${formatCount(d.created)} daemon creates and ${formatCount(pool.created + wide.created)} bare INSERTs measured.`,
    );
  }
  return { rows, notes };
}

/** Where the CPU of a create goes, per side: the daemon's path next to the bare INSERT's. */
function describeCpu(cpu: Map<string, number[]>, daemonCreates: number, bareInserts: number): string {
  const [a, b, postgres, client] = cpu.get('daemon')!.map((ms) => ms / daemonCreates);
  const pool = cpu.get('barePool')!;
  const wide = cpu.get('bareWide')!;
  const bare = [pool[2]! + wide[2]!, pool[3]! + wide[3]!].map((ms) => ms / bareInserts);
  return `${a!.toFixed(2)} + ${b!.toFixed(2)} + ${postgres!.toFixed(2)} + ${client!.toFixed(2)} (bare: ${bare[0]!.toFixed(2)} + ${bare[1]!.toFixed(2)})`;
}

/** Daemon B learns the verify token made on A through the change feed; waits until it answers with it. */
async function waitForToken(b: BenchDaemon, verifyToken: string, seed: TeamSeed): Promise<void> {
  const deadline = performance.now() + 10_000;
  const key = seed.keys[0]!;
  while (performance.now() < deadline) {
    const answer = await fetch(`http://127.0.0.1:${b.port}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${verifyToken}` },
      body: JSON.stringify({ key: key.secret }),
    });
    if (answer.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('daemon B never accepted the verify token made on A');
}

async function embeddedMemory(root: string, keys: number): Promise<{ rssMiB: number; peakMiB: number; startupMs: number }> {
  const seeded = await startSeededDaemon(root, keys);
  try {
    // A moment for start-up garbage to be collected, as a daemon left running would.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return { ...(await memoryOf(seeded.daemon.pid)), startupMs: seeded.daemon.startupMs };
  } finally {
    await seeded.daemon.stop();
  }
}
