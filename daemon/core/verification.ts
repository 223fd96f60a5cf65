// Verify: synchronous on purpose (hash, Map lookup, pure rules, batched use record), so the fast path
// in server.ts answers without touching the event loop's queue or the disk.
import type { VerifyResponse } from '../protocol';
import { normalizeIp } from '../keys/ipAllowList';
import { parseAuthorization, type PresentedCredential } from '../keys/authorization';
import { sha256Binary } from '../keys/hashing';
import { restrictionFailure, stateFailure } from '../keys/verifyRules';
import { readVerifyRequest } from '../validation/verifyBody';
import type { Actor, CoreContext } from './context';

const MALFORMED: VerifyResponse = { valid: false, code: 'MALFORMED' };
const MAX_SECRET_LENGTH = 4096;

export class Verification {
  constructor(private readonly context: CoreContext) {}

  /** `peerIp` (the caller's socket address) is recorded as last-use IP when the body names no clientIp. */
  verify(body: unknown, actor: Actor, peerIp: string | undefined): VerifyResponse {
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
    const now = this.context.clock.now();
    const profile = index.profileAt(slot);
    const failure = stateFailure(index.stateAt(slot, now.getTime())) ?? restrictionFailure(profile, request, profile.ipAllowed);
    if (failure !== undefined) {
      this.context.audit.verifyFailed(actor, failure, index.idAt(slot));
      return { valid: false, code: failure };
    }
    const answer = index.validAnswerAt(slot);
    const { keyId } = answer;
    const ip = request.clientIp ?? (peerIp === undefined ? undefined : normalizeIp(peerIp));
    this.context.store.recordUse(ip === undefined ? { keyId, at: now.toISOString() } : { keyId, at: now.toISOString(), ip });
    return answer;
  }
}
