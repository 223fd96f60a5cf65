// Request checks shared by the Express app and the verify fast path, as plain functions over node's
// IncomingMessage so both paths refuse exactly the same requests with exactly the same errors.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { arrivedOnAdminSocket } from './transport';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * DNS rebinding defence: a page on evil.example resolving to 127.0.0.1 still sends `Host: evil.example`.
 * Only the loopback names with the port this socket actually listens on are accepted.
 */
// The accepted Host values of the last port seen: a daemon listens on one port, so they are built once
// instead of two template strings per request.
let hostsPort: number | undefined;
let ipHost = '';
let nameHost = '';

export function checkHost(req: IncomingMessage): HttpError | undefined {
  // On the admin socket no browser can connect, but the same rule keeps one shape of request: curl
  // --unix-socket and node's http with socketPath both send `Host: localhost`.
  if (arrivedOnAdminSocket(req)) {
    return req.headers.host === 'localhost'
      ? undefined
      : new HttpError(403, 'FORBIDDEN_HOST', 'On the admin socket the Host header must be localhost.');
  }
  const port = req.socket.localPort;
  if (port !== hostsPort) {
    hostsPort = port;
    ipHost = `127.0.0.1:${port}`;
    nameHost = `localhost:${port}`;
  }
  const host = req.headers.host;
  if (host === ipHost || host === nameHost) return undefined;
  // HTTP/1.1 makes Host mandatory (RFC 9112 §3.2): a malformed request, not a foreign site. HTTP/1.0
  // has no such rule, so there a missing Host is simply not one of ours (403 below).
  if (host === undefined && req.httpVersion === '1.1') {
    return new HttpError(400, 'MISSING_HOST', `HTTP/1.1 requests must carry a Host header: 127.0.0.1:${port} or localhost:${port}.`);
  }
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
  const declared = req.headers['content-type'];
  if (declared === 'application/json') return undefined; // what nearly every client sends: no parsing
  if (!hasBody(req)) return undefined;
  const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
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
