// The daemon client when whatever answers on the daemon's port is not the daemon: a DaemonError the
// commands can report, never a call that waits forever.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaemonClient } from '../../extension/client';
import { DaemonError } from '../../extension/daemonErrors';

describe('Daemon client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('rejects a 2xx answer that is not JSON with a DaemonError naming the port', async () => {
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a daemon</html>'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const endpoint = { port, token: 'ksa_test' };
    const client = new DaemonClient({ current: () => endpoint, refresh: async () => endpoint, lost: () => undefined });
    try {
      await assert.rejects(client.listServices(), (error: unknown) => {
        assert.ok(error instanceof DaemonError, String(error));
        assert.equal(error.code, 'NOT_JSON');
        assert.match(error.message, new RegExp(`port ${port}`));
        return true;
      });
    } finally {
      client.dispose();
    }
  });
});
