// The one security middleware set, mounted once ahead of every route: Host and Origin, then the bearer
// token (verify-only tokens reach POST /v1/verify and nothing else), then JSON-only bodies up to 64 KiB.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Actor } from '../core/context';
import { HttpError } from './errors';
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

/**
 * The checks every request passes before its body is read, in this order: Host and Origin, then the
 * bearer token (none on the public paths), then the content type. The refusal, or the actor (undefined
 * on a public path). Shared with the fast paths (fastCreate.ts), which must refuse exactly the same.
 */
export function admitRequest(req: IncomingMessage, path: string, auth: Authenticator): HttpError | { actor: Actor | undefined } {
  const refused = checkTransport(req);
  if (refused) return refused;
  let actor: Actor | undefined;
  if (!(req.method === 'GET' && PUBLIC_PATHS.has(path))) {
    actor = auth.authenticate(req.headers.authorization);
    if (!actor) return unauthorized();
    if (actor.role === 'admin' && !arrivedOnAdminSocket(req)) return adminTokenOnTcp();
    if (actor.role === 'verify' && !(req.method === 'POST' && path === VERIFY_PATH)) return verifyTokenRefused();
  }
  return checkContentType(req) ?? { actor };
}

export function securityMiddleware(auth: Authenticator): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    const admitted = admitRequest(req, req.path, auth);
    if (admitted instanceof HttpError) return next(admitted);
    if (admitted.actor) res.locals.actor = admitted.actor;
    req.body = await readJsonBody(req);
    next();
  };
}
