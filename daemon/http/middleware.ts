// The one security middleware set, mounted once ahead of every route: Host and Origin, then the bearer
// token (verify-only tokens reach POST /v1/verify and nothing else), then JSON-only bodies up to 64 KiB.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../core/context';
import { checkContentType, checkTransport, unauthorized, verifyTokenRefused } from './guards';
import { readJsonBody } from './jsonBody';
import { SECURITY_HEADERS } from './respond';
import { adminTokenOnTcp, arrivedOnAdminSocket } from './transport';

export interface Authenticator {
  authenticate(header: string | undefined): Actor | undefined;
}

const PUBLIC_PATHS = new Set(['/v1/health']);
export const VERIFY_PATH = '/v1/verify';

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

export function securityMiddleware(auth: Authenticator): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    const refused = checkTransport(req);
    if (refused) return next(refused);
    if (!(req.method === 'GET' && PUBLIC_PATHS.has(req.path))) {
      const actor = auth.authenticate(req.headers.authorization);
      if (!actor) return next(unauthorized());
      if (actor.role === 'admin' && !arrivedOnAdminSocket(req)) return next(adminTokenOnTcp());
      if (actor.role === 'verify' && !(req.method === 'POST' && req.path === VERIFY_PATH)) return next(verifyTokenRefused());
      res.locals.actor = actor;
    }
    const badType = checkContentType(req);
    if (badType) return next(badType);
    req.body = await readJsonBody(req);
    next();
  };
}
