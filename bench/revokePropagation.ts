// Revoke propagation between two daemons on one team store: daemon B is polled with verify for a key
// (one keep-alive connection, back to back) while daemon A revokes it over its admin socket. Timed: from
// A's 200 to B's first refusal (the revoke travels A → COMMIT → NOTIFY → B's LISTEN client → fetch of
// the key → B's verify index). A refusal can arrive before A's answer does (B heard the NOTIFY while A's
// 200 was on its way): that counts as 0. Also kept: from sending the revoke to B's first refusal.
import { Agent, request } from 'node:http';
import { send, type Target } from '../test/support/http';
import { percentile } from './stats';
import type { SeededKey } from './storeSeed';

export interface PropagationResult {
  samples: number;
  /** Keys B still accepted `timeoutMs` after A's 200. */
  missed: number;
  /** A's 200 → B's first refusal (0 when the refusal came first). */
  afterAnswerMs: number[];
  /** Revoke sent → B's first refusal. */
  afterSendMs: number[];
  /** Median verify round trip on B while polling: the timing's resolution. */
  pollRoundTripMs: number;
}

const TIMEOUT_MS = 5_000;

export async function measureRevokePropagation(
  a: Target,
  b: { port: number; verifyToken: string },
  keys: readonly SeededKey[],
): Promise<PropagationResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const afterAnswer: number[] = [];
  const afterSend: number[] = [];
  const roundTrips: number[] = [];
  let missed = 0;
  try {
    for (const key of keys) {
      // B must accept the key before the revoke, or the refusal would prove nothing.
      if (!(await verifyOnB(agent, b, key.secret)).valid) throw new Error(`daemon B refused ${key.keyId} before its revoke`);
      let refusedAt: number | undefined;
      let polling = true;
      const poller = (async () => {
        while (polling) {
          const sent = performance.now();
          const answer = await verifyOnB(agent, b, key.secret);
          const at = performance.now();
          roundTrips.push(at - sent);
          if (!answer.valid) {
            refusedAt = at;
            return;
          }
        }
      })();
      const sentAt = performance.now();
      const revoked = await send(a, 'POST', `/v1/keys/${key.keyId}/revoke`, { json: {} });
      const answeredAt = performance.now();
      if (revoked.status !== 200) throw new Error(`revoke on daemon A answered ${revoked.status}`);
      const deadline = answeredAt + TIMEOUT_MS;
      while (refusedAt === undefined && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
      polling = false;
      await poller;
      if (refusedAt === undefined) {
        missed += 1;
        continue;
      }
      afterAnswer.push(Math.max(0, refusedAt - answeredAt));
      afterSend.push(refusedAt - sentAt);
    }
  } finally {
    agent.destroy();
  }
  return { samples: keys.length, missed, afterAnswerMs: afterAnswer, afterSendMs: afterSend, pollRoundTripMs: percentile(roundTrips, 50) };
}

function verifyOnB(agent: Agent, b: { port: number; verifyToken: string }, secret: string): Promise<{ valid: boolean }> {
  const body = JSON.stringify({ key: secret });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: b.port,
        method: 'POST',
        path: '/v1/verify',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${b.verifyToken}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { valid: boolean });
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
