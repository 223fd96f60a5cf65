// The embedded store's audit events of a write (key, service, token), appended right after the write
// committed (the audit log is a file of its own, not in the journal's transaction). The write resolves
// once both are on disk.
// If the append fails, the change is durable already (and for a new key, its secret exists only in the
// answer): the events are kept in order and written ahead of the next append, and the failure is
// reported, rather than failing a change that was made. PostgreSQL has no such gap: there a write
// and its events are one statement.
import type { AuditEvent } from '../../protocol';

/** Kept events beyond this are dropped, oldest first (and that is reported). */
const MAX_KEPT = 10_000;

export class AuditAfterCommit {
  private kept: AuditEvent[] = [];

  constructor(
    private readonly append: (events: AuditEvent[]) => Promise<void>,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  /** Never rejects: see the file's comment. */
  async write(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0 && this.kept.length === 0) return;
    const batch = [...this.kept, ...events];
    this.kept = [];
    try {
      await this.append(batch);
    } catch (error) {
      this.kept = [...batch, ...this.kept];
      const dropped = this.kept.length - MAX_KEPT;
      if (dropped > 0) this.kept.splice(0, dropped);
      this.onError(
        new Error(
          `the audit log refused ${batch.length} event(s) of committed writes, kept to retry (${this.kept.length} pending${dropped > 0 ? `, ${dropped} oldest dropped` : ''}): ${(error as Error).message}`,
        ),
      );
    }
  }
}
