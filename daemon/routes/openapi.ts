// GET /v1/openapi.json: the API's OpenAPI 3.1 description, behind the admin token like every route but
// health (it names no secret, but a local page has no business mapping the daemon).
import { Router } from 'express';
import { buildOpenApiDocument } from '../openapi/document';

export function openApiRoutes(): Router {
  const router = Router();
  let document: unknown;
  router.get('/v1/openapi.json', (_req, res) => {
    // Built on first request, not at start: the daemon's start-up time stays what it was.
    document ??= buildOpenApiDocument();
    res.json(document);
  });
  return router;
}
