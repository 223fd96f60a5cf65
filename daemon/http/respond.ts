// Writing responses with plain node:http, for the fast path and the error handler alike.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '../protocol';
import { HttpError } from './errors';

/** Headers on every answer: nothing cached, nothing sniffed, nothing a browser could render. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

const CACHE_CONTROL = SECURITY_HEADERS['cache-control']!;
const CONTENT_TYPE_OPTIONS = SECURITY_HEADERS['x-content-type-options']!;
const CONTENT_SECURITY_POLICY = SECURITY_HEADERS['content-security-policy']!;
const REFERRER_POLICY = SECURITY_HEADERS['referrer-policy']!;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** `text` must be JSON (the verify fast path's answer, serialised as it was built). */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  // One flat [name, value, ...] literal: node writes it as is, without building and checking a headers
  // object, and nothing is looped over or pushed per response (this runs on every verify).
  res.writeHead(status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(text)),
    'cache-control',
    CACHE_CONTROL,
    'x-content-type-options',
    CONTENT_TYPE_OPTIONS,
    'content-security-policy',
    CONTENT_SECURITY_POLICY,
    'referrer-policy',
    REFERRER_POLICY,
  ]);
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

/** What Node's parser refusals become, in the API's error shape (Node's own answers have no body). */
function parserRefusal(code: string | undefined): HttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(
        431,
        'HEADERS_TOO_LARGE',
        'The request headers are larger than the 16 KiB accepted; a Keysmith token is under 300 characters.',
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return tooLargeChunkExtensions();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(408, 'REQUEST_TIMEOUT', 'The request was not received in time; send it again.');
    default:
      return new HttpError(400, 'BAD_REQUEST', 'The request is not valid HTTP/1.1; nothing was done.');
  }
}

const tooLargeChunkExtensions = () => new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The chunk extensions of the request body are too large.');

/**
 * The server's 'clientError' handler: a request Node's HTTP parser refused (oversized headers, bad
 * syntax, timeout) gets the same error shape and security headers as every other error, then the
 * connection closes. Like Node's default, nothing is written when a response already started on it.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || (inFlight && inFlight.headersSent)) {
    socket.destroy();
    return;
  }
  const refusal = parserRefusal(error.code);
  const text = JSON.stringify(errorBody(refusal));
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    'connection: close',
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}
