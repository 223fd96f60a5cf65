// The one HTTP client of the suites and the bench. node:http rather than fetch, because tests must set
// any Host, Origin or Authorization header, send bytes that are not JSON (or chunked, without a length)
// and reuse connections through a keep-alive agent. Admin calls go to the daemon's Unix socket; `tcp`
// sends to its 127.0.0.1 port, which serves only health and verify.
import http from 'node:http';

export interface Answer<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON; the text itself when it is not JSON; undefined when empty. */
  body: T;
  /** The body as received, for scanning answers for secrets. */
  text: string;
}

export interface SendOptions {
  /** Bearer token; default the target's token; `null` sends no Authorization header. */
  token?: string | null;
  /** A JSON value to send, serialised with JSON.stringify (content type application/json). */
  json?: unknown;
  /** Bytes sent as they are. */
  raw?: string | Buffer;
  /** Content type of a body; default application/json; `null` sends none. */
  contentType?: string | null;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length), in 1 KiB chunks. */
  chunked?: boolean;
  /** Extra or overriding headers (`host` replaces the default: `localhost` on the socket, `127.0.0.1:<port>` on TCP). */
  headers?: Record<string, string>;
  /** Default: a new connection per request. */
  agent?: http.Agent;
  /** The daemon's TCP port (health and verify) instead of its admin socket. */
  tcp?: boolean;
}

/** Where a request goes: the admin socket unless `tcp` is set or there is none, else 127.0.0.1:<port>. */
export interface Target {
  port: number;
  token: string;
  socket?: string;
}

export function send<T = any>(target: Target, method: string, path: string, options: SendOptions = {}): Promise<Answer<T>> {
  const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const socketPath = options.tcp ? undefined : target.socket;
  const headers: Record<string, string> = { host: socketPath ? 'localhost' : `127.0.0.1:${target.port}` };
  const token = options.token === undefined ? target.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    else if (options.headers?.['transfer-encoding'] === undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  }
  Object.assign(headers, options.headers);
  return new Promise<Answer<T>>((resolve, reject) => {
    const request = http.request(
      { ...(socketPath ? { socketPath } : { host: '127.0.0.1', port: target.port }), method, path, headers, agent: options.agent ?? false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: parseBody(text) as T, text });
        });
      },
    );
    // The daemon may answer (413) and close before reading a large body; the answer is what matters.
    request.on('error', reject);
    if (payload !== undefined && options.chunked) {
      const bytes = Buffer.from(payload);
      for (let offset = 0; offset < bytes.length; offset += 1024) request.write(bytes.subarray(offset, offset + 1024));
    } else if (payload !== undefined) request.write(payload);
    request.end();
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Like `send` with a JSON body, but any status other than `expected` throws, naming the API's error code. */
export async function sendExpecting<T = any>(
  target: Target,
  expected: number,
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<T> {
  const answer = await send<T>(target, method, path, options);
  if (answer.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${describeAnswer(answer)}`);
  return answer.body;
}

/** A keep-alive agent for load: up to `sockets` connections, reused across requests. */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

const SECRET_FIELDS = new Set(['secret', 'key', 'token', 'authorization', 'sealed', 'secretHash', 'before', 'after']);

/**
 * The answer for a failure message: status and body with every secret-bearing field redacted, so a
 * failing test never prints a secret (a create that should have been refused answers with one).
 */
export function describeAnswer(answer: Answer, maxLength = 300): string {
  const body = answer.body === undefined || typeof answer.body === 'string' ? answer.text : redactSecrets(answer.body);
  return `${answer.status} ${body.slice(0, maxLength)}`;
}

/** JSON text of a request or response body with every secret-bearing field replaced by `[redacted]`. */
export function redactSecrets(value: unknown): string {
  return (
    JSON.stringify(value, (field, inner) => (SECRET_FIELDS.has(field) && typeof inner === 'string' ? '[redacted]' : inner)) ?? 'undefined'
  );
}
