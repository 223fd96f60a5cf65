// A closed-loop phase: `clients` loops each doing one operation after another until the phase's count or
// time is used up. The creates bench and its bare-INSERT baseline share it, so both sides are driven and
// counted the same way.
import { percentile } from './stats';

export interface PhaseLimits {
  maxCreates: number;
  maxMs: number;
}

export interface ClosedLoopResult {
  created: number;
  failed: number;
  perSecond: number;
  p99Ms: number;
}

/** `operation(n)` gets the 1-based serial of its call and resolves true when it succeeded. */
export async function runClosedLoop(
  clients: number,
  limits: PhaseLimits,
  operation: (n: number) => Promise<boolean>,
): Promise<ClosedLoopResult> {
  let issued = 0;
  let created = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    while (issued < limits.maxCreates && performance.now() - started < limits.maxMs) {
      issued += 1;
      const sent = performance.now();
      if (await operation(issued)) created += 1;
      else failed += 1;
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { created, failed, perSecond: created / seconds, p99Ms: percentile(latencies, 99) };
}
