// Bench 2: key creation with 1k, 10k and 100k keys already stored. For each size: a fresh data dir is
// seeded through the store API, the real daemon process is started with the stall probe preloaded, and
// POST /v1/keys is driven by 1 client (sequential) then by 50 concurrent clients, each phase bounded by
// a count and a time limit. The longest event-loop stall is read from inside the daemon per phase.
// Baseline: bare durable rewrites of a store file of the same size (bench/durableRewrite.ts).
import type { StallStats } from './benchDaemon';
import { runClosedLoop, type ClosedLoopResult, type PhaseLimits } from './closedLoop';
import { openCreateClient, type CreateClient } from './createClient';
import { measureDurableRewrite } from './durableRewrite';
import { startSeededDaemon } from './seededDaemon';
import { formatBytes, formatCount, formatMs, formatPercent, formatRate, verdict } from './stats';
import type { Row } from './table';

export interface CreateSize {
  storedKeys: number;
  sequential: PhaseLimits;
  concurrent: PhaseLimits;
}

export interface CreateBenchResult {
  rows: Row[];
  notes: string[];
}

interface PhaseResult extends ClosedLoopResult {
  stall: StallStats;
}

const CONCURRENT_CLIENTS = 50;
const WARMUP_CREATES = 10;
const GOALS = { storedKeys: 10_000, sequential: 200, concurrent: 1_000, stallMs: 50 };

export async function benchCreate(root: string, sizes: readonly CreateSize[], log: (line: string) => void): Promise<CreateBenchResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const size of sizes) {
    log(`creation: seeding ${formatCount(size.storedKeys)} keys...`);
    const target = await startSeededDaemon(root, size.storedKeys, { probeStalls: true });
    const baseline = await measureDurableRewrite(target.dataDir, target.seeded.state, { maxWrites: 200, maxMs: 2_000 });
    let sequential: PhaseResult;
    let concurrent: PhaseResult;
    const client = await openCreateClient(target.daemon, CONCURRENT_CLIENTS);
    try {
      await runPhase(client, 1, { maxCreates: WARMUP_CREATES, maxMs: 60_000 });
      log(`creation: ${formatCount(size.storedKeys)} keys, sequential...`);
      await target.daemon.stallWindow(); // start a clean window
      sequential = { ...(await runPhase(client, 1, size.sequential)), stall: await target.daemon.stallWindow() };
      log(`creation: ${formatCount(size.storedKeys)} keys, ${CONCURRENT_CLIENTS} concurrent...`);
      concurrent = { ...(await runPhase(client, CONCURRENT_CLIENTS, size.concurrent)), stall: await target.daemon.stallWindow() };
    } finally {
      client.close();
      await target.daemon.stop();
    }
    rows.push({
      'Stored keys': formatCount(size.storedKeys),
      'Store as JSON': formatBytes(baseline.bytes),
      'Sequential creates/s (p99)': `${formatRate(sequential.perSecond)} (${formatMs(sequential.p99Ms)})`,
      [`${CONCURRENT_CLIENTS} concurrent creates/s (p99)`]: `${formatRate(concurrent.perSecond)} (${formatMs(concurrent.p99Ms)})`,
      'Longest stall, seq / conc: wall (daemon-busy)': `${describeStall(sequential.stall)} / ${describeStall(concurrent.stall)}`,
      'Baseline: bare durable rewrites/s': `${formatRate(baseline.perSecond)}${baseline.writes < 5 ? ` (${baseline.writes} write${baseline.writes === 1 ? '' : 's'})` : ''}`,
      'Sequential vs baseline': formatPercent(sequential.perSecond, baseline.perSecond),
      'Daemon startup': formatMs(target.daemon.startupMs),
    });
    const failed = sequential.failed + concurrent.failed;
    if (failed > 0) notes.push(`${formatCount(size.storedKeys)} keys: ${failed} creates failed (not counted in the rates).`);
    if (size.storedKeys === GOALS.storedKeys) {
      const busyStall = Math.max(sequential.stall.maxBusyStallMs, concurrent.stall.maxBusyStallMs);
      const wallStall = Math.max(sequential.stall.maxStallMs, concurrent.stall.maxStallMs);
      notes.unshift(
        `Goals at ${formatCount(GOALS.storedKeys)} keys: sequential >= ${GOALS.sequential}/s — ${verdict(sequential.perSecond >= GOALS.sequential)} (${formatRate(sequential.perSecond)}/s); ` +
          `${CONCURRENT_CLIENTS} concurrent >= ${formatCount(GOALS.concurrent)}/s — ${verdict(concurrent.perSecond >= GOALS.concurrent)} (${formatRate(concurrent.perSecond)}/s); ` +
          `no stall over ${GOALS.stallMs} ms — ${verdict(busyStall <= GOALS.stallMs)} (daemon-busy ${formatMs(busyStall)}; wall clock ${formatMs(wallStall)}, ` +
          `${wallStall <= GOALS.stallMs ? 'also within' : 'over'} the goal).`,
      );
    }
    notes.push(
      `${formatCount(size.storedKeys)} keys: ${sequential.created} sequential and ${concurrent.created} concurrent creates measured ` +
        `(limits ${size.sequential.maxCreates} / ${size.concurrent.maxCreates} creates or ${size.sequential.maxMs / 1000} / ${size.concurrent.maxMs / 1000} s).`,
    );
  }
  return { rows, notes };
}

/**
 * Wall-clock stall, then in brackets the part the daemon was busy for (bounded by the CPU it used): on a
 * shared machine the wall figure also counts time the OS gave the cores to other processes.
 */
function describeStall(stall: StallStats): string {
  return `${formatMs(stall.maxStallMs)} (${formatMs(stall.maxBusyStallMs)})`;
}

/** `clients` loops creating keys until the phase's count or time is used up. */
export function runPhase(client: CreateClient, clients: number, limits: PhaseLimits): Promise<ClosedLoopResult> {
  return runClosedLoop(clients, limits, (n) => client.create(n));
}
