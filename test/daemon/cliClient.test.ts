// The CLI's daemon connection when whatever answers on daemon.json's socket is not the Keysmith daemon
// (a stale daemon.json whose socket another program took): a clear CliError before anything is sent,
// never a crash.
import { strict as assert } from 'node:assert';

import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { CliError, connect } from '../../daemon/cliClient';
import { writeDaemonFile } from '../../daemon/daemonFile';
import { makeTempDir, removeDir } from '../support/tempDirs';

describe('CLI daemon connection', () => {
  let dataDir: string;
  let server: Server | undefined;

  beforeEach(async () => {
    dataDir = await makeTempDir('cli-client');
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    await removeDir(dataDir);
  });

  async function serve(status: number, body: string): Promise<string> {
    const socket = path.join(dataDir, 'daemon.sock');
    server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end(body));
    await new Promise<void>((resolve) => server!.listen(socket, resolve));
    return socket;
  }

  for (const status of [200, 502]) {
    it(`rejects with a CliError naming the socket when a ${status} answer is not the daemon's proof`, async () => {
      const socket = await serve(status, '<html>not a daemon</html>');
      await writeDaemonFile(dataDir, { socket, port: 1, pid: process.pid, token: 'ksa_test_token_0123456789', version: '0.0.0' });
      await assert.rejects(connect(dataDir), (error: unknown) => {
        assert.ok(error instanceof CliError, String(error));
        assert.ok(error.message.includes(socket), error.message);
        assert.match(error.message, /is not the Keysmith daemon/);
        assert.match(error.message, /Nothing was sent to it/);
        return true;
      });
    });
  }

  it('says the daemon.json is stale when nothing answers on its socket', async () => {
    await writeDaemonFile(dataDir, {
      socket: path.join(dataDir, 'daemon.sock'),
      port: 1,
      pid: process.pid,
      token: 'ksa_test_token_0123456789',
      version: '0.0.0',
    });
    await assert.rejects(connect(dataDir), /daemon\.json in .* is stale/);
  });
});
