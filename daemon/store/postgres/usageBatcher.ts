// Verify hits, counted in memory and written about once a second in one statement, whichever daemon
// served them: useCount adds up, lastUsedAt/lastUsedIp keep the newest use. A write that fails keeps
// its uses for the next one; uses of a key deleted meanwhile are dropped.
import { tallyUse, type KeyUsageTally } from '../keyUsage';
import type { KeyUse } from '../types';
import type { Session } from './session';

// Through a SECURITY DEFINER function of migration 002: any member's daemon serves verify and records
// uses, yet no member may write key_usage directly (a verifier's login could otherwise forge counts).
// The function adds up counts and keeps the newest use; uses of a key already gone are skipped.
const WRITE_USAGE = 'SELECT keysmith_record_uses($1::text[], $2::bigint[], $3::timestamptz[], $4::text[])';

export class UsageBatcher {
  private pending = new Map<string, KeyUsageTally>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly session: Session,
    private readonly intervalMs: number,
  ) {}

  record(use: KeyUse): void {
    tallyUse(this.pending, use);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // A failed timed write keeps its uses and is tried again a period later.
      this.flush().catch(() => this.schedule());
    }, this.intervalMs).unref();
  }

  /** Writes every use recorded so far; rejects (keeping them) when the database refuses. */
  flush(): Promise<void> {
    const write = this.writing.catch(() => {}).then(() => this.write());
    this.writing = write;
    return write;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const entries = [...batch];
    try {
      await this.writeOnce(entries).catch(async (error) => {
        // 23503: a key was deleted between the EXISTS check and the insert; its uses go with it.
        if ((error as { code?: string }).code !== '23503') throw error;
        await this.writeOnce(entries);
      });
    } catch (error) {
      for (const [keyId, tally] of batch) mergeTally(this.pending, keyId, tally);
      throw error;
    }
  }

  private async writeOnce(entries: [string, KeyUsageTally][]): Promise<void> {
    await this.session.query(WRITE_USAGE, [
      entries.map(([keyId]) => keyId),
      entries.map(([, tally]) => tally.count),
      entries.map(([, tally]) => tally.lastAt),
      entries.map(([, tally]) => tally.lastIp ?? null),
    ]);
  }
}

function mergeTally(tallies: Map<string, KeyUsageTally>, keyId: string, tally: KeyUsageTally): void {
  const current = tallies.get(keyId);
  if (current === undefined) {
    tallies.set(keyId, tally);
    return;
  }
  current.count += tally.count;
  if (tally.lastAt > current.lastAt) {
    current.lastAt = tally.lastAt;
    current.lastIp = tally.lastIp;
  }
}
