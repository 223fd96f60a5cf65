import { Router } from 'express';
import type { Health } from '../protocol';
import { DAEMON_VERSION } from '../version';

export function healthRoutes(): Router {
  const router = Router();
  router.get('/v1/health', (_req, res) => {
    const body: Health = { status: 'ok', version: DAEMON_VERSION };
    res.json(body);
  });
  return router;
}
