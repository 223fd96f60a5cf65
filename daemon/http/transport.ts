// Which listener a request came in on. The admin socket (in the private data dir) serves the whole API;
// the TCP port on 127.0.0.1 serves app servers: GET /v1/health and POST /v1/verify with verify tokens.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { HttpError } from './errors';

const adminConnections = new WeakSet<Socket>();

/** Marks every connection `server` accepts as an admin-socket connection. */
export function serveAsAdminSocket(server: Server): void {
  server.on('connection', (socket: Socket) => adminConnections.add(socket));
}

export function arrivedOnAdminSocket(req: IncomingMessage): boolean {
  return adminConnections.has(req.socket);
}

/** What the TCP port serves; everything else is on the admin socket only. */
export function servedOnTcp(req: IncomingMessage): boolean {
  const path = req.url?.split('?', 1)[0];
  return (req.method === 'GET' && path === '/v1/health') || (req.method === 'POST' && path === '/v1/verify');
}

export const adminOnSocketOnly = () =>
  new HttpError(
    403,
    'ADMIN_SOCKET_ONLY',
    'The TCP port serves only GET /v1/health and POST /v1/verify (with a verify token); ' +
      'the admin API is on the Unix socket named in daemon.json ("socket").',
  );

export const adminTokenOnTcp = () =>
  new HttpError(
    403,
    'ADMIN_TOKEN_ON_TCP',
    'The admin token is not accepted on the TCP port: use a verify-only token ' +
      '(POST /v1/tokens) here, and the Unix socket named in daemon.json for anything else.',
  );
