// The connection settings of a PostgreSQL store: the pool every repository queries through, the
// dedicated LISTEN client of the change feed, and the password-free description shown to people.
import pg from 'pg';

export interface ConnectionSettings {
  url: string;
  /** Pool size per daemon. */
  maxConnections?: number;
  /** How long a query waits for a connection before the store counts as unreachable. */
  connectTimeoutMs?: number;
  /** How long a write waits for a row another transaction holds before it is refused (CONFLICT). */
  lockTimeoutMs?: number;
}

export function clientConfig(settings: ConnectionSettings): pg.ClientConfig {
  return {
    connectionString: settings.url,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 5000,
    // A silently dead peer (a cut network) is found by TCP keepalive instead of never.
    keepAlive: true,
    application_name: 'keysmith',
    // A psql session left open on a key (or two units of work of this daemon waiting on each other)
    // must not hang writes for ever: past this, the write is refused with CONFLICT and retried.
    lock_timeout: settings.lockTimeoutMs ?? 10_000,
    // A unit of work of ours that stalls releases its locks; its next statement fails (STORE_UNAVAILABLE).
    idle_in_transaction_session_timeout: 60_000,
  };
}

export function createPool(settings: ConnectionSettings): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(settings), max: settings.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client whose server went away emits here; without a listener it would crash the daemon. The
  // pool drops that client, and the next query gets a fresh connection (or STORE_UNAVAILABLE).
  pool.on('error', () => {});
  return pool;
}

/** `postgres://host:port/db`: never the user or the password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // A unix-socket URL names its directory in ?host= (postgres:///db?host=/run/postgresql).
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `postgres://${host}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return 'postgres';
  }
}

/** The password in the URL, to scrub from messages. */
export function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
