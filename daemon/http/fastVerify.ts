// POST /v1/verify served straight from node:http, ahead of Express: the same guard functions as the
// middleware (Host, Origin, token, content type, size, forbidden keys), then a hash and a Map lookup.
// Express's router and response helpers cost more than the verify itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../core/createCore';
import { authenticateOnConnection } from './connectionAuth';
import { toHttpError, type Logger } from './errorHandler';
import { checkContentType, checkTransport, unauthorized } from './guards';
import { readJsonBody } from './jsonBody';
import { VERIFY_PATH } from './middleware';
import { sendError, sendJsonText } from './respond';
import { adminTokenOnTcp, arrivedOnAdminSocket } from './transport';

export function isFastVerify(req: IncomingMessage): boolean {
  return req.method === 'POST' && req.url === VERIFY_PATH;
}

export function fastVerifyHandler(core: Core, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const refused = checkTransport(req);
    if (refused) return sendError(res, refused, true);
    const actor = authenticateOnConnection(core.tokens, req);
    if (!actor) return sendError(res, unauthorized(), true);
    // The admin token belongs on the socket only; refusing it here keeps app servers from ever using it.
    if (actor.role === 'admin' && !arrivedOnAdminSocket(req)) return sendError(res, adminTokenOnTcp(), true);
    const badType = checkContentType(req);
    if (badType) return sendError(res, badType, true);
    // .catch after .then: an unexpected throw in verify must become a 500, not an unhandled rejection.
    readJsonBody(req)
      .then((body) => sendJsonText(res, 200, core.verification.verifyJson(body, actor, req.socket.remoteAddress)))
      .catch((error: unknown) => {
        const httpError = toHttpError(error, logger, 'POST /v1/verify');
        sendError(res, httpError, httpError.status === 413);
      });
  };
}
