// Request checks shared by the Express app and the verify fast path, as plain functions over node's
// IncomingMessage so both paths refuse exactly the same requests with exactly the same errors.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * DNS rebinding defence: a page on evil.example resolving to 127.0.0.1 still sends `Host: evil.example`.
 * Only the loopback names with the port this socket actually listens on are accepted.
 */
export function checkHost(req: IncomingMessage): HttpError | undefined {
  const port = req.socket.localPort;
  const host = req.headers.host;
  if (host === `127.0.0.1:${port}` || host === `localhost:${port}`) return undefined;
  return new HttpError(403, 'FORBIDDEN_HOST', `The Host header must be 127.0.0.1:${port} or localhost:${port}.`);
}

/** Browsers send Origin on cross-site requests; no web page may drive the daemon, so any Origin is refused. */
export function checkOrigin(req: IncomingMessage): HttpError | undefined {
  if (req.headers.origin === undefined) return undefined;
  return new HttpError(403, 'FORBIDDEN_ORIGIN', 'Requests from web pages (with an Origin header) are not accepted by the Keysmith daemon.');
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Bodies must be JSON; a request without a body (e.g. POST .../revoke) needs no content type. */
export function checkContentType(req: IncomingMessage): HttpError | undefined {
  if (!hasBody(req)) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return undefined;
  return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be JSON, sent with Content-Type: application/json.');
}

export function checkDeclaredLength(req: IncomingMessage): HttpError | undefined {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > MAX_BODY_BYTES ? tooLarge() : undefined;
}

export function tooLarge(): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`);
}

export const unauthorized = () =>
  new HttpError(401, 'UNAUTHORIZED', 'Send Authorization: Bearer <token>, with the token from daemon.json or a verify token.');

export const verifyTokenRefused = () =>
  new HttpError(403, 'FORBIDDEN_TOKEN', 'This verify-only token may call POST /v1/verify and nothing else; use the admin token.');

/** Host and Origin checks, in the order every request goes through them. */
export function checkTransport(req: IncomingMessage): HttpError | undefined {
  return checkHost(req) ?? checkOrigin(req);
}
