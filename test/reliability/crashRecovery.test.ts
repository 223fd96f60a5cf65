// SQLite-style crash testing: kill -9 the daemon process at random moments while clients create,
// regenerate, revoke and verify keys, 20 times over one data dir (and 5 more times while it starts).
// After every kill the store file parses, and the restarted daemon holds every change that was
// answered 2xx; a regenerate is whole or absent (the new key exists iff the old one shows rotatedTo);
// each start cleans up the temp files the kill left. After a final clean stop the file holds it all.
import assert from 'node:assert/strict';
import type { KeyCreated, KeyRegenerated, KeyView } from '../../daemon/protocol';
import { listAllKeys, validKeyBody } from './support/api';
import {
  delay,
  ensureDaemonBuilt,
  killHard,
  launchDaemonProcess,
  startDaemonProcess,
  stopDaemonProcess,
  type RunningDaemon,
} from '../support/childDaemon';
import { describeAnswer, keepAliveAgent, send } from '../support/http';
import { reliabilitySeed, seededRandom, type Random } from './support/seededRandom';
import { findStoreFile, readStoreFile, tempFilesIn } from './support/storeFile';
import { useTempDirs } from '../support/tempDirs';

const LOOPS = 20;
const CLIENTS = 4;

/** Changes the daemon confirmed with a 2xx: each must survive any crash after the answer. */
interface Acknowledged {
  created: Set<string>;
  revoked: Set<string>;
  /** old key id -> new key id */
  regenerated: Map<string, string>;
  /** Old keys regenerated with a grace period: they must stay valid (not revoked) until it ends. */
  inGrace: Set<string>;
  serverErrors: string[];
  /** Secrets from the 201 answers (in memory only), to drive verify traffic. */
  secrets: string[];
}

/** Sends a stream of changes from several clients until `stopped()`; records what was answered 2xx. */
async function changeStream(daemon: RunningDaemon, random: Random, candidates: string[], acked: Acknowledged, stopped: () => boolean) {
  const agent = keepAliveAgent(CLIENTS + 1);
  const client = async () => {
    while (!stopped()) {
      const roll = random.next();
      try {
        if (roll < 0.5 || candidates.length === 0) {
          const answer = await send(daemon, 'POST', '/v1/keys', { agent, json: validKeyBody({ name: `crash ${random.int(0, 1e6)}` }) });
          if (answer.status === 201) {
            const { key, secret } = answer.body as KeyCreated;
            acked.created.add(key.id);
            acked.secrets.push(secret.secret);
            candidates.push(key.id);
          } else if (answer.status >= 500) acked.serverErrors.push(`create: ${describeAnswer(answer)}`);
        } else {
          const keyId = candidates.splice(random.int(0, candidates.length - 1), 1)[0]!;
          if (roll < 0.75) {
            const graceSeconds = random.pick([0, 3600]);
            const answer = await send(daemon, 'POST', `/v1/keys/${keyId}/regenerate`, { agent, json: { graceSeconds } });
            if (answer.status === 201) {
              const { key, secret } = answer.body as KeyRegenerated;
              acked.created.add(key.id);
              acked.secrets.push(secret.secret);
              acked.regenerated.set(keyId, key.id);
              if (graceSeconds > 0) acked.inGrace.add(keyId);
              candidates.push(key.id);
            } else if (answer.status >= 500) acked.serverErrors.push(`regenerate: ${describeAnswer(answer)}`);
          } else {
            const answer = await send(daemon, 'POST', `/v1/keys/${keyId}/revoke`, { agent, json: {} });
            if (answer.status === 200) acked.revoked.add(keyId);
            else if (answer.status >= 500) acked.serverErrors.push(`revoke: ${describeAnswer(answer)}`);
          }
        }
      } catch {
        return; // the connection died with the daemon: this request's outcome is unknown, as in real life
      }
    }
  };
  // Verify traffic alongside, so batched lastUsed writes interleave with the changes and get killed too.
  const verifier = async () => {
    while (!stopped()) {
      if (acked.secrets.length === 0) {
        await delay(5);
        continue;
      }
      try {
        const answer = await send(daemon, 'POST', '/v1/verify', { agent, json: { key: random.pick(acked.secrets) } });
        if (answer.status !== 200) acked.serverErrors.push(`verify: ${describeAnswer(answer)}`);
      } catch {
        return;
      }
    }
  };
  await Promise.all([...Array.from({ length: CLIENTS }, client), verifier()]);
  agent.destroy();
}

type KeyState = Pick<KeyView, 'id' | 'status' | 'rotatedTo' | 'rotatedFrom'>;

/** Every acknowledged change is there, and no regenerate is half-applied. */
function checkKeys(keys: KeyState[], acked: Acknowledged, context: string): void {
  const byId = new Map<string, KeyState>(keys.map((key) => [key.id, key]));
  for (const id of acked.created) assert.ok(byId.has(id), `${context}: key ${id} was created (201) but is gone`);
  for (const id of acked.revoked) {
    assert.equal(byId.get(id)?.status, 'revoked', `${context}: key ${id} was revoked (200) but is ${byId.get(id)?.status}`);
  }
  for (const [oldId, newId] of acked.regenerated) {
    assert.equal(byId.get(oldId)?.rotatedTo, newId, `${context}: regenerate of ${oldId} answered 201 but rotatedTo is lost`);
    const expected = acked.inGrace.has(oldId) ? 'active' : 'revoked';
    assert.equal(
      byId.get(oldId)?.status,
      expected,
      `${context}: ${oldId} regenerated with${expected === 'active' ? '' : 'out'} grace is ${byId.get(oldId)?.status}`,
    );
  }
  for (const key of keys) {
    if (key.rotatedTo !== undefined) {
      const successor = byId.get(key.rotatedTo);
      assert.ok(successor, `${context}: half-applied regenerate: ${key.id} rotatedTo ${key.rotatedTo}, which does not exist`);
      assert.equal(successor.rotatedFrom, key.id, `${context}: ${key.rotatedTo} does not point back to ${key.id}`);
    }
    if (key.rotatedFrom !== undefined) {
      assert.equal(
        byId.get(key.rotatedFrom)?.rotatedTo,
        key.id,
        `${context}: half-applied regenerate: ${key.id} rotatedFrom ${key.rotatedFrom}, which does not show rotatedTo`,
      );
    }
  }
}

describe('reliability: kill -9 during a stream of changes', function () {
  this.timeout(170_000);
  let daemon: RunningDaemon | undefined;

  before(function () {
    this.timeout(120_000);
    ensureDaemonBuilt();
  });
  after(async function () {
    if (daemon) await stopDaemonProcess(daemon);
  });
  const temp = useTempDirs('all');

  it(`keeps every acknowledged change and never half-applies a regenerate, over ${LOOPS} kills`, async function () {
    const seed = reliabilitySeed(20_261_123);
    const random = seededRandom(seed);
    const dataDir = await temp.make('crash');
    const acked: Acknowledged = {
      created: new Set(),
      revoked: new Set(),
      regenerated: new Map(),
      inGrace: new Set(),
      serverErrors: [],
      secrets: [],
    };
    let candidates: string[];
    let killedWithTempFiles = 0;
    let startupKills = 0;

    for (let loop = 1; loop <= LOOPS; loop++) {
      const context = `loop ${loop} (replay with KEYSMITH_RELIABILITY_SEED=${seed})`;
      if (loop === 1 || loop % 5 === 0) {
        // Also die while starting: creating the master key, the lock, the backup, daemon.json.
        const starting = launchDaemonProcess(dataDir);
        await delay(random.int(0, 300));
        await killHard(starting);
        startupKills++;
      }
      daemon = await startDaemonProcess(dataDir);
      assert.deepEqual(await tempFilesIn(dataDir), [], `${context}: the restarted daemon left stale temp files`);
      // What the restarted daemon recovered (snapshot plus whatever log it replays) must hold every change.
      const recovered = await listAllKeys(daemon);
      checkKeys(recovered, acked, `after the restart of ${context}`);
      candidates = recovered.filter((key) => key.status === 'active' && key.rotatedTo === undefined).map((key) => key.id);

      let killed = false;
      const stream = changeStream(daemon, random, candidates, acked, () => killed);
      await delay(random.int(20, 400));
      killed = true;
      const exit = await killHard(daemon);
      await stream;
      assert.equal(exit.signal, 'SIGKILL', `${context}: the daemon had exited before the kill:\n${daemon.output()}`);
      if ((await tempFilesIn(dataDir)).length > 0) killedWithTempFiles++;
      const storeFile = await findStoreFile(dataDir).catch(() => undefined);
      if (storeFile) await readStoreFile(storeFile); // parses, or fails the test
    }
    assert.deepEqual(acked.serverErrors, [], 'the daemon answered 5xx during the stream');

    daemon = await startDaemonProcess(dataDir);
    assert.deepEqual(await tempFilesIn(dataDir), [], 'stale temp files after the final restart');
    checkKeys(await listAllKeys(daemon), acked, 'after the final restart');
    // A clean stop leaves the store file complete: check it on disk too, secret hashes included.
    assert.equal((await stopDaemonProcess(daemon)).code, 0, daemon.output());
    daemon = undefined;
    const store = await readStoreFile(await findStoreFile(dataDir));
    checkKeys(store.keys, acked, 'in the store file after a clean stop');
    assert.equal(new Set(store.keys.map((key) => key.secretHash)).size, store.keys.length, 'two keys share a secret hash');
    console.log(
      `      crash loop: ${LOOPS} kills during changes and ${startupKills} during start-up, ${acked.created.size} creates/regenerates, ${acked.regenerated.size} regenerates, ` +
        `${acked.revoked.size} revokes acknowledged; ${killedWithTempFiles} kills left temp files; seed ${seed}`,
    );
    assert.ok(acked.created.size >= LOOPS, 'the stream made too few changes to test anything');
  });
});

describe('reliability: SIGTERM during a stream of changes', function () {
  this.timeout(60_000);
  let daemon: RunningDaemon | undefined;
  before(function () {
    this.timeout(120_000);
    ensureDaemonBuilt();
  });
  after(async function () {
    if (daemon) await stopDaemonProcess(daemon);
  });
  const temp = useTempDirs('all');

  it('finishes or refuses every request in flight, exits 0, and keeps every acknowledged change (3 rounds)', async function () {
    const seed = reliabilitySeed(15_15);
    const random = seededRandom(seed);
    const dataDir = await temp.make('sigterm');
    const acked: Acknowledged = {
      created: new Set(),
      revoked: new Set(),
      regenerated: new Map(),
      inGrace: new Set(),
      serverErrors: [],
      secrets: [],
    };
    for (let round = 1; round <= 3; round++) {
      daemon = await startDaemonProcess(dataDir);
      const candidates = (await listAllKeys(daemon))
        .filter((key) => key.status === 'active' && key.rotatedTo === undefined)
        .map((key) => key.id);
      let stopping = false;
      const stream = changeStream(daemon, random, candidates, acked, () => stopping);
      await delay(random.int(100, 300));
      const exit = await stopDaemonProcess(daemon);
      stopping = true;
      await stream;
      assert.equal(exit.code, 0, `round ${round}: the daemon did not stop cleanly:\n${daemon.output()}`);
      assert.deepEqual(await tempFilesIn(dataDir), [], `round ${round}: a clean stop left temp files`);
      const store = await readStoreFile(await findStoreFile(dataDir));
      checkKeys(store.keys, acked, `round ${round}, in the store file after SIGTERM`);
    }
    assert.deepEqual(acked.serverErrors, [], 'the daemon answered 5xx while stopping');
    daemon = undefined;
    assert.ok(acked.created.size > 0, 'the stream made no change to test');
  });
});
