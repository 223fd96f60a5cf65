// A token compared character by character leaks, through response time, how many leading characters
// a guess got right. This bounded statistical test sends guesses that differ from the real token in
// their first vs their last character, interleaved in random order on one keep-alive connection, and
// compares the paired differences: any real early-exit leak shows as a consistent sign, load noise
// does not. The threshold is generous so a loaded 2-core box cannot make it flake.
import assert from 'node:assert/strict';
import { keepAliveAgent, send } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { reliabilitySeed, seededRandom } from './support/seededRandom';

const PAIRS = 400;
const WARM_UP = 60;

function flipCharacter(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe('reliability: token comparison timing', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });

  for (const [label, method, path] of [
    ['an admin route', 'GET', '/v1/keys'],
    ['the verify fast path', 'POST', '/v1/verify'],
  ] as const) {
    it(`takes no measurably different time to reject a token wrong in its last vs its first character, on ${label}`, async function () {
      this.timeout(60_000);
      const seed = reliabilitySeed(5_2026);
      const random = seededRandom(seed);
      const agent = keepAliveAgent(1);
      const wrongFirst = flipCharacter(daemon.token, 0);
      const wrongLast = flipCharacter(daemon.token, daemon.token.length - 1);

      const timeRejection = async (token: string): Promise<number> => {
        const started = process.hrtime.bigint();
        const answer = await send(daemon, method, path, { token, agent, json: method === 'POST' ? { key: 'x' } : undefined });
        const elapsed = Number(process.hrtime.bigint() - started) / 1000;
        assert.equal(answer.status, 401);
        return elapsed;
      };

      try {
        for (let i = 0; i < WARM_UP; i++) await timeRejection(i % 2 ? wrongFirst : wrongLast);
        const differences: number[] = [];
        const all: number[] = [];
        for (let i = 0; i < PAIRS; i++) {
          let first: number;
          let last: number;
          if (random.next() < 0.5) {
            first = await timeRejection(wrongFirst);
            last = await timeRejection(wrongLast);
          } else {
            last = await timeRejection(wrongLast);
            first = await timeRejection(wrongFirst);
          }
          differences.push(last - first);
          all.push(first, last);
        }
        const typical = median(all);
        const medianDifference = median(differences);
        const bound = Math.max(0.25 * typical, 500);
        console.log(
          `      token timing (${label}): ${PAIRS} pairs, median rejection ${typical.toFixed(0)} µs, ` +
            `median (last - first) ${medianDifference.toFixed(1)} µs, bound ±${bound.toFixed(0)} µs, seed ${seed}`,
        );
        assert.ok(
          Math.abs(medianDifference) < bound,
          `rejecting a token wrong only in its last character took ${medianDifference.toFixed(1)} µs longer (median of paired ` +
            `differences) than one wrong in its first; bound ${bound.toFixed(0)} µs (seed ${seed})`,
        );
      } finally {
        agent.destroy();
      }
    });
  }
});
