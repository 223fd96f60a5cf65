// Verify (also served by the fast path in server.ts; this route keeps createApp complete on its own),
// verify-only tokens, and the audit log.
import { Router } from 'express';
import type { Core } from '../core/createCore';
import { actorOf } from '../http/middleware';
import { validate } from '../validation/parse';
import { auditQuerySchema, tokenCreateSchema } from '../validation/schemas';

export function accessRoutes(core: Core): Router {
  const router = Router();
  router.post('/v1/verify', (req, res) => {
    res.json(core.verification.verify(req.body, actorOf(res), req.socket.remoteAddress));
  });
  router.get('/v1/tokens', async (_req, res) => {
    res.json({ items: await core.tokens.list() });
  });
  router.post('/v1/tokens', async (req, res) => {
    const { name } = validate(tokenCreateSchema, req.body);
    res.status(201).json(await core.tokens.create(name, actorOf(res)));
  });
  router.delete('/v1/tokens/:id', async (req, res) => {
    await core.tokens.delete(req.params.id, actorOf(res));
    res.status(204).end();
  });
  router.get('/v1/audit', async (req, res) => {
    const query = validate(auditQuerySchema, req.query, 'query');
    await core.audit.flushBursts();
    res.json({ items: await core.context.store.audit.query(query) });
  });
  return router;
}
