// Finding records by id through the store seam, and re-deciding a change that lost a race.
import { notFound } from '../errors';
import type { KeyRepository, Stored } from '../store/repositories';
import { isConflict } from '../store/staleRecord';
import type { KeyRecord } from '../store/types';

export async function requireKey(keys: KeyRepository, id: string): Promise<Stored<KeyRecord>> {
  const key = await keys.get(id);
  if (!key) throw notFound('key', id);
  return key;
}

/** The record without its version: what an update sends (the version goes as `expectedVersion`). */
export function fieldsOf<T extends { version: number }>(stored: T): Omit<T, 'version'> {
  const { version: _version, ...fields } = stored;
  return fields;
}

/**
 * How many times a change decided on a record that moved meanwhile is read and decided again before
 * the caller gets 409 CONFLICT. Each retry means another writer committed, so contention on one record
 * from a handful of concurrent requests settles well within this.
 */
const ATTEMPTS = 8;

/** Runs `decideAndWrite` again (it must re-read what it decides on) while the store answers CONFLICT. */
export async function retryOnConflict<T>(decideAndWrite: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideAndWrite();
    } catch (error) {
      if (!isConflict(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}
