// Verify: synchronous on purpose (hash, Map lookup, pure rules, batched use record), so the fast path
// in server.ts answers without touching the event loop's queue or the disk.
import type { VerifyResponse } from '../protocol';
import { normalizeIp } from '../keys/ipAllowList';
import { parseAuthorization, type PresentedCredential } from '../keys/authorization';
import { sha256Hex } from '../keys/hashing';
import { stateAt } from '../keys/keyState';
import { restrictionFailure, stateFailure } from '../keys/verifyRules';
import { readVerifyRequest } from '../validation/verifyBody';
import type { Actor, CoreContext } from './context';

const MALFORMED: VerifyResponse = { valid: false, code: 'MALFORMED' };
const MAX_SECRET_LENGTH = 4096;

export class Verification {
  constructor(private readonly context: CoreContext) {}

  /** `peerIp` (the caller's socket address) is recorded as last-use IP when the body names no clientIp. */
  /** A valid answer is the key's frozen, shared answer object (see KeyIndex): serialise it, never change it. */
  verify(body: unknown, actor: Actor, peerIp: string | undefined): Readonly<VerifyResponse> {
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
    const key = this.context.index.lookup(sha256Hex(credential.secret));
    if (key === undefined || (credential.reference !== undefined && credential.reference !== key.reference)) {
      this.context.audit.verifyFailed(actor, 'UNKNOWN');
      return { valid: false, code: 'UNKNOWN' };
    }
    const now = this.context.clock.now();
    const failure =
      stateFailure(stateAt(key.status, key.startsAtMs, key.expiresAtMs, key.graceUntilMs, now.getTime())) ??
      restrictionFailure(key, request, key.ipAllowed);
    if (failure !== undefined) {
      this.context.audit.verifyFailed(actor, failure, key.id);
      return { valid: false, code: failure };
    }
    const ip = request.clientIp ?? (peerIp === undefined ? undefined : normalizeIp(peerIp));
    this.context.store.recordUse(
      ip === undefined ? { keyId: key.id, at: now.toISOString() } : { keyId: key.id, at: now.toISOString(), ip },
    );
    return key.validAnswer;
  }
}
