// A bounded soak on loopback: 20 keep-alive connections verify at full speed while another client
// creates, regenerates (with a grace period) and revokes keys. Every verify answer is judged against the
// key's acknowledged history (zero wrong answers), every acknowledged change must be in the store after
// (zero lost writes), and the daemon's resident memory must not keep growing after the first 10 s.
// KEYSMITH_SOAK_SECONDS shortens it locally; CI runs the default 60 s.
import assert from 'node:assert/strict';
import type { KeyCreated, KeyRegenerated } from '../../daemon/protocol';
import { createVerifyToken, validKeyBody } from './support/api';
import { delay, ensureDaemonBuilt, residentKiB, startDaemonProcess, stopDaemonProcess, type RunningDaemon } from './support/daemonProcess';
import { describeAnswer, keepAliveAgent, send } from './support/http';
import { reliabilitySeed, seededRandom } from './support/seededRandom';
import { judge, type Observation, type TrackedKey } from './support/soakModel';
import { findStoreFile, readStoreFile } from './support/storeFile';
import { TempDirs } from './support/tempDir';

const SOAK_SECONDS = Number(process.env.KEYSMITH_SOAK_SECONDS) || 60;
const VERIFIERS = 20;
const GRACE_MARGIN_MS = 250;
const MAX_LIVE_KEYS = 150;
/** Memory after warm-up may grow by this much (store and audit grow legitimately with the keys created). */
const RSS_GROWTH_BOUND = (baselineKiB: number) => Math.max(0.5 * baselineKiB, 64 * 1024);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
const rssEveryTenSeconds = (samples: Array<{ at: number; kib: number }>) =>
  samples.filter((sample, i) => i === 0 || Math.floor(sample.at / 10_000) > Math.floor(samples[i - 1]!.at / 10_000)).map((sample) => (sample.kib / 1024).toFixed(0));

describe('reliability: soak (verify under a stream of changes)', function () {
  this.timeout((SOAK_SECONDS + 90) * 1000);
  const temp = new TempDirs();
  let daemon: RunningDaemon | undefined;

  before(function () {
    this.timeout(120_000);
    ensureDaemonBuilt();
  });
  after(async function () {
    if (daemon) await stopDaemonProcess(daemon);
    await temp.removeAll();
  });

  it(`gives zero wrong verify answers, loses no write and holds its memory over ${SOAK_SECONDS} s`, async function () {
    const seed = reliabilitySeed(60_060);
    const random = seededRandom(seed);
    const dataDir = await temp.make('soak');
    daemon = await startDaemonProcess(dataDir);
    const live = daemon;
    const verifyToken = await createVerifyToken(live, 'soak app server');
    const started = Date.now();
    const endsAt = started + SOAK_SECONDS * 1000;

    const tracked: TrackedKey[] = [];
    const active: TrackedKey[] = [];
    const observations: Observation[] = [];
    const latencies: number[] = [];
    const writes = { creates: 0, regenerates: 0, revokes: 0, failed: [] as string[] };
    const rss: Array<{ at: number; kib: number }> = [];

    const writer = async () => {
      const agent = keepAliveAgent(1);
      while (Date.now() < endsAt) {
        const roll = random.next();
        if (active.length < 5 || (roll < 0.4 && active.length < MAX_LIVE_KEYS)) {
          const answer = await send(live, 'POST', '/v1/keys', { agent, json: validKeyBody({ name: `soak ${writes.creates}`, environment: random.pick(['test', 'production'] as const) }) });
          if (answer.status !== 201) { writes.failed.push(`create ${describeAnswer(answer)}`); continue; }
          const { key, secret } = answer.body as KeyCreated;
          const entry: TrackedKey = { id: key.id, secret: secret.secret, createdAck: Date.now() };
          tracked.push(entry);
          active.push(entry);
          writes.creates++;
        } else if (roll < 0.7) {
          const old = active.splice(random.int(0, active.length - 1), 1)[0]!;
          const graceSeconds = random.int(1, 3);
          old.regenerateSent = Date.now();
          const answer = await send(live, 'POST', `/v1/keys/${old.id}/regenerate`, { agent, json: { graceSeconds } });
          if (answer.status !== 201) { writes.failed.push(`regenerate ${describeAnswer(answer)}`); continue; }
          old.regenerateAck = Date.now();
          const { key, secret, previous } = answer.body as KeyRegenerated;
          old.graceUntil = Date.parse(previous.graceUntil ?? '');
          if (Number.isNaN(old.graceUntil)) writes.failed.push(`regenerate with grace ${graceSeconds}s returned no graceUntil`);
          const fresh: TrackedKey = { id: key.id, secret: secret.secret, createdAck: old.regenerateAck };
          tracked.push(fresh);
          active.push(fresh);
          writes.regenerates++;
        } else {
          const doomed = active.splice(random.int(0, active.length - 1), 1)[0]!;
          doomed.revokeSent = Date.now();
          const answer = await send(live, 'POST', `/v1/keys/${doomed.id}/revoke`, { agent, json: {} });
          if (answer.status !== 200) { writes.failed.push(`revoke ${describeAnswer(answer)}`); continue; }
          doomed.revokeAck = Date.now();
          writes.revokes++;
        }
      }
      agent.destroy();
    };

    const verifyAgent = keepAliveAgent(VERIFIERS);
    const verifier = async (index: number) => {
      const own = seededRandom(seed + index + 1);
      while (Date.now() < endsAt) {
        const unknown = tracked.length === 0 || own.next() < 0.05;
        const key = unknown ? undefined : tracked[own.int(0, tracked.length - 1)]!;
        const secret = key?.secret ?? `unknown_test_${own.int(0, 1e9)}`;
        const sent = Date.now();
        const t0 = process.hrtime.bigint();
        let answer;
        try {
          answer = await send(live, 'POST', '/v1/verify', { agent: verifyAgent, token: verifyToken, json: { key: secret } });
        } catch (error) {
          observations.push({ key, sent, answered: Date.now(), status: -1, valid: undefined, code: (error as Error).message });
          continue;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        observations.push({ key, sent, answered: Date.now(), status: answer.status, valid: answer.body?.valid, code: answer.body?.code, keyId: answer.body?.keyId });
      }
    };

    const sampler = async () => {
      while (Date.now() < endsAt) {
        rss.push({ at: Date.now() - started, kib: await residentKiB(live.pid) });
        await delay(500);
      }
    };

    await Promise.all([writer(), sampler(), ...Array.from({ length: VERIFIERS }, (_, i) => verifier(i))]);
    verifyAgent.destroy();

    const wrong = observations.map((o) => ({ o, verdict: judge(o, GRACE_MARGIN_MS) })).filter(({ verdict }) => verdict !== 'ok');
    const sortedLatencies = [...latencies].sort((a, b) => a - b);
    // The warm-up level is the top of the GC sawtooth between 10 and 15 s, the end level the median of
    // the last 5 s: a leak shows as the end level climbing past it, a GC cycle does not.
    const warmUp = rss.filter((s) => s.at >= 10_000 && s.at < 15_000).map((s) => s.kib);
    const baseline = warmUp.length > 0 ? Math.max(...warmUp) : median(rss.slice(0, 5).map((s) => s.kib));
    const final = median(rss.filter((s) => s.at >= SOAK_SECONDS * 1000 - 5_000).map((s) => s.kib));
    const elapsed = (Date.now() - started) / 1000;

    const exit = await stopDaemonProcess(live);
    daemon = undefined;
    const store = await readStoreFile(await findStoreFile(dataDir));
    const byId = new Map(store.keys.map((key) => [key.id, key]));
    const lost: string[] = [];
    for (const key of tracked) {
      const stored = byId.get(key.id);
      if (!stored) lost.push(`${key.id} created but missing`);
      else if (key.revokeAck !== undefined && stored.status !== 'revoked') lost.push(`${key.id} revoked but ${stored.status}`);
      else if (key.regenerateAck !== undefined && stored.rotatedTo === undefined) lost.push(`${key.id} regenerated but no rotatedTo`);
    }

    console.log(
      [
        `      soak: ${elapsed.toFixed(1)} s, seed ${seed}`,
        `      verify: ${observations.length} answers (${(observations.length / elapsed).toFixed(0)}/s) from ${VERIFIERS} connections, ` +
          `p50 ${percentile(sortedLatencies, 0.5).toFixed(2)} ms, p99 ${percentile(sortedLatencies, 0.99).toFixed(2)} ms, wrong ${wrong.length}`,
        `      writes: ${writes.creates} creates, ${writes.regenerates} regenerates (grace 1-3 s), ${writes.revokes} revokes, ` +
          `${writes.failed.length} failed, ${lost.length} lost; ${tracked.length} keys tracked`,
        `      daemon RSS: ${(baseline / 1024).toFixed(1)} MiB at 10-15 s (max), ${(final / 1024).toFixed(1)} MiB at the end ` +
          `(bound +${(RSS_GROWTH_BOUND(baseline) / 1024).toFixed(0)} MiB), peak ${(Math.max(...rss.map((s) => s.kib)) / 1024).toFixed(1)} MiB`,
        `      daemon RSS every 10 s (MiB): ${rssEveryTenSeconds(rss).join(' ')}`,
      ].join('\n'),
    );

    assert.deepEqual(wrong.slice(0, 10).map(({ o, verdict }) => `${o.key?.id ?? 'unknown'} sent +${o.sent - started} ms: ${verdict}`), [], `${wrong.length} wrong verify answers (seed ${seed})`);
    assert.deepEqual(writes.failed.slice(0, 10), [], 'changes failed during the soak');
    assert.deepEqual(lost.slice(0, 10), [], 'acknowledged changes missing from the store');
    assert.equal(exit.code, 0, 'the daemon did not stop cleanly after the soak');
    if (SOAK_SECONDS >= 20) {
      assert.ok(final - baseline <= RSS_GROWTH_BOUND(baseline), `RSS grew from ${baseline} KiB to ${final} KiB after warm-up`);
    }
    assert.ok(writes.regenerates > 0 && writes.revokes > 0, 'the soak made no regenerates or revokes');
    assert.ok(observations.length > SOAK_SECONDS * 100, 'the verifiers barely ran');
  });
});
