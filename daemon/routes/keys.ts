import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/createCore';
import { actorOf } from '../http/middleware';
import { validate } from '../validation/parse';
import { keyCreateSchema, keyImportSchema, keyPatchSchema, keyQuerySchema, keyRegenerateSchema } from '../validation/schemas';

/** Action endpoints take no fields: an empty body or `{}`. */
const noFields = z.strictObject({}).optional();

export function keyRoutes(core: Core): Router {
  const router = Router();
  router.get('/v1/keys', async (req, res) => {
    res.json(await core.queries.list(validate(keyQuerySchema, req.query, 'query')));
  });
  router.post('/v1/keys', async (req, res) => {
    res.status(201).json(await core.commands.create(validate(keyCreateSchema, req.body), actorOf(res)));
  });
  router.post('/v1/keys/import', async (req, res) => {
    res.status(201).json({ key: await core.commands.import(validate(keyImportSchema, req.body), actorOf(res)) });
  });
  router.get('/v1/keys/:id', async (req, res) => {
    res.json(await core.queries.get(req.params.id));
  });
  router.patch('/v1/keys/:id', async (req, res) => {
    res.json(await core.commands.patch(req.params.id, validate(keyPatchSchema, req.body), actorOf(res)));
  });
  router.delete('/v1/keys/:id', async (req, res) => {
    await core.commands.delete(req.params.id, actorOf(res));
    res.status(204).end();
  });
  for (const transition of ['deactivate', 'reactivate', 'revoke'] as const) {
    router.post(`/v1/keys/:id/${transition}`, async (req, res) => {
      validate(noFields, req.body);
      res.json(await core.commands.transition(req.params.id, transition, actorOf(res)));
    });
  }
  router.post('/v1/keys/:id/regenerate', async (req, res) => {
    res
      .status(201)
      .json(
        await core.rotation.regenerate(req.params.id, validate(keyRegenerateSchema, req.body === undefined ? {} : req.body), actorOf(res)),
      );
  });
  router.post('/v1/keys/:id/reveal', async (req, res) => {
    validate(noFields, req.body);
    res.json(await core.queries.reveal(req.params.id, actorOf(res)));
  });
  return router;
}
