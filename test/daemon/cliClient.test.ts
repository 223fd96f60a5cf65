// The CLI's daemon connection when whatever answers on daemon.json's port is not a Keysmith daemon
// (a stale daemon.json whose port another program took): a clear CliError, never a crash.
import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError, connect } from '../../daemon/cliClient';
import { writeDaemonFile } from '../../daemon/daemonFile';

describe('CLI daemon connection', () => {
  let dataDir: string;
  let server: Server;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'keysmith-cli-client-'));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function serve(status: number, body: string): Promise<number> {
    server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  for (const status of [200, 502]) {
    it(`rejects with a CliError naming the port when a ${status} answer is not JSON`, async () => {
      const port = await serve(status, '<html>not a daemon</html>');
      await writeDaemonFile(dataDir, { port, pid: process.pid, token: 'ksa_test', version: '0.0.0' });
      const daemon = await connect(dataDir);
      await assert.rejects(daemon.call('GET', '/v1/services'), (error: unknown) => {
        assert.ok(error instanceof CliError, String(error));
        assert.match(error.message, new RegExp(`port ${port}`));
        assert.match(error.message, /not a Keysmith daemon/);
        return true;
      });
    });
  }
});
