// A bounded soak on loopback: 20 keep-alive connections verify at full speed while another client
// creates, regenerates (with a grace period) and revokes keys. Every verify answer is judged against the
// key's acknowledged history (zero wrong answers), every acknowledged change must be in the store after
// (zero lost writes), and the daemon's resident memory must not keep growing after the first 10 s.
// KEYSMITH_SOAK_SECONDS shortens it locally; CI runs the default 60 s.
import assert from 'node:assert/strict';
import { createVerifyToken } from './support/api';
import { ensureDaemonBuilt, startDaemonProcess, stopDaemonProcess, type RunningDaemon } from '../support/childDaemon';
import { rssEveryTenSeconds, rssLevels, sampleRss } from './support/memorySampler';
import { reliabilitySeed, seededRandom } from './support/seededRandom';
import { newSoakState, runVerifiers, runWriter, type SoakState } from './support/soakClients';
import { judge } from './support/soakModel';
import { findStoreFile, readStoreFile } from './support/storeFile';
import { useTempDirs } from '../support/tempDirs';

const SOAK_SECONDS = Number(process.env.KEYSMITH_SOAK_SECONDS) || 60;
const VERIFIERS = 20;
const GRACE_MARGIN_MS = 250;
/** Memory after warm-up may grow by this much (store and audit grow legitimately with the keys created). */
const RSS_GROWTH_BOUND = (warmUpKiB: number) => Math.max(0.5 * warmUpKiB, 64 * 1024);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const mib = (kib: number) => (kib / 1024).toFixed(1);

/** Acknowledged changes missing from the store file read after the daemon stopped. */
async function lostWrites(dataDir: string, state: SoakState): Promise<string[]> {
  const store = await readStoreFile(await findStoreFile(dataDir));
  const byId = new Map(store.keys.map((key) => [key.id, key]));
  const lost: string[] = [];
  for (const key of state.tracked) {
    const stored = byId.get(key.id);
    if (!stored) lost.push(`${key.id} created but missing`);
    else if (key.revokeAck !== undefined && stored.status !== 'revoked') lost.push(`${key.id} revoked but ${stored.status}`);
    else if (key.regenerateAck !== undefined && stored.rotatedTo === undefined) lost.push(`${key.id} regenerated but no rotatedTo`);
  }
  return lost;
}

describe('reliability: soak (verify under a stream of changes)', function () {
  this.timeout((SOAK_SECONDS + 90) * 1000);
  let daemon: RunningDaemon | undefined;

  before(function () {
    this.timeout(120_000);
    ensureDaemonBuilt();
  });
  after(async function () {
    if (daemon) await stopDaemonProcess(daemon);
  });
  const temp = useTempDirs('all');

  it(`gives zero wrong verify answers, loses no write and holds its memory over ${SOAK_SECONDS} s`, async function () {
    const seed = reliabilitySeed(60_060);
    const dataDir = await temp.make('soak');
    daemon = await startDaemonProcess(dataDir);
    const live = daemon;
    const verifyToken = await createVerifyToken(live, 'soak app server');
    const state = newSoakState();
    const started = Date.now();
    const endsAt = started + SOAK_SECONDS * 1000;

    const [, , rss] = await Promise.all([
      runWriter(live, state, seededRandom(seed), endsAt),
      runVerifiers(live, state, verifyToken, seed, VERIFIERS, endsAt),
      sampleRss(live.pid, started, endsAt),
    ]);
    const elapsed = (Date.now() - started) / 1000;
    const exit = await stopDaemonProcess(live);
    daemon = undefined;

    const wrong = state.observations.map((o) => ({ o, verdict: judge(o, GRACE_MARGIN_MS) })).filter(({ verdict }) => verdict !== 'ok');
    const lost = await lostWrites(dataDir, state);
    const memory = rssLevels(rss, SOAK_SECONDS * 1000);
    const latencies = [...state.latencies].sort((a, b) => a - b);
    const { writes, observations } = state;
    console.log(
      [
        `      soak: ${elapsed.toFixed(1)} s, seed ${seed}`,
        `      verify: ${observations.length} answers (${(observations.length / elapsed).toFixed(0)}/s) from ${VERIFIERS} connections, ` +
          `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms, wrong ${wrong.length}`,
        `      writes: ${writes.creates} creates, ${writes.regenerates} regenerates (grace 1-3 s), ${writes.revokes} revokes, ` +
          `${writes.failed.length} failed, ${lost.length} lost; ${state.tracked.length} keys tracked`,
        `      daemon RSS: ${mib(memory.warmUp)} MiB at 10-15 s (max), ${mib(memory.end)} MiB at the end ` +
          `(bound +${(RSS_GROWTH_BOUND(memory.warmUp) / 1024).toFixed(0)} MiB), peak ${mib(memory.peak)} MiB`,
        `      daemon RSS every 10 s (MiB): ${rssEveryTenSeconds(rss).join(' ')}`,
      ].join('\n'),
    );

    const firstWrong = wrong.slice(0, 10).map(({ o, verdict }) => `${o.key?.id ?? 'unknown'} sent +${o.sent - started} ms: ${verdict}`);
    assert.deepEqual(firstWrong, [], `${wrong.length} wrong verify answers (seed ${seed})`);
    assert.deepEqual(writes.failed.slice(0, 10), [], 'changes failed during the soak');
    assert.deepEqual(lost.slice(0, 10), [], 'acknowledged changes missing from the store');
    assert.equal(exit.code, 0, 'the daemon did not stop cleanly after the soak');
    if (SOAK_SECONDS >= 20) {
      assert.ok(
        memory.end - memory.warmUp <= RSS_GROWTH_BOUND(memory.warmUp),
        `RSS grew from ${memory.warmUp} KiB to ${memory.end} KiB after warm-up`,
      );
    }
    assert.ok(writes.regenerates > 0 && writes.revokes > 0, 'the soak made no regenerates or revokes');
    assert.ok(observations.length > SOAK_SECONDS * 100, 'the verifiers barely ran');
  });
});
