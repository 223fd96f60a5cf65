// The soak test is only as good as its judge: these cases prove the judge flags each wrong answer it
// exists to catch (and tolerates the answers that are right during a change in flight).
import assert from 'node:assert/strict';
import { judge, type Observation, type TrackedKey } from './support/soakModel';

const MARGIN = 250;
const key = (history: Partial<TrackedKey> = {}): TrackedKey => ({ id: 'key_a', secret: 's', createdAck: 1_000, ...history });
const answer = (tracked: TrackedKey | undefined, sent: number, answered: number, valid: boolean, code?: string): Observation => ({
  key: tracked,
  sent,
  answered,
  status: 200,
  valid,
  code,
  keyId: valid ? tracked?.id : undefined,
});

describe('reliability: the soak test judge', function () {
  it('flags a key accepted after its revoke was acknowledged', function () {
    const revoked = key({ revokeSent: 2_000, revokeAck: 2_010 });
    assert.notEqual(judge(answer(revoked, 2_011, 2_012, true), MARGIN), 'ok');
    assert.equal(judge(answer(revoked, 2_011, 2_012, false, 'REVOKED'), MARGIN), 'ok');
  });

  it('accepts either answer while the revoke is in flight', function () {
    const revoked = key({ revokeSent: 2_000, revokeAck: 2_010 });
    assert.equal(judge(answer(revoked, 1_999, 2_005, true), MARGIN), 'ok');
    assert.equal(judge(answer(revoked, 1_999, 2_005, false, 'REVOKED'), MARGIN), 'ok');
  });

  it('flags a live key refused before anything happened to it', function () {
    assert.notEqual(judge(answer(key(), 1_500, 1_510, false, 'UNKNOWN'), MARGIN), 'ok');
    assert.notEqual(judge(answer(key({ revokeSent: 9_000 }), 1_500, 1_510, false, 'REVOKED'), MARGIN), 'ok');
  });

  it('flags an old secret refused within its grace period, and accepted after it', function () {
    const rotated = key({ regenerateSent: 2_000, regenerateAck: 2_020, graceUntil: 5_000 });
    assert.notEqual(judge(answer(rotated, 3_000, 3_010, false, 'REVOKED'), MARGIN), 'ok');
    assert.equal(judge(answer(rotated, 3_000, 3_010, true), MARGIN), 'ok');
    assert.notEqual(judge(answer(rotated, 5_300, 5_310, true), MARGIN), 'ok');
    assert.equal(judge(answer(rotated, 5_300, 5_310, false, 'REVOKED'), MARGIN), 'ok');
    assert.equal(judge(answer(rotated, 4_900, 4_990, false, 'REVOKED'), MARGIN), 'ok', 'inside the clock margin either is right');
  });

  it('flags an unknown secret accepted, a wrong key id, and any non-200', function () {
    assert.notEqual(judge(answer(undefined, 1, 2, true), MARGIN), 'ok');
    assert.notEqual(judge({ ...answer(key(), 1_500, 1_510, true), keyId: 'key_other' }, MARGIN), 'ok');
    assert.notEqual(judge({ ...answer(key(), 1_500, 1_510, true), status: 500 }, MARGIN), 'ok');
  });
});
