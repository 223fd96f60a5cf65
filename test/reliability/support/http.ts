// A raw HTTP client for attacking the daemon: unlike fetch, node:http lets a test set any Host,
// Origin or Authorization header and send bytes that are not JSON. Every answer is read whole and
// parsed when it is JSON, so tests can assert on the API's error shape.
import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: any;
  text: string;
}

export interface RequestOptions {
  /** Bearer token; `null` sends no Authorization header. */
  token?: string | null;
  /** A JSON value to send, serialised with JSON.stringify. */
  json?: unknown;
  /** Bytes sent as they are (with `contentType`, default application/json). */
  raw?: string | Buffer;
  contentType?: string;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length), in 1 KiB chunks. */
  chunked?: boolean;
  /** Extra or overriding headers (`host` replaces the default: `localhost` on the socket, `127.0.0.1:<port>` on TCP). */
  headers?: Record<string, string>;
  agent?: http.Agent;
  /** The daemon's TCP port (health and verify) instead of its admin socket. */
  tcp?: boolean;
}

export interface Target {
  port: number;
  token: string;
  /** The admin socket; requests go there unless `tcp` is set (or the target has none). */
  socket?: string;
}

export function send(target: Target, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const socketPath = options.tcp ? undefined : target.socket;
  const headers: Record<string, string> = { host: socketPath ? 'localhost' : `127.0.0.1:${target.port}` };
  const token = options.token === undefined ? target.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(Buffer.byteLength(payload));
  }
  Object.assign(headers, options.headers);
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(
      { ...(socketPath ? { socketPath } : { host: '127.0.0.1', port: target.port }), method, path, headers, agent: options.agent ?? false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parseJson(text), text });
        });
      },
    );
    request.on('error', reject);
    if (payload !== undefined && options.chunked) {
      const bytes = Buffer.from(payload);
      for (let offset = 0; offset < bytes.length; offset += 1024) request.write(bytes.subarray(offset, offset + 1024));
    } else if (payload !== undefined) request.write(payload);
    request.end();
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A keep-alive agent for load tests: `sockets` connections reused across requests. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

const SECRET_FIELDS = new Set(['secret', 'key', 'token', 'authorization', 'sealed', 'secretHash', 'before', 'after']);

/**
 * The answer for a failure message: status and body with every secret-bearing field redacted, so a
 * failing test never prints a secret (a create that should have been refused answers with one).
 */
export function describeAnswer(answer: Answer, maxLength = 300): string {
  const body = answer.body === undefined ? answer.text : redactSecrets(answer.body);
  return `${answer.status} ${body.slice(0, maxLength)}`;
}

/** JSON text of a request or response body with every secret-bearing field replaced by `[redacted]`. */
export function redactSecrets(value: unknown): string {
  return JSON.stringify(value, (field, inner) => (SECRET_FIELDS.has(field) && typeof inner === 'string' ? '[redacted]' : inner)) ?? 'undefined';
}
