// The two ways a daemon call can fail, as the rest of the extension sees them. Commands turn them
// into readable messages (see commands/runCommand.ts); nothing here ever carries a secret, because
// the daemon's error messages never do and we add only the method and path.

/** The daemon answered with a non-2xx status; `code`, `message` and `details` are the API's own. */
export class DaemonError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DaemonError';
  }

  /** Validation details as `{field: message}` when the daemon sent them in that shape. */
  fieldErrors(): Record<string, string> {
    const details = this.details;
    if (!details || typeof details !== 'object' || Array.isArray(details)) return {};
    const out: Record<string, string> = {};
    for (const [field, text] of Object.entries(details)) if (typeof text === 'string') out[field] = text;
    return out;
  }
}

/** No daemon answered: not started, stopped, crashed, or its port/token went stale. */
export class DaemonUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Keysmith daemon is not running (${reason}).`);
    this.name = 'DaemonUnavailableError';
  }
}
