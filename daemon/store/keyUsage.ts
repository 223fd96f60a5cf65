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
  const tally = tallies.get(use.keyId);
  if (!tally) {
    tallies.set(use.keyId, { count: 1, lastAt: use.at, lastIp: use.ip });
    return;
  }
  tally.count += 1;
  if (use.at >= tally.lastAt) {
    tally.lastAt = use.at;
    tally.lastIp = use.ip;
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
