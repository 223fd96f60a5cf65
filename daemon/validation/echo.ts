// Received values are never repeated in an error (a user may paste a secret into any field). Two kinds
// of received text are still worth naming, because without them an error cannot say where the problem
// is: an unknown field name (a typo like `colour`) and a target file name (`config/.env`). Those are
// named only when they do not look like a secret; otherwise the error describes them by position.
import { containsKey } from '../keys/keyFormat';

/**
 * Whether received text looks like it could be a credential: a Keysmith key (checksum verified), or a
 * run of letters and digits that is long (24+) or mixes letters and digits over 12+ characters, which is
 * how API keys, tokens and hex digests look and how field and file names rarely do.
 */
export function looksLikeSecret(text: string): boolean {
  if (containsKey(text)) return true;
  for (const run of text.match(/[0-9A-Za-z]{12,}/g) ?? []) {
    if (run.length >= 24 || (/[0-9]/.test(run) && /[A-Za-z]/.test(run))) return true;
  }
  return false;
}

/** `text` when it is safe to show back, else undefined. */
export function showable(text: string): string | undefined {
  return looksLikeSecret(text) ? undefined : text;
}
