// A request the Express path refuses before any route (no or bad token, a verify token on an admin
// route, an Origin, a body that is not JSON) must cost its headers and nothing more: the daemon answers
// in the API's error shape and closes the connection, instead of reading and discarding a 2 GiB upload
// while everyone else's verify waits.
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { useTestDaemon } from '../support/hooks';
import type { TestDaemon } from '../support/inProcessDaemon';

const DECLARED = 2 * 1024 ** 3; // what the client claims it will send
const BUDGET = 64 * 1024 ** 2; // what it actually tries to send before giving up
const CHUNK = Buffer.alloc(1024 ** 2, 0x20); // blanks: valid JSON whitespace, if anyone parsed it

interface Upload {
  /** The raw answer: status line, headers and body. */
  answer: string;
  /** The daemon ended the connection before the client had sent its whole budget. */
  closedByDaemon: boolean;
  /** Bytes the daemon's socket read (headers and body), counted on the daemon's side. */
  daemonRead: number;
}

type Door = 'socket' | 'tcp';

/**
 * Sends headers declaring a 2 GiB body, then blanks in 1 MiB writes until the daemon hangs up or BUDGET is
 * sent; through the admin socket, or the loopback port app servers use.
 */
function upload(daemon: TestDaemon, door: Door, method: string, path: string, headers: Record<string, string>): Promise<Upload> {
  const listener = door === 'socket' ? daemon.server.socketServer : daemon.server.server;
  const served = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  return new Promise((resolve, reject) => {
    const socket = door === 'socket' ? connect(daemon.socket) : connect(daemon.port, '127.0.0.1');
    const host = door === 'socket' ? 'localhost' : `127.0.0.1:${daemon.port}`;
    const received: Buffer[] = [];
    let closedByDaemon = false;
    let sent = 0;
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('end', () => (closedByDaemon = sent < BUDGET));
    socket.on('error', () => (closedByDaemon = sent < BUDGET)); // EPIPE/ECONNRESET: the daemon hung up mid-upload
    socket.on('close', () => {
      void served.then((daemonSocket) =>
        resolve({ answer: Buffer.concat(received).toString('utf8'), closedByDaemon, daemonRead: daemonSocket.bytesRead }),
      );
    });
    socket.on('connect', () => {
      const head = Object.entries({ host, 'content-type': 'application/json', 'content-length': String(DECLARED), ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n`);
      const pump = () => {
        while (sent < BUDGET && !socket.destroyed) {
          sent += CHUNK.length;
          if (!socket.write(CHUNK)) return void socket.once('drain', pump);
        }
        // Budget spent with the connection still open: the daemon is reading it all. Stop here.
        if (!socket.destroyed) socket.end();
      };
      pump();
    });
    setTimeout(() => reject(new Error('no answer within 15 s')), 15_000).unref();
  });
}

/** The first answer on the connection (anything after it would be a second answer). */
function firstAnswer(raw: string): { status: number; headers: string; body: any } {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, headEnd).toLowerCase();
  const length = Number(/\r\ncontent-length: (\d+)/.exec(head)?.[1] ?? 0);
  const body = raw.slice(headEnd + 4, headEnd + 4 + length);
  return { status: Number(head.split(' ')[1]), headers: `${head}\r\n`, body: body === '' ? undefined : JSON.parse(body) };
}

describe('reliability: a refused request does not read its body', function () {
  const daemon = useTestDaemon();
  let verifyToken: string;
  before(async function () {
    verifyToken = (await daemon.request('POST', '/v1/tokens', { name: 'app server', role: 'verify' })).body.token;
  });

  const cases: Array<
    [what: string, door: Door, method: string, path: string, headers: () => Record<string, string>, status: number, code: string]
  > = [
    ['no token', 'socket', 'POST', '/v1/keys', () => ({}), 401, 'UNAUTHORIZED'],
    ['a wrong token', 'socket', 'POST', '/v1/keys', () => ({ authorization: 'Bearer not-the-token' }), 401, 'UNAUTHORIZED'],
    ['no token, on a path that does not exist', 'socket', 'PUT', '/v1/nothing-here', () => ({}), 401, 'UNAUTHORIZED'],
    [
      'a verify token on an admin route',
      'socket',
      'POST',
      '/v1/keys',
      () => ({ authorization: `Bearer ${verifyToken}` }),
      403,
      'FORBIDDEN_TOKEN',
    ],
    [
      'an Origin header',
      'socket',
      'POST',
      '/v1/keys',
      () => ({ origin: 'https://evil.example', authorization: `Bearer ${daemon.token}` }),
      403,
      'FORBIDDEN_ORIGIN',
    ],
    [
      'a body that is not JSON',
      'socket',
      'POST',
      '/v1/keys',
      () => ({ 'content-type': 'text/plain', authorization: `Bearer ${daemon.token}` }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['no token, on verify over TCP', 'tcp', 'POST', '/v1/verify', () => ({}), 401, 'UNAUTHORIZED'],
    [
      'a verify token, on an admin route over TCP',
      'tcp',
      'POST',
      '/v1/keys',
      () => ({ authorization: `Bearer ${verifyToken}` }),
      403,
      'ADMIN_SOCKET_ONLY',
    ],
  ];
  for (const [what, door, method, path, headers, status, code] of cases) {
    it(`answers ${status} ${code} to a 2 GiB upload with ${what}, and hangs up instead of reading it`, async function () {
      const result = await upload(daemon, door, method, path, headers());
      const answer = firstAnswer(result.answer);
      assert.equal(answer.status, status, result.answer.slice(0, 300));
      assert.equal(answer.body?.error?.code, code);
      assert.match(answer.headers, /\r\nconnection: close\r\n/);
      assert.ok(result.closedByDaemon, 'the daemon should close the connection before the upload is over');
      assert.ok(result.daemonRead < BUDGET / 4, `the daemon read ${result.daemonRead} bytes of a refused upload`);
    });
  }

  it('still keeps the connection of a refused request that has no body', async function () {
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<[number, string | undefined]>((resolve, reject) => {
        get({ socketPath: daemon.socket, headers: { host: 'localhost' }, path: '/v1/keys', agent }, (res) => {
          res.resume();
          resolve([res.statusCode ?? 0, res.headers.connection]);
        }).on('error', reject);
      });
      assert.deepEqual(status, [401, 'keep-alive']);
    } finally {
      agent.destroy();
    }
  });
});
