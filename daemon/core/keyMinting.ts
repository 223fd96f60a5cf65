// Turning a secret into what is stored about it: hash, hint, reference and, for retrievable keys, a
// sealed copy bound to the key id. The secret itself leaves this module only in the SecretMaterial
// returned to the one response allowed to carry it.
import type { Environment, SecretMaterial, Service } from '../protocol';
import { secretMaterial } from '../keys/authorization';
import { sha256Hex } from '../keys/hashing';
import { generateReference, generateSecret, hintOf, newId } from '../keys/keyFormat';
import type { Sealer } from '../keys/sealing';

export interface MintedSecret {
  id: string;
  reference: string;
  secretHash: string;
  hint: string;
  sealed?: string;
  material: SecretMaterial;
}

/** Stores a secret's facts; seals it only when `retrievable`. */
export function describeSecret(
  sealer: Sealer,
  service: Service,
  secret: string,
  options: { id?: string; reference?: string; retrievable: boolean },
): MintedSecret {
  const id = options.id ?? newId('key');
  const reference = options.reference ?? generateReference(service.prefix);
  const minted: MintedSecret = {
    id,
    reference,
    secretHash: sha256Hex(secret),
    hint: hintOf(secret),
    material: secretMaterial(service.scheme, reference, secret),
  };
  if (options.retrievable) minted.sealed = sealer.seal(secret, id);
  return minted;
}

/** A fresh generated secret; sealed for the test environment, hash-only for production. */
export function mintSecret(sealer: Sealer, service: Service, environment: Environment): MintedSecret {
  const secret = generateSecret(service.prefix, environment);
  return describeSecret(sealer, service, secret, { retrievable: environment === 'test' });
}
