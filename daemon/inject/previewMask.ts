// A preview shows the edit without the secrets in it. The daemon already passes masked material;
// what remains is the old value a secret target is about to replace. Its bytes are found by writing
// two different stand-ins: what both edits remove from the text is exactly the old value.
import type { ConfigWriter } from './formats';
import type { PlannedChange } from './targetChanges';

const STAND_INS = ['a0keysmith0a', 'z9keysmith9z'];

export function maskSecret(value: string): string {
  return value.length >= 16 ? `****${value.slice(-4)}` : '****';
}

/** The text with the current value of every secret target masked; other bytes unchanged. */
export function maskOldSecrets(text: string, changes: PlannedChange[], writers: ConfigWriter[]): string {
  // Regions are all found in the untouched text, then masked from the end so offsets stay valid.
  const regions = changes
    .map((change, i) => (change.secret ? removedRegion(text, change, writers[i]!) : undefined))
    .filter((r): r is { start: number; end: number } => r !== undefined && r.end > r.start)
    .sort((a, b) => b.start - a.start);
  let masked = text;
  let floor = Infinity;
  for (const { start, end } of regions) {
    const stop = Math.min(end, floor);
    if (stop <= start) continue;
    masked = masked.slice(0, start) + maskSecret(masked.slice(start, stop)) + masked.slice(stop);
    floor = start;
  }
  return masked;
}

function removedRegion(text: string, change: PlannedChange, writer: ConfigWriter) {
  let region: { start: number; end: number } | undefined;
  for (const standIn of STAND_INS) {
    let edited: string;
    try {
      // The document too: without it a multi-document YAML is refused and its old secret left unmasked.
      edited = writer(text, { path: change.path, value: standIn, ...(change.document === undefined ? {} : { document: change.document }) });
    } catch {
      return undefined;
    }
    const r = changedRegion(text, edited);
    region = region ? { start: Math.min(region.start, r.start), end: Math.max(region.end, r.end) } : r;
  }
  return region;
}

/** The span of `before` that differs from `after` (common prefix and suffix excluded). */
export function changedRegion(before: string, after: string): { start: number; end: number } {
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < limit - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, end: before.length - suffix };
}

/** Every occurrence of the material's secrets in a text, masked (defence in depth for `after`). */
export function maskValues(text: string, secrets: string[]): string {
  let out = text;
  // Material the daemon already masked (`****abcd`) is left as it is.
  const real = secrets.filter((s) => s.length >= 8 && !s.startsWith('****'));
  for (const secret of real.sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(maskSecret(secret));
  }
  return out;
}
