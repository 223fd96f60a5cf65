// The two kinds of client in the soak test. The writer changes keys one at a time and records, for each,
// when every change was sent and acknowledged; verifiers hammer POST /v1/verify and record each answer
// with its send and answer times. Nothing is judged here: soakModel.judge does that once all is known.
import type { KeyCreated, KeyRegenerated } from '../../../daemon/protocol';
import { validKeyBody } from './api';
import type { RunningDaemon } from '../../support/childDaemon';
import { describeAnswer, keepAliveAgent, send } from '../../support/http';
import type { Random } from './seededRandom';
import { seededRandom } from './seededRandom';
import type { Observation, TrackedKey } from './soakModel';

export interface SoakState {
  /** Every key ever created or regenerated, in order. */
  tracked: TrackedKey[];
  /** Keys neither revoked nor rotated: what the writer may still change. */
  active: TrackedKey[];
  observations: Observation[];
  /** Verify round trips in ms. */
  latencies: number[];
  writes: { creates: number; regenerates: number; revokes: number; failed: string[] };
}

export const newSoakState = (): SoakState => ({
  tracked: [],
  active: [],
  observations: [],
  latencies: [],
  writes: { creates: 0, regenerates: 0, revokes: 0, failed: [] },
});

const MAX_LIVE_KEYS = 150;

/** Creates (40 %), regenerates with a 1-3 s grace (30 %) and revokes (30 %) until `endsAt`. */
export async function runWriter(daemon: RunningDaemon, state: SoakState, random: Random, endsAt: number): Promise<void> {
  const agent = keepAliveAgent(1);
  const { tracked, active, writes } = state;
  const take = () => active.splice(random.int(0, active.length - 1), 1)[0]!;
  while (Date.now() < endsAt) {
    const roll = random.next();
    if (active.length < 5 || (roll < 0.4 && active.length < MAX_LIVE_KEYS)) {
      const environment = random.pick(['test', 'production'] as const);
      const answer = await send(daemon, 'POST', '/v1/keys', { agent, json: validKeyBody({ name: `soak ${writes.creates}`, environment }) });
      if (answer.status !== 201) {
        writes.failed.push(`create ${describeAnswer(answer)}`);
        continue;
      }
      const { key, secret } = answer.body as KeyCreated;
      const entry: TrackedKey = { id: key.id, secret: secret.secret, createdAck: Date.now() };
      tracked.push(entry);
      active.push(entry);
      writes.creates++;
    } else if (roll < 0.7) {
      const old = take();
      const graceSeconds = random.int(1, 3);
      old.regenerateSent = Date.now();
      const answer = await send(daemon, 'POST', `/v1/keys/${old.id}/regenerate`, { agent, json: { graceSeconds } });
      if (answer.status !== 201) {
        writes.failed.push(`regenerate ${describeAnswer(answer)}`);
        continue;
      }
      old.regenerateAck = Date.now();
      const { key, secret, previous } = answer.body as KeyRegenerated;
      old.graceUntil = Date.parse(previous.graceUntil ?? '');
      if (Number.isNaN(old.graceUntil)) writes.failed.push(`regenerate with grace ${graceSeconds}s returned no graceUntil`);
      const fresh: TrackedKey = { id: key.id, secret: secret.secret, createdAck: old.regenerateAck };
      tracked.push(fresh);
      active.push(fresh);
      writes.regenerates++;
    } else {
      const doomed = take();
      doomed.revokeSent = Date.now();
      const answer = await send(daemon, 'POST', `/v1/keys/${doomed.id}/revoke`, { agent, json: {} });
      if (answer.status !== 200) {
        writes.failed.push(`revoke ${describeAnswer(answer)}`);
        continue;
      }
      doomed.revokeAck = Date.now();
      writes.revokes++;
    }
  }
  agent.destroy();
}

/** `connections` verifiers on one keep-alive agent until `endsAt`: tracked keys, and 5 % unknown secrets. */
export async function runVerifiers(
  daemon: RunningDaemon,
  state: SoakState,
  token: string,
  seed: number,
  connections: number,
  endsAt: number,
): Promise<void> {
  const agent = keepAliveAgent(connections);
  const verifier = async (index: number) => {
    const random = seededRandom(seed + index + 1);
    while (Date.now() < endsAt) {
      const unknown = state.tracked.length === 0 || random.next() < 0.05;
      const key = unknown ? undefined : state.tracked[random.int(0, state.tracked.length - 1)]!;
      const secret = key?.secret ?? `unknown_test_${random.int(0, 1e9)}`;
      const sent = Date.now();
      const started = process.hrtime.bigint();
      try {
        const answer = await send(daemon, 'POST', '/v1/verify', { agent, token, json: { key: secret } });
        state.latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        const { valid, code, keyId } = (answer.body ?? {}) as { valid?: boolean; code?: string; keyId?: string };
        state.observations.push({ key, sent, answered: Date.now(), status: answer.status, valid, code, keyId });
      } catch (error) {
        state.observations.push({ key, sent, answered: Date.now(), status: -1, valid: undefined, code: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, index) => verifier(index)));
  agent.destroy();
}
