// The daemon client when whatever answers on the daemon's socket is not the daemon: it must prove itself
// before the client sends the token, and an answer that is not JSON is a DaemonError the commands can
// report, never a call that waits forever. Needs no VS Code (runs under plain mocha too).
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { proofKey, proofOf } from '../../common/daemonProof';
import { DaemonClient, ImpostorError } from '../../extension/client';
import { DaemonError } from '../../extension/daemonErrors';

describe('Daemon client', () => {
  let server: Server | undefined;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'keysmith-client-'));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(answer: (req: IncomingMessage) => [number, string]): Promise<string> {
    const socket = path.join(dir, 'daemon.sock');
    server = createServer((req, res) => {
      const [status, body] = answer(req);
      res.writeHead(status, { 'content-type': 'text/html' }).end(body);
    });
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    return socket;
  }

  it('rejects a 2xx answer that is not JSON with a DaemonError naming the socket', async () => {
    const token = `ksa_${'t'.repeat(43)}`;
    // Proves itself (it knows the token), then answers HTML: a broken daemon rather than an impostor.
    const socket = await serve((req) => {
      const challenge = new URL(req.url!, 'http://localhost').searchParams.get('challenge');
      if (challenge) return [200, JSON.stringify({ status: 'ok', version: '0', proof: proofOf(proofKey(token), challenge) })];
      return [200, '<html>not a daemon</html>'];
    });
    const endpoint = { socket, token };
    const client = new DaemonClient({ current: () => endpoint, refresh: async () => endpoint, lost: () => undefined });
    try {
      await assert.rejects(client.listServices(), (error: unknown) => {
        assert.ok(error instanceof DaemonError, String(error));
        assert.equal(error.code, 'NOT_JSON');
        assert.ok(error.message.includes(socket), error.message);
        return true;
      });
    } finally {
      client.dispose();
    }
  });

  it('sends nothing but a challenge to a process that answers health without the proof', async () => {
    const token = `ksa_${'u'.repeat(43)}`;
    const seen: string[] = [];
    const socket = await serve((req) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      return [200, JSON.stringify({ status: 'ok', version: '0.1.0' })];
    });
    const endpoint = { socket, token };
    const lost: string[] = [];
    const client = new DaemonClient({ current: () => endpoint, refresh: async () => endpoint, lost: (why) => void lost.push(why) });
    try {
      await assert.rejects(client.listKeys(), ImpostorError);
      assert.equal(seen.length, 1, seen.join('\n'));
      assert.match(seen[0]!, /^GET \/v1\/health\?challenge=[0-9a-f]{64} $/);
      assert.equal(lost.length, 1, 'the status bar is told');
    } finally {
      client.dispose();
    }
  });
});
