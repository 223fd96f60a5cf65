// The single error handler and the JSON 404. Known refusals (KeysmithError, HttpError among them) become
// the API's error shape, with the status errorStatus.ts gives their code; anything else is a 500 with a
// generic message, logged by name and stack only (never the request body, which may hold a secret).
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { SealError } from '../keys/sealing';
import { KeysmithError } from '../errors';
import type { ErrorCode } from '../protocol';
import { StoreWriteError } from '../store/errors';
import { HttpError } from './errors';
import { asHttpError } from './errorStatus';
import { hasBody } from './guards';
import { sendError } from './respond';

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message) => console.error(message),
};

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  // The path is not repeated: a caller may have put a secret in it.
  next(new HttpError(404, 'NOT_FOUND', `No endpoint answers ${req.method} on this path; see API.md for the v1 endpoints.`));
}

const refusal = (code: ErrorCode, message: string) => asHttpError(new KeysmithError(code, message));

export function toHttpError(error: unknown, logger: Logger, where: string): HttpError {
  if (error instanceof KeysmithError) return asHttpError(error);
  if (error instanceof SealError) {
    logger.error(`${where}: ${error.message}`);
    return refusal('SEALED_SECRET_DAMAGED', 'The stored copy of this secret cannot be unsealed: it was altered or the master key changed.');
  }
  if (error instanceof StoreWriteError) {
    // Its message names the file and the disk's complaint (full, read-only...), never store content.
    logger.error(`${where}: ${error.message}`);
    return refusal('STORE_WRITE_FAILED', error.message);
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Raised by Express itself (e.g. a malformed URL); its message holds no secret.
    return new HttpError(status, 'BAD_REQUEST', 'The request could not be understood.');
  }
  const described = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  logger.error(`${where}: unexpected error: ${described}`);
  return refusal('INTERNAL', 'The daemon hit an unexpected error; nothing was changed. Details are in its log.');
}

/**
 * A refusal answered before the body was read to its end (401, 403, 415 come ahead of reading; 413
 * stops reading): the connection is closed after the answer. Kept open, Node would read and discard
 * the rest of the upload, 2 GiB if the client says so, to reach the next request.
 */
export function bodyLeftUnread(req: IncomingMessage): boolean {
  return hasBody(req) && !req.complete;
}

export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    // Logged by route pattern (`/v1/keys/:id`), never the path as received: ids may be pasted secrets.
    const route = typeof req.route?.path === 'string' ? req.route.path : '(no route)';
    const httpError = toHttpError(error, logger, `${req.method} ${route}`);
    sendError(res, httpError, httpError.status === 413 || bodyLeftUnread(req));
  };
}
