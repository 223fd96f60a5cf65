import { Router } from 'express';
import type { Core } from '../core/createCore';
import { actorOf } from '../http/middleware';
import { validate } from '../validation/parse';
import { serviceCreateSchema, servicePatchSchema } from '../validation/schemas';

export function serviceRoutes(core: Core): Router {
  const router = Router();
  router.get('/v1/services', (_req, res) => {
    res.json({ items: core.catalog.list() });
  });
  router.post('/v1/services', async (req, res) => {
    res.status(201).json(await core.catalog.create(validate(serviceCreateSchema, req.body), actorOf(res)));
  });
  router.patch('/v1/services/:id', async (req, res) => {
    res.json(await core.catalog.patch(req.params.id, validate(servicePatchSchema, req.body), actorOf(res)));
  });
  router.delete('/v1/services/:id', async (req, res) => {
    await core.catalog.delete(req.params.id, actorOf(res));
    res.status(204).end();
  });
  return router;
}
