// HTTP/1.1 requires a Host header. A request without one is refused, like every other refusal, in the
// API's error shape with the security headers, saying which header is missing: not with Node's bare 400.
import assert from 'node:assert/strict';
import net from 'node:net';
import { expectStillServing } from './support/api';
import { useTestDaemon } from '../support/hooks';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` as is (no Host added, unlike every HTTP client) and reads the answer until the daemon closes. */
function sendRaw(port: number, head: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(head));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawHead = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = rawHead.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

describe('reliability: an HTTP/1.1 request without a Host header', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });

  for (const [what, head] of [
    ['GET /v1/health', 'GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n'],
    ['an admin route with the token', () => `GET /v1/keys HTTP/1.1\r\nAuthorization: Bearer ${daemon.token}\r\nConnection: close\r\n\r\n`],
    [
      'POST /v1/verify (the fast path)',
      'POST /v1/verify HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
    ],
  ] as const) {
    it(`answers 400 MISSING_HOST in the error shape, naming the header: ${what}`, async () => {
      const answer = await sendRaw(daemon.port, typeof head === 'function' ? head() : head);
      assert.equal(answer.status, 400, JSON.stringify(answer));
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/, JSON.stringify(answer));
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
      assert.equal(answer.headers['cache-control'], 'no-store');
      const error = JSON.parse(answer.body).error as { code: string; message: string };
      assert.equal(error.code, 'MISSING_HOST');
      assert.match(error.message, /Host header/);
      assert.ok(!answer.body.includes(daemon.token), 'the token was echoed');
      await expectStillServing(daemon);
    });
  }
});
