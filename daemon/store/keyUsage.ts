// How a verify hit changes a key record, shared by every store. Uses may be applied out of order
// (batched, or replayed after a failed write), so the newest use wins lastUsedAt/lastUsedIp and the
// count simply adds up.
import type { KeyRecord, KeyUse } from './types';

/** Several uses of one key folded together, so a burst of verifies costs one entry, not thousands. */
export interface KeyUsageTally {
  count: number;
  lastAt: string;
  lastIp?: string;
}

export function tallyUse(tallies: Map<string, KeyUsageTally>, use: KeyUse): void {
  addTally(tallies, use.keyId, { count: 1, lastAt: use.at, lastIp: use.ip });
}

/** Adds `tally` (newer uses win a tie; kept as is when the key has none yet) to the key's tally. */
export function addTally(tallies: Map<string, KeyUsageTally>, keyId: string, tally: KeyUsageTally): void {
  const existing = tallies.get(keyId);
  if (!existing) {
    tallies.set(keyId, tally);
    return;
  }
  existing.count += tally.count;
  if (tally.lastAt >= existing.lastAt) {
    existing.lastAt = tally.lastAt;
    existing.lastIp = tally.lastIp;
  }
}

export function applyUsage(key: KeyRecord, tally: KeyUsageTally): void {
  key.useCount = (key.useCount ?? 0) + tally.count;
  if (key.lastUsedAt === undefined || tally.lastAt >= key.lastUsedAt) {
    key.lastUsedAt = tally.lastAt;
    if (tally.lastIp === undefined) delete key.lastUsedIp;
    else key.lastUsedIp = tally.lastIp;
  }
}

export function applyUse(key: KeyRecord, use: KeyUse): void {
  applyUsage(key, { count: 1, lastAt: use.at, lastIp: use.ip });
}
