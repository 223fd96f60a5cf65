// The sealed copy of a key's secret, for reveal and inject, or why there is none: a production key
// generated here (its secret was never stored), or, on a team store, a key whose sealed secret the
// database hides from this member (an issuer reads only its own test keys' secrets: migration 002).
import { conflict, KeysmithError } from '../errors';
import { isRetrievable } from '../keys/keyState';
import type { KeyRecord } from '../store/types';
import type { CoreContext } from './context';

/** Roles whose login reads every sealed secret: a missing one is not a matter of rights for them. */
const READS_EVERY_SECRET = new Set(['owner', 'admin']);

export async function requireSealed(
  context: CoreContext,
  key: KeyRecord,
  notRetrievable: string,
): Promise<NonNullable<KeyRecord['sealed']>> {
  if (isRetrievable(key) && key.sealed !== undefined) return key.sealed;
  if (isRetrievable(key)) {
    // Retrievable, so stored sealed: the store left it out because this member may not read it. Said
    // so, never "not retrievable", which would send the member to regenerate another's key.
    const { role } = await context.store.members.current();
    if (!READS_EVERY_SECRET.has(role)) {
      throw new KeysmithError(
        'FORBIDDEN_ROLE',
        `Your role (${role}) does not allow reading the secret of the key "${key.name}"` +
          (role === 'issuer' ? ': an issuer reads only the secrets of the test keys it created.' : '.'),
      );
    }
  }
  throw conflict('NOT_RETRIEVABLE', notRetrievable);
}
