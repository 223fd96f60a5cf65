// Small numeric helpers shared by the benches: percentiles over recorded samples and the formatting
// used in the printed tables (one place, so every table reads the same way).

/** The p-th percentile (0..100) of `samples` by nearest rank; NaN when there are none. */
export function percentile(samples: Float64Array | number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** `measured / baseline` as a percentage, e.g. "83%". */
export function formatPercent(measured: number, baseline: number): string {
  if (!Number.isFinite(measured) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${Math.round((measured / baseline) * 100)}%`;
}

/** `measured / baseline` as a factor, e.g. "1.7x". */
export function formatFactor(measured: number, baseline: number): string {
  if (!Number.isFinite(measured) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  const factor = measured / baseline;
  return `${factor < 10 ? factor.toFixed(2) : Math.round(factor)}x`;
}

/** "met" / "missed" against a goal, so a reader sees the verdict without doing the arithmetic. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}
