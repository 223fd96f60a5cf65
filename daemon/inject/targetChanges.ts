// What a target writes: which material goes to which path, and which of those values are secret
// (so a preview masks what used to be there).
import type { InjectTarget } from '../protocol';
import { KeysmithError } from '../errors';
import type { ValueChange } from './formats';
import { shownName } from './targetFile';

export interface InjectMaterial {
  reference: string;
  secret: string;
  authorization?: string;
}

export interface PlannedChange extends ValueChange {
  path: string;
  /** The value written is a secret (secret or Authorization header), not the public reference. */
  secret: boolean;
}

export function changesFor(target: InjectTarget, material: InjectMaterial): PlannedChange[] {
  switch (target.value) {
    case 'secret':
      return [{ path: target.path, value: material.secret, secret: true }];
    case 'reference':
      return [{ path: target.path, value: material.reference, secret: false }];
    case 'authorization':
      if (material.authorization === undefined) {
        throw new KeysmithError(
          'NO_AUTHORIZATION',
          `The target "${shownName(target.file)}" asks for an Authorization header, but this key's scheme has none; use "secret", "reference" or "pair".`,
          { value: 'authorization needs a service whose scheme is basic or bearer' },
        );
      }
      return [{ path: target.path, value: material.authorization, secret: true }];
    case 'pair':
      if (!target.referencePath) {
        throw new KeysmithError(
          'INVALID_TARGET',
          `The target "${shownName(target.file)}" writes a pair and needs "referencePath" (where the reference goes) next to "path" (where the secret goes).`,
          { referencePath: 'required when value is "pair"' },
        );
      }
      return [
        { path: target.referencePath, value: material.reference, secret: false },
        { path: target.path, value: material.secret, secret: true },
      ];
    default:
      throw new KeysmithError(
        'INVALID_TARGET',
        `The target "${shownName(String(target.file))}" has an unknown value; use secret, reference, authorization or pair.`,
        { value: 'one of secret, reference, authorization, pair' },
      );
  }
}
