import { Router } from 'express';
import type { Core } from '../core/createCore';
import { actorOf } from '../http/middleware';
import { INJECTION_PRESETS } from '../inject/kitPresets';
import type { InjectPresetList } from '../protocol';
import { validate } from '../validation/parse';
import { injectSchema } from '../validation/schemas';

export function injectRoutes(core: Core): Router {
  const router = Router();
  router.get('/v1/inject/presets', (_req, res) => {
    const list: InjectPresetList = { items: [...INJECTION_PRESETS] };
    res.json(list);
  });
  router.post('/v1/inject/preview', async (req, res) => {
    res.json({ results: await core.injection.preview(validate(injectSchema, req.body)) });
  });
  router.post('/v1/inject', async (req, res) => {
    res.json({ results: await core.injection.inject(validate(injectSchema, req.body), actorOf(res)) });
  });
  return router;
}
