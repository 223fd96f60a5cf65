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

/**
 * SQLSTATE insufficient_privilege: a grant, a row policy's WITH CHECK, or a member function of
 * migration 002 refused the member this daemon connects as.
 */
export const isForbidden = (error: unknown): boolean => (error as { code?: unknown })?.code === '42501';

export const forbiddenRole = (role: string, what: string) =>
  new KeysmithError('FORBIDDEN_ROLE', `Your role (${role}) does not allow ${what}.`);

const TABLE_NOUNS: Record<string, string> = {
  keys: 'keys',
  keys_readable: 'keys',
  key_usage: 'key usage',
  services: 'services',
  tokens: 'verify tokens',
  audit: 'the audit log',
  members: 'members',
  keysmith_migrations: 'the schema',
};

/** What the statement tried, in words: its first write verb, else reading. */
function attempted(sql: string): string {
  const verb = /\b(INSERT|UPDATE|DELETE|TRUNCATE)\b/i.exec(sql)?.[1]?.toUpperCase();
  if (verb === 'INSERT') return 'adding';
  if (verb === 'UPDATE') return 'changing';
  if (verb === 'DELETE' || verb === 'TRUNCATE') return 'deleting';
  return 'reading';
}

/** The words after "does not allow" for a refusal of `sql`. */
export function refusedAction(error: Error, sql: string): string {
  const own = /^keysmith: (.*)$/s.exec(error.message);
  if (own?.[1] !== undefined) return own[1];
  const policy = /row-level security policy for table "(\w+)"/.exec(error.message)?.[1];
  if (policy === 'keys') return `${attempted(sql)} keys in another member's name`;
  if (policy === 'audit') return "writing audit events in another member's name";
  if (policy === 'key_usage') return "recording usage of another member's key";
  const object = /permission denied for (?:table|view|sequence|function) "?([\w.]+)"?/.exec(error.message)?.[1];
  // A new key's service check (migration 003), granted to those who may add keys.
  if (object === 'keysmith_service_enabled') return 'adding keys';
  if (object?.startsWith('keysmith_') && object !== 'keysmith_migrations') return 'managing members';
  const noun = (object && TABLE_NOUNS[object]) ?? 'this';
  // A column grant refusal: reading keys is allowed, their sealed secrets are not.
  if (object === 'keys' && attempted(sql) === 'reading') return 'reading these key columns (sealed secrets included)';
  return noun === 'this' ? 'this' : `${attempted(sql)} ${noun}`;
}
