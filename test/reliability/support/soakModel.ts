// The soak test's oracle. The writer records, for every key, when each change was sent and when it was
// answered; verifiers record every answer with the time the request left and the answer arrived. Only
// at the end, when every acknowledgement is known, is each answer judged: it must be what the key's
// history allows at some instant between the request leaving and its answer arriving.

export interface TrackedKey {
  id: string;
  secret: string;
  createdAck: number;
  revokeSent?: number;
  revokeAck?: number;
  regenerateSent?: number;
  regenerateAck?: number;
  /** Epoch ms from the regenerate answer's `previous.graceUntil`. */
  graceUntil?: number;
}

export interface Observation {
  key: TrackedKey | undefined;
  sent: number;
  answered: number;
  status: number;
  valid: boolean | undefined;
  code?: string;
  keyId?: string;
}

export type Verdict = 'ok' | string;

/**
 * Judges one verify answer. Times are Date.now() of the same machine the daemon runs on; `marginMs`
 * absorbs the millisecond rounding of graceUntil and timer granularity, never a real ordering question.
 */
export function judge(observation: Observation, marginMs: number): Verdict {
  const { key, sent, answered, status, valid } = observation;
  if (status !== 200) return `status ${status}`;
  if (key === undefined) return valid === false ? 'ok' : 'an unknown key was accepted';
  if (valid === true && observation.keyId !== key.id) return `accepted as ${observation.keyId}, expected ${key.id}`;

  // Refused for sure: revoked and acknowledged before this request left.
  if (key.revokeAck !== undefined && sent > key.revokeAck) {
    return valid === false ? 'ok' : `accepted ${sent - key.revokeAck} ms after its revoke was acknowledged`;
  }
  // Refused for sure: regenerated, and the grace deadline passed before this request left.
  if (key.graceUntil !== undefined && sent > key.graceUntil + marginMs) {
    return valid === false ? 'ok' : `old secret accepted ${sent - key.graceUntil} ms after its grace deadline`;
  }
  // Accepted for sure: no revoke had been sent when the answer arrived, and either no regenerate had
  // been sent or the answer came well before the grace deadline (the old secret stays valid until then).
  const noRevokeYet = key.revokeSent === undefined || answered < key.revokeSent;
  const beforeRegenerate = key.regenerateSent === undefined || answered < key.regenerateSent;
  const withinGrace = key.graceUntil !== undefined && answered < key.graceUntil - marginMs;
  if (noRevokeYet && (beforeRegenerate || withinGrace)) {
    return valid === true ? 'ok' : `refused (${observation.code}) while it had to be valid`;
  }
  return 'ok'; // in flight around a change: either answer is right
}
