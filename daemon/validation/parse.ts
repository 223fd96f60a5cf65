// Turns a zod failure into VALIDATION_FAILED (a 400): `details` maps each bad field's dotted path to a sentence
// saying what is wrong and what is accepted. Received values are never echoed (they may be secrets);
// an unknown field is named only when its name does not look like one (see echo.ts).
import type { z } from 'zod';
import { KeysmithError } from '../errors';
import { showable } from './echo';

export function validate<T extends z.ZodType>(schema: T, input: unknown, what = 'request body'): z.output<T> {
  // A JSON `null` body is a body (and refused by object schemas), not the absence of one.
  const result = schema.safeParse(input === undefined && what !== 'request body' ? {} : input);
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  let withheld = 0;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        // A field name is named back (a typo is found at a glance) unless it looks like a pasted secret.
        const shown = showable(key);
        const field = shown ?? `(unknown field ${++withheld}, name not repeated: it looks like a secret)`;
        details[[...issue.path, field].join('.')] ??=
          shown === undefined ? `this is not a field of this ${what}` : `"${shown}" is not a field of this ${what}`;
      }
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    details[field] ??= issue.code === 'invalid_type' && issue.path.length === 0 ? `the ${what} must be a JSON object` : issue.message;
  }
  const fields = Object.keys(details).join(', ');
  throw new KeysmithError('VALIDATION_FAILED', `Some fields of the ${what} are not valid: ${fields}.`, details);
}
