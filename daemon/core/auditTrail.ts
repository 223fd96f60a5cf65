// Audit events for every change, reveal and injection, and verify failures folded into bursts: a
// misconfigured client failing 10,000 times a minute yields one event per key and code with a count,
// not 10,000 events. Details never carry a secret; callers pass ids, names, files and paths only.
//
// A write's event (keys, services, tokens) is not written here: it goes with the write itself, which the
// store keeps or refuses as one (store/repositories.ts, NewKeyWrite); `event()` only builds it. A reveal's
// event is written before the secret leaves (`recordOrRefuse`): no secret is shown unrecorded. What
// `record` writes (injections, verify failures) never fails the request it describes: by then the files
// are written, so answering an error would lie. Events the log refused are kept in order and written
// ahead of the next ones; the failure is logged.
import type { AuditEvent, VerifyFailure } from '../protocol';
import type { Clock } from '../keys/clock';
import { newId } from '../keys/keyFormat';
import type { AuditRepository } from '../store/repositories';
import type { Actor } from './context';

interface Burst {
  keyId?: string;
  code: VerifyFailure;
  actor: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Refused events kept for a later write; beyond this, the oldest are dropped (and that is logged). */
const MAX_BACKLOG = 10_000;

export interface AuditTrailOptions {
  /** How long failures of one key and code are gathered before one event is written. */
  burstWindowMs?: number;
  onError?: (error: unknown) => void;
}

export class AuditTrail {
  private readonly bursts = new Map<string, Burst>();
  private backlog: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly windowMs: number;

  constructor(
    private readonly log: AuditRepository,
    private readonly clock: Clock,
    private readonly options: AuditTrailOptions = {},
  ) {
    this.windowMs = options.burstWindowMs ?? 10_000;
  }

  event(actor: Actor, action: string, keyId?: string, details?: Record<string, unknown>): AuditEvent {
    const event: AuditEvent = { id: newId('evt'), at: this.clock.now().toISOString(), actor: actor.name, action };
    if (keyId !== undefined) event.keyId = keyId;
    if (details !== undefined) event.details = details;
    return event;
  }

  async record(actor: Actor, action: string, keyId?: string, details?: Record<string, unknown>): Promise<void> {
    await this.append([this.event(actor, action, keyId, details)]);
  }

  /**
   * Writes the event before the caller goes on (a reveal: the secret is answered only once its reveal is
   * recorded). Rejects with the log's own error when the log refuses it; events kept from earlier go first.
   */
  async recordOrRefuse(actor: Actor, action: string, keyId?: string): Promise<void> {
    if (this.backlog.length > 0) await this.append([]);
    await this.log.append([this.event(actor, action, keyId)]);
  }

  async recordAll(events: AuditEvent[]): Promise<void> {
    if (events.length > 0) await this.append(events);
  }

  /** Events refused by the log and not yet written. */
  get pending(): number {
    return this.backlog.length;
  }

  /** Writes the backlog then `events`; on failure keeps them all for the next write. Never rejects. */
  private async append(events: AuditEvent[]): Promise<void> {
    const batch = this.backlog.length > 0 ? [...this.backlog, ...events] : events;
    this.backlog = [];
    try {
      await this.log.append(batch);
    } catch (error) {
      this.backlog = [...batch, ...this.backlog];
      const dropped = this.backlog.length - MAX_BACKLOG;
      if (dropped > 0) this.backlog.splice(0, dropped);
      this.options.onError?.(
        new Error(
          `the audit log refused ${batch.length} event(s), kept to retry (${this.backlog.length} pending${dropped > 0 ? `, ${dropped} oldest dropped` : ''}): ${(error as Error).message}`,
        ),
      );
    }
  }

  /** Counts a failed verify; written as one `verify.failed` event per key and code when the window closes. */
  verifyFailed(actor: Actor, code: VerifyFailure, keyId?: string): void {
    const at = this.clock.now().toISOString();
    const burstKey = `${keyId ?? ''}\u0000${code}\u0000${actor.name}`;
    const burst = this.bursts.get(burstKey);
    if (burst) {
      burst.count += 1;
      burst.lastAt = at;
    } else {
      this.bursts.set(burstKey, { keyId, code, actor: actor.name, count: 1, firstAt: at, lastAt: at });
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        void this.flushBursts();
      }, this.windowMs);
      this.timer.unref();
    }
  }

  /** Writes the gathered bursts now (on audit reads and on shutdown, so nothing is lost or stale). */
  async flushBursts(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.bursts.size === 0) {
      if (this.backlog.length > 0) await this.append([]);
      return;
    }
    const events = [...this.bursts.values()].map((burst) => {
      const event: AuditEvent = {
        id: newId('evt'),
        at: burst.lastAt,
        actor: burst.actor,
        action: 'verify.failed',
        details: { code: burst.code, count: burst.count, firstAt: burst.firstAt, lastAt: burst.lastAt },
      };
      if (burst.keyId !== undefined) event.keyId = burst.keyId;
      return event;
    });
    this.bursts.clear();
    await this.append(events);
  }
}
