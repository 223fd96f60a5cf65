// What a PostgreSQL failure becomes for the core. A lost or refused connection is STORE_UNAVAILABLE
// with one fixed message (the pool reconnects by itself); anything else keeps its own error, with the
// connection password scrubbed from its message in case a driver ever echoes the URL.
import { KeysmithError } from '../../errors';

export const STORE_UNAVAILABLE_MESSAGE =
  'The key store (PostgreSQL) cannot be reached; nothing was changed. The daemon reconnects by itself.';

const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /terminating connection/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /connection (?:is )?closed/i,
  /cannot use a pool after calling end/i,
  /Client was closed/i,
];

export function isConnectionError(error: unknown): boolean {
  if (error instanceof KeysmithError) return error.code === 'STORE_UNAVAILABLE';
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message));
}

export const storeUnavailable = () => new KeysmithError('STORE_UNAVAILABLE', STORE_UNAVAILABLE_MESSAGE);

/** lock_not_available (lock_timeout), deadlock_detected, serialization_failure: another writer holds the rows. */
const CONTENTION_SQLSTATES = new Set(['55P03', '40P01', '40001']);

const busy = () =>
  new KeysmithError('CONFLICT', 'The records this change needs are being changed by someone else right now; nothing was changed. Retry.');

/**
 * The error a query failure becomes: STORE_UNAVAILABLE for connection trouble, CONFLICT when other
 * writers hold the rows, else the error itself, password-free.
 */
export function storeError(error: unknown, password: string | undefined): unknown {
  if (isConnectionError(error)) return error instanceof KeysmithError ? error : storeUnavailable();
  const code = (error as { code?: unknown } | undefined)?.code;
  if (!(error instanceof KeysmithError) && typeof code === 'string' && CONTENTION_SQLSTATES.has(code)) return busy();
  if (password && error instanceof Error) {
    for (const form of new Set([password, encodeURIComponent(password)])) {
      if (error.message.includes(form)) error.message = error.message.split(form).join('***');
    }
  }
  return error;
}

/** SQLSTATE unique_violation on the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: unknown; constraint?: unknown };
  return pgError?.code === '23505' && pgError.constraint === constraint;
}

/** SQLSTATE foreign_key_violation on the named constraint. */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  const pgError = error as { code?: unknown; constraint?: unknown };
  return pgError?.code === '23503' && pgError.constraint === constraint;
}
