// What the team tests share: daemons on one team database, and waiting for another daemon to catch up.
import { ManualClock } from '../../daemon/keys/clock';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { teamDaemonEnv } from '../support/teamStore';

/** An in-process daemon with its own data dir on the team database at `url`, acting as its member. */
export function startMemberDaemon(url: string, clock?: ManualClock): Promise<TestDaemon> {
  return startTestDaemon({ storeUrl: url, env: teamDaemonEnv(), ...(clock ? { clock } : {}) });
}

/**
 * Polls `check` every 5 ms until it returns true; resolves to the milliseconds it took, rejects with
 * `what` after `timeoutMs`. For changes another daemon makes, which arrive through the change feed.
 */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 1000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Records measured delays and prints them once at the end of a suite (the report quotes them). */
export class Delays {
  private readonly samples = new Map<string, number[]>();
  add(label: string, ms: number): void {
    this.samples.set(label, [...(this.samples.get(label) ?? []), ms]);
  }
  summary(): string {
    return [...this.samples]
      .map(([label, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
        return `${label}: n=${values.length} median ${at(0.5)} ms, max ${at(1)} ms`;
      })
      .join('\n');
  }
}
