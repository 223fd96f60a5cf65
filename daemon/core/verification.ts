// Verify: synchronous on purpose (hash, Map lookup, pure rules, batched use record), so the fast path
// in server.ts answers without touching the event loop's queue or the disk.
import type { VerifyResponse } from '../protocol';
import { normalizeIp } from '../keys/ipAllowList';
import { parseAuthorization, type PresentedCredential } from '../keys/authorization';
import { sha256Binary } from '../keys/hashing';
import { restrictionFailure, stateFailure } from '../keys/verifyRules';
import { readVerifyRequest } from '../validation/verifyBody';
import type { Actor, CoreContext } from './context';

type Refusal = Extract<VerifyResponse, { valid: false }>;

const MALFORMED: Refusal = { valid: false, code: 'MALFORMED' };
const MAX_SECRET_LENGTH = 4096;

export class Verification {
  /** The last use time written, by its epoch ms: at thousands of verifies a second most share their millisecond. */
  private lastUseMs = Number.NaN;
  private lastUseAt = '';

  constructor(private readonly context: CoreContext) {}

  /** `peerIp` (the caller's socket address) is recorded as last-use IP when the body names no clientIp. */
  verify(body: unknown, actor: Actor, peerIp: string | undefined): VerifyResponse {
    const outcome = this.check(body, actor, peerIp);
    return typeof outcome === 'number' ? this.context.index.validAnswerAt(outcome) : outcome;
  }

  /** `JSON.stringify(verify(...))`, with the valid answer's text mostly made in advance (the fast path's). */
  verifyJson(body: unknown, actor: Actor, peerIp: string | undefined): string {
    const outcome = this.check(body, actor, peerIp);
    return typeof outcome === 'number' ? this.context.index.validAnswerJsonAt(outcome) : JSON.stringify(outcome);
  }

  /** The refusal, or the slot of the valid key once its use is recorded. */
  private check(body: unknown, actor: Actor, peerIp: string | undefined): Refusal | number {
    const request = readVerifyRequest(body);
    const credential: PresentedCredential =
      request === undefined
        ? { malformed: true }
        : request.key !== undefined
          ? { secret: request.key }
          : parseAuthorization(request.authorization ?? '');
    if (request === undefined || 'malformed' in credential || credential.secret.length > MAX_SECRET_LENGTH) {
      this.context.audit.verifyFailed(actor, 'MALFORMED');
      return MALFORMED;
    }
    const { index } = this.context;
    const slot = index.find(sha256Binary(credential.secret));
    if (slot < 0 || (credential.reference !== undefined && !index.referenceIs(slot, credential.reference))) {
      this.context.audit.verifyFailed(actor, 'UNKNOWN');
      return { valid: false, code: 'UNKNOWN' };
    }
    const nowMs = this.context.clock.now().getTime();
    const profile = index.profileAt(slot);
    const failure = stateFailure(index.stateAt(slot, nowMs)) ?? restrictionFailure(profile, request, profile.ipAllowed);
    if (failure !== undefined) {
      this.context.audit.verifyFailed(actor, failure, index.idAt(slot));
      return { valid: false, code: failure };
    }
    const keyId = index.idAt(slot);
    const at = this.useTime(nowMs);
    const ip = request.clientIp ?? (peerIp === undefined ? undefined : normalizeIp(peerIp));
    this.context.store.recordUse(ip === undefined ? { keyId, at } : { keyId, at, ip });
    return slot;
  }

  private useTime(nowMs: number): string {
    if (nowMs !== this.lastUseMs) {
      this.lastUseMs = nowMs;
      this.lastUseAt = new Date(nowMs).toISOString();
    }
    return this.lastUseAt;
  }
}
