import { Router } from 'express';
import type { Core } from '../core/createCore';
import { lookupKeysByHash } from '../core/keyHashLookup';
import { validate } from '../validation/parse';
import { keyLookupSchema } from '../validation/lookupSchema';

/** `POST /v1/keys/lookup {"hashes":[...]}`: key views for known secret hashes (admin token only). */
export function lookupRoutes(core: Core): Router {
  const router = Router();
  router.post('/v1/keys/lookup', async (req, res) => {
    const { hashes } = validate(keyLookupSchema, req.body);
    res.json(await lookupKeysByHash(core.context.store.keys, core.context.clock.now(), hashes));
  });
  return router;
}
