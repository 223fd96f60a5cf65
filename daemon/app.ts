// The Express application as a value (only server.ts listens): security middleware once, HTTP-only
// routes, a JSON 404, one error handler.
import express, { type Express } from 'express';
import type { Core } from './core/createCore';
import { consoleLogger, errorHandler, notFoundHandler, type Logger } from './http/errorHandler';
import { securityMiddleware } from './http/middleware';
import { accessRoutes } from './routes/access';
import { healthRoutes } from './routes/health';
import { injectRoutes } from './routes/inject';
import { keyRoutes } from './routes/keys';
import { openApiRoutes } from './routes/openapi';
import { lookupRoutes } from './routes/lookup';
import { memberRoutes } from './routes/members';
import { serviceRoutes } from './routes/services';

export interface AppDeps {
  core: Core;
  logger?: Logger;
}

export function createApp({ core, logger = consoleLogger }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityMiddleware(core.tokens));
  // Keys first: the busiest routes (creates) then skip the other routers' matching. No two routers
  // share a path, so the order changes nothing else.
  app.use(keyRoutes(core));
  app.use(healthRoutes(core.tokens, core.context.store));
  app.use(serviceRoutes(core));
  app.use(lookupRoutes(core));
  app.use(injectRoutes(core));
  app.use(accessRoutes(core));
  app.use(memberRoutes(core.context.store.members));
  app.use(openApiRoutes());
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
