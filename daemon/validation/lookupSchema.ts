// The body of POST /v1/keys/lookup: SHA-256 hashes of keys a scanner found, never the keys themselves.
import { z } from 'zod';
import { MAX_LOOKUP_HASHES } from '../../common/lookupLimits';

export { MAX_LOOKUP_HASHES } from '../../common/lookupLimits';

const hash = z
  .string({ error: 'a hash must be a string' })
  .regex(/^[0-9a-f]{64}$/, { error: 'a hash is the SHA-256 of a key as 64 lower-case hex characters' });

export const keyLookupSchema = z.strictObject({
  hashes: z
    .array(hash, { error: `hashes must be an array of up to ${MAX_LOOKUP_HASHES} SHA-256 hex strings` })
    .max(MAX_LOOKUP_HASHES, { error: `hashes accepts at most ${MAX_LOOKUP_HASHES} entries per request; send the rest in another request` }),
});

export type KeyLookupInput = z.output<typeof keyLookupSchema>;
