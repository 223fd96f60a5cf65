// Domain code throws KeysmithError with a code and no status; the HTTP edge decides the status from
// the code alone, and a transport refusal (HttpError) keeps the status the HTTP layer gave it.
import assert from 'node:assert/strict';
import { KeysmithError } from '../../daemon/errors';
import { HttpError } from '../../daemon/http/errors';
import { asHttpError, statusOf } from '../../daemon/http/errorStatus';
import { rebuiltError, sendableError } from '../../daemon/inject/worker/messages';

describe('error status at the edge', () => {
  it('answers a domain refusal with the status of its code, keeping code, message and details', () => {
    const refusal = new KeysmithError('FILE_CHANGED', '".env" changed on disk.', { file: '.env' });
    const answered = asHttpError(refusal);
    assert.deepEqual(
      [answered.status, answered.code, answered.message, answered.details],
      [409, 'FILE_CHANGED', '".env" changed on disk.', { file: '.env' }],
    );
    assert.equal(statusOf(new KeysmithError('INJECTION_TOO_SLOW', 'slow')), 422);
    assert.equal(statusOf(new KeysmithError('SHUTTING_DOWN', 'stopping')), 503);
    assert.equal(statusOf(new KeysmithError('VALIDATION_FAILED', 'bad')), 400);
  });

  it('keeps the status a transport refusal was made with', () => {
    const expressRefusal = new HttpError(414, 'BAD_REQUEST', 'The request could not be understood.');
    assert.equal(statusOf(expressRefusal), 414);
    assert.equal(asHttpError(expressRefusal), expressRefusal);
  });

  it('carries an HttpError thrown in the injection worker across as a refusal answered with the same status', () => {
    const thrown = new HttpError(409, 'TRACKED_BY_GIT', '".env" is tracked by git.', { file: '.env' });
    const rebuilt = rebuiltError(sendableError(thrown, []));
    assert.ok(rebuilt instanceof KeysmithError);
    assert.deepEqual(
      [statusOf(rebuilt), rebuilt.code, rebuilt.message, rebuilt.details],
      [409, 'TRACKED_BY_GIT', thrown.message, { file: '.env' }],
    );
  });
});
