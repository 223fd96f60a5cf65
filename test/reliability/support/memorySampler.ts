// Samples a process's resident memory from /proc while a load runs, and reduces the samples to the
// two levels the soak compares: after warm-up and at the end.
import { delay, residentKiB } from '../../support/childDaemon';

export interface RssSample {
  /** ms since the load started */
  at: number;
  kib: number;
}

export async function sampleRss(pid: number, started: number, endsAt: number, everyMs = 500): Promise<RssSample[]> {
  const samples: RssSample[] = [];
  while (Date.now() < endsAt) {
    samples.push({ at: Date.now() - started, kib: await residentKiB(pid) });
    await delay(everyMs);
  }
  return samples;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? NaN;
};

/**
 * The warm-up level is the top of the GC sawtooth between 10 and 15 s; the end level the median of the
 * last 5 s. A leak shows as the end level climbing past the warm-up level; a GC cycle does not.
 */
export function rssLevels(samples: RssSample[], durationMs: number): { warmUp: number; end: number; peak: number } {
  const warm = samples.filter((s) => s.at >= 10_000 && s.at < 15_000).map((s) => s.kib);
  const warmUp = warm.length > 0 ? Math.max(...warm) : median(samples.slice(0, 5).map((s) => s.kib));
  const end = median(samples.filter((s) => s.at >= durationMs - 5_000).map((s) => s.kib));
  return { warmUp, end, peak: Math.max(...samples.map((s) => s.kib)) };
}

/** One sample per 10 s, in MiB, for the printed trend. */
export const rssEveryTenSeconds = (samples: RssSample[]): string[] =>
  samples
    .filter((sample, i) => i === 0 || Math.floor(sample.at / 10_000) > Math.floor(samples[i - 1]!.at / 10_000))
    .map((sample) => (sample.kib / 1024).toFixed(0));
