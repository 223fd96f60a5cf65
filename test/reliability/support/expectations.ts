// Assertions shared by the reliability tests: the API's error shape, and "refused, naming the field".
import assert from 'node:assert/strict';
import { describeAnswer, type Answer } from '../../support/http';

/** The answer is `status` with the API's `{"error": {code, message}}` shape and a readable message. */
export function expectApiError(answer: Answer, status: number, code?: string): void {
  assert.equal(answer.status, status, `expected ${status}, got ${describeAnswer(answer)}`);
  const error = answer.body?.error;
  assert.ok(error && typeof error === 'object', `expected an {"error": {...}} body, got: ${describeAnswer(answer)}`);
  assert.match(String(error.code), /^[A-Z][A-Z0-9_]*$/, 'error.code is UPPER_SNAKE');
  assert.ok(typeof error.message === 'string' && error.message.length > 10, 'error.message is a sentence for a person');
  assert.doesNotMatch(answer.text, /\n\s+at .+\(.*:\d+:\d+\)/, 'no stack trace in the response');
  if (code !== undefined) assert.equal(error.code, code, `error code; message: ${error.message}`);
}

/** 400 whose `details` names `field` (exactly, or a dotted path inside it such as `ipAllowList.0`). */
export function expectFieldRefused(answer: Answer, field: string): void {
  expectApiError(answer, 400);
  const details = answer.body.error.details as Record<string, unknown> | undefined;
  const named = Object.keys(details ?? {}).filter((key) => key === field || key.startsWith(`${field}.`));
  assert.ok(
    named.length > 0,
    `expected error.details to name "${field}", got details ${JSON.stringify(details)} / message "${answer.body.error.message}"`,
  );
}

/** Any 4xx in the API's error shape: the request was refused as the caller's fault, not a crash. */
export function expectClientError(answer: Answer): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `expected a 4xx, got ${describeAnswer(answer)}`);
  expectApiError(answer, answer.status);
}
