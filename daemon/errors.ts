// What the daemon's domain code (keys, core, inject, store, validation) throws when it refuses a
// request: a code from the API's list, a message for a person, and optional details. It knows nothing
// of HTTP: the status is decided once, at the edge (http/errorStatus.ts).
// Messages say what was wrong and what is accepted, and never hold a secret: they reach the caller.
import type { ErrorCode } from './protocol';

export class KeysmithError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, string> | unknown,
  ) {
    super(message);
    this.name = 'KeysmithError';
  }
}

/** The id is not repeated: it came from the caller, who may have pasted a secret where an id goes. */
export const notFound = (what: string, _id: string) =>
  new KeysmithError('NOT_FOUND', `No ${what} has this id; list them with GET /v1/${what === 'key' ? 'keys' : `${what}s`}.`);

/** A request that is well-formed but not allowed in the current state (revoked key, service in use...). */
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new KeysmithError(code, message, details);

/** A request field that fails a rule checked beyond the schema (unknown service, permission not offered). */
export const fieldError = (field: string, problem: string) =>
  new KeysmithError('VALIDATION_FAILED', `The field ${field} is not valid: ${problem}`, { [field]: problem });
