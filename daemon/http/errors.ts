// Refusals the HTTP layer makes itself, before or around any domain code: Host, Origin, token, content
// type, body size, timeouts, which port. They carry their own status because they are decided here, and
// some follow what Node or Express reported (a 4xx of theirs). Domain refusals are KeysmithErrors,
// mapped to a status by errorStatus.ts; an HttpError is one too, so both take the same path out.
// Messages are for a person: say what was wrong and what is accepted. Never put a secret in one.
import { KeysmithError } from '../errors';
import type { ErrorCode } from '../protocol';

export class HttpError extends KeysmithError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    details?: Record<string, string> | unknown,
  ) {
    super(code, message, details);
    this.name = 'HttpError';
  }
}
