// Writing responses with plain node:http, for the fast path and the error handler alike.
import type { ServerResponse } from 'node:http';
import type { ErrorBody } from '../protocol';
import { HttpError } from './errors';

/** Headers on every answer: nothing cached, nothing sniffed, nothing a browser could render. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const SECURITY_HEADER_PAIRS = Object.entries(SECURITY_HEADERS);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // A flat [name, value, ...] list: node writes it as is, without building and checking a headers object.
  const headers: string[] = ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(text))];
  for (const [name, value] of SECURITY_HEADER_PAIRS) headers.push(name, value);
  res.writeHead(status, headers);
  res.end(text);
}

export function errorBody(error: HttpError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/**
 * Sends an HttpError. When the request body was not read to the end (413), the connection is closed so
 * the rest of an oversized upload is not parsed as the next request.
 */
export function sendError(res: ServerResponse, error: HttpError, closeConnection = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (closeConnection) res.setHeader('connection', 'close');
  sendJson(res, error.status, errorBody(error));
}
