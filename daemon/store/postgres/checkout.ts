// A pool client held for a sequence of statements (a unit of work, the migrations). The pool listens
// for errors only on idle clients: one whose server goes away while it is held, between two
// statements, emits 'error' with nobody listening, which would crash the daemon. This listener keeps
// the error and tells release() to destroy the client instead of returning it to the pool.
import type pg from 'pg';
import { storeError } from './errors';

export interface HeldClient {
  client: pg.PoolClient;
  /** Back to the pool, or closed when it broke (or `broken`, e.g. a failed ROLLBACK). */
  release(broken?: boolean): void;
}

export async function checkout(pool: pg.Pool, password: string | undefined): Promise<HeldClient> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError(error, password);
  }
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on('error', onError);
  return {
    client,
    release(broken = false) {
      client.removeListener('error', onError);
      // A closed client may still report its end: keep a listener so that cannot crash either.
      if (lost || broken) client.on('error', () => {});
      client.release(lost || broken);
    },
  };
}
