// An impostor: a local process that took over where a crashed daemon listened (its freed TCP port, or
// its socket path) and answers like the daemon: `/v1/health` -> {"status":"ok"}, verify -> valid. It
// records every request whole (method, path, headers, body), so a test can prove what it never received.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Squatter {
  /** Each request as text: request line, headers and body. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function squat(where: { port: number } | { socket: string }, version: string): Promise<Squatter> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('utf8')}`);
      const body = req.url?.startsWith('/v1/health')
        ? { status: 'ok', version }
        : { valid: true, keyId: 'key_fake', serviceId: 'cloudmc', environment: 'production', permissions: [] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('port' in where) server.listen(where.port, '127.0.0.1', resolve);
    else server.listen(where.socket, resolve);
  });
  if ('port' in where && (server.address() as AddressInfo).port !== where.port) throw new Error('squatter on the wrong port');
  return {
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
