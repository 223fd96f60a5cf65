// The creates benches' client: POST /v1/keys over raw keep-alive connections to the daemon's admin
// Unix socket, one request in flight on each. Raw sockets, as the verify load client (loadClient.ts),
// because the client sits on the measured path: node:http's client used ~0.35 ms of CPU per create,
// about what a bare INSERT takes end to end, while the bare-INSERT baseline's own client (node-postgres)
// is part of its path too. A closed loop then measures the daemon, not the client in front of it.
import * as net from 'node:net';
import type { Environment, KeyCreate } from '../daemon/protocol';
import { readAnswer } from './rawAnswer';

export interface CreateClient {
  /** Creates key number `n` (even: a test key, odd: production); true when the daemon answered 201. */
  create(n: number): Promise<boolean>;
  close(): void;
}

interface Connection {
  socket: net.Socket;
  received: Buffer;
  answer: ((status: number) => void) | undefined;
}

/** `connections` connections opened now (before timing starts, as the daemon's own pool is warm). */
export async function openCreateClient(target: { socket: string; token: string }, connections: number): Promise<CreateClient> {
  const head = `POST /v1/keys HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${target.token}\r\nContent-Type: application/json\r\n`;
  const idle: Connection[] = await Promise.all(Array.from({ length: connections }, () => connect(target.socket)));
  const waiting: Array<(connection: Connection) => void> = [];
  const take = (): Promise<Connection> =>
    idle.length > 0 ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve));
  const give = (connection: Connection) => {
    const next = waiting.shift();
    if (next) next(connection);
    else idle.push(connection);
  };
  const all = [...idle];
  const replace = async (broken: Connection) => {
    const fresh = await connect(target.socket);
    all[all.indexOf(broken)] = fresh;
    return fresh;
  };
  return {
    async create(n) {
      const environment: Environment = n % 2 === 0 ? 'test' : 'production';
      const body: KeyCreate = { serviceId: 'payline', environment, name: `bench create ${n}` };
      const payload = Buffer.from(JSON.stringify(body));
      let connection = await take();
      // The daemon closes a connection left idle past its keep-alive timeout (5 s), as while the
      // baseline's phases run: a fresh one, or the request would be written into a closed socket.
      if (connection.socket.destroyed) connection = await replace(connection);
      const status = await new Promise<number>((resolve) => {
        connection.answer = resolve;
        connection.socket.write(Buffer.concat([Buffer.from(`${head}Content-Length: ${payload.length}\r\n\r\n`), payload]));
      });
      // A connection the daemon closed (or broke) is replaced, so the next create does not hang on it.
      give(connection.socket.destroyed ? await replace(connection) : connection);
      return status === 201;
    },
    close: () => {
      for (const connection of all) connection.socket.destroy();
    },
  };
}

function connect(socketPath: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    const connection: Connection = { socket, received: Buffer.alloc(0), answer: undefined };
    socket.once('error', reject);
    socket.once('connect', () => {
      // A broken connection fails the request in flight instead of hanging the phase.
      socket.on('error', () => settle(connection, 0, true));
      socket.on('close', () => settle(connection, 0, true));
      resolve(connection);
    });
    socket.on('data', (chunk: Buffer) => {
      connection.received = connection.received.length === 0 ? chunk : Buffer.concat([connection.received, chunk]);
      const answer = readAnswer(connection.received);
      if (answer === undefined) return;
      // An answer without a length is a failed create, not a hang.
      if (answer === 'unframed') return settle(connection, 0, true);
      connection.received = connection.received.subarray(answer.end);
      settle(connection, answer.status);
    });
  });
}

function settle(connection: Connection, status: number, broken = false): void {
  const answer = connection.answer;
  connection.answer = undefined;
  if (broken) connection.socket.destroy();
  answer?.(status);
}
