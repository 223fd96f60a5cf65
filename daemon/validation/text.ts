// Rules for human-entered text (names, organisations, companies): NFC-normalised so the same name typed
// on two systems compares equal, and free of characters that make text display differently from what
// it is (bidi overrides, zero-width characters) or break logs and terminals (control characters), and
// free of Keysmith keys (recognised by their checksum): such text is stored, listed and audited in clear.
import { z } from 'zod';
import { containsKey } from '../keys/keyFormat';

// Bidi embeddings/overrides/isolates, zero-width space/joiners, word joiner, BOM.
const INVISIBLE_OR_BIDI = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\uFEFF]/u;
const CONTROL = /\p{Cc}/u;

/** Why text that would be stored in clear contains a Keysmith key, or undefined. Never repeats the key. */
export function keyInTextProblem(value: string): string | undefined {
  return containsKey(value)
    ? 'contains what looks like a Keysmith key (its checksum matches); text here is stored and shown in clear, so a key never goes in it. To keep an existing key, import it (POST /v1/keys/import)'
    : undefined;
}

export function textProblem(value: string): string | undefined {
  if (CONTROL.test(value)) return 'contains a control character (tab, newline, ...); use plain printable text';
  if (INVISIBLE_OR_BIDI.test(value)) {
    return 'contains an invisible or text-direction character (zero-width or bidi override); remove it';
  }
  return undefined;
}

/** A trimmed, NFC-normalised, printable string of 1..max characters. */
export function humanText(what: string, max = 200) {
  return z.string({ error: `${what} must be a string of 1 to ${max} characters` }).transform((raw, ctx) => {
    // Surrounding whitespace and a byte-order mark are paste artifacts: trimmed, not refused.
    const value = raw.normalize('NFC').trim();
    const problem = textProblem(value) ?? keyInTextProblem(value);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
      return z.NEVER;
    }
    if (value.length === 0 || value.length > max) {
      ctx.addIssue({ code: 'custom', message: `${what} must be 1 to ${max} characters long (got ${value.length})` });
      return z.NEVER;
    }
    return value;
  });
}

export const MAX_LIST_ENTRIES = 100;

/** A list of unique entries, at most MAX_LIST_ENTRIES. */
export function boundedList<T extends z.ZodType>(what: string, entry: T) {
  return z
    .array(entry, { error: `${what} must be an array` })
    .max(MAX_LIST_ENTRIES, { error: `${what} accepts at most ${MAX_LIST_ENTRIES} entries` })
    .transform((items) => [...new Set(items as unknown[])] as z.output<T>[]);
}
