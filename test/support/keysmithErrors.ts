// Asserting a refusal by its code: the store and the core throw KeysmithError(code, message), and a test
// wants the error back to check its message too.
import assert from 'node:assert/strict';
import { KeysmithError } from '../../daemon/errors';

export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<KeysmithError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KeysmithError, `expected a KeysmithError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}
