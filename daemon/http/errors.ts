// One error type for everything the daemon refuses. Domain and inject code throw it; the single
// error handler in app.ts turns it into the API's `{"error": {code, message, details?}}` shape.
// Messages are for a person: say what was wrong and what is accepted. Never put a secret in one.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, string> | unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, string>) =>
  new HttpError(400, code, message, details);
/** The id is not repeated: it came from the caller, who may have pasted a secret where an id goes. */
export const notFound = (what: string, _id: string) =>
  new HttpError(404, 'NOT_FOUND', `No ${what} has this id; list them with GET /v1/${what === 'key' ? 'keys' : `${what}s`}.`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new HttpError(409, code, message, details);
