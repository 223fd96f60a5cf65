// Two listeners: the admin socket in the private data dir serves the whole API and proves the daemon's
// identity; the TCP port serves app servers (health, verify with verify tokens) and refuses the rest.
import { strict as assert } from 'node:assert';
import { lstat, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import * as path from 'node:path';
import { adminSocketPath } from '../../daemon/adminSocket';
import { newChallenge, proofMatches } from '../../common/daemonProof';
import { useTestDaemon } from '../support/hooks';
import { startTestDaemon } from '../support/inProcessDaemon';
import { useTempDirs } from '../support/tempDirs';

describe('daemon transport: admin socket and verify port', () => {
  const daemon = useTestDaemon();
  let verifyToken: string;
  before(async () => {
    verifyToken = (await daemon.request('POST', '/v1/tokens', { name: 'app server', role: 'verify' })).body.token;
  });

  it('serves the admin API on <dataDir>/daemon.sock, a socket only its owner may use', async () => {
    assert.equal(daemon.socket, path.join(daemon.dataDir, 'daemon.sock'));
    const stats = await lstat(daemon.socket);
    assert.ok(stats.isSocket());
    assert.equal(stats.mode & 0o777, 0o600);
    assert.equal((await daemon.request('GET', '/v1/keys')).status, 200);
  });

  it('answers every admin route on TCP with 403 ADMIN_SOCKET_ONLY in the error shape, admin token or not', async () => {
    const adminRoutes: Array<[string, string, unknown]> = [
      ['GET', '/v1/keys', undefined],
      ['POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'x' }],
      ['GET', '/v1/services', undefined],
      ['GET', '/v1/audit', undefined],
      ['POST', '/v1/tokens', { name: 't', role: 'verify' }],
      ['POST', '/v1/inject', {}],
      ['DELETE', '/v1/keys/key_x', undefined],
      ['GET', '/v1/nowhere', undefined],
      ['GET', '/v1/health/x', undefined],
    ];
    for (const [method, urlPath, body] of adminRoutes) {
      for (const token of [undefined, verifyToken, null]) {
        const response = await daemon.tcpRequest(method, urlPath, body, { token });
        assert.equal(response.status, 403, `${method} ${urlPath}`);
        assert.equal(response.body.error.code, 'ADMIN_SOCKET_ONLY');
        assert.match(response.body.error.message, /socket/);
        assert.equal(response.headers.connection, 'close', 'the unread body is never parsed as a next request');
      }
    }
    assert.equal((await daemon.request('GET', '/v1/keys?q=x')).status, 200, 'the daemon still serves the socket');
  });

  it('refuses the admin token on TCP verify (fast path and Express path), and accepts a verify token', async () => {
    for (const urlPath of ['/v1/verify', '/v1/verify?via=express']) {
      const admin = await daemon.tcpRequest('POST', urlPath, { key: 'abc-abc-abc' });
      assert.equal(admin.status, 403, urlPath);
      assert.equal(admin.body.error.code, 'ADMIN_TOKEN_ON_TCP');
      const app = await daemon.tcpRequest('POST', urlPath, { key: 'abc-abc-abc' }, { token: verifyToken });
      assert.equal(app.status, 200, urlPath);
      assert.equal(app.body.valid, false);
    }
    assert.equal(
      (await daemon.request('POST', '/v1/verify', { key: 'abc-abc-abc' })).status,
      200,
      'the admin token verifies on the socket',
    );
    assert.equal((await daemon.tcpRequest('GET', '/v1/health', undefined, { token: null })).status, 200);
  });

  it('proves itself on the socket: HMAC of the challenge keyed from the admin token, never the token', async () => {
    const challenge = newChallenge();
    const answer = await daemon.request('GET', `/v1/health?challenge=${challenge}`, undefined, { token: null });
    assert.equal(answer.status, 200);
    assert.ok(proofMatches(daemon.token, challenge, answer.body.proof));
    assert.ok(!proofMatches(daemon.token, newChallenge(), answer.body.proof), 'a proof answers one challenge only');
    assert.ok(!answer.text.includes(daemon.token));
    const onTcp = await daemon.tcpRequest('GET', `/v1/health?challenge=${challenge}`, undefined, { token: null });
    assert.equal(onTcp.status, 200);
    assert.equal(onTcp.body.proof, undefined, 'no proof oracle on the port every local process can reach');
    for (const bad of ['abc', 'Z'.repeat(64), 'a'.repeat(200)]) {
      const refused = await daemon.request('GET', `/v1/health?challenge=${bad}`, undefined, { token: null });
      assert.equal(refused.status, 400, bad);
      assert.equal(refused.body.error.code, 'INVALID_CHALLENGE');
    }
  });
});

describe('daemon transport: where the admin socket is', () => {
  it('is <dataDir>/daemon.sock on POSIX, and a named pipe derived from the data dir on Windows', () => {
    assert.equal(adminSocketPath('/home/ana/.local/share/keysmith', 'linux'), '/home/ana/.local/share/keysmith/daemon.sock');
    const pipe = adminSocketPath('/data/keysmith', 'win32');
    assert.match(pipe, /^\\\\\.\\pipe\\keysmith-[0-9a-f]{16}$/);
    assert.equal(adminSocketPath('/data/keysmith', 'win32'), pipe, 'the same data dir always names the same pipe');
    assert.notEqual(adminSocketPath('/data/other', 'win32'), pipe, 'another data dir, another pipe');
  });
});

describe('daemon transport: the socket file at start', () => {
  const temp = useTempDirs();
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await temp.make('sock');
  });

  it("removes a dead daemon's socket file and serves on it; removes it again on stop", async () => {
    const socket = path.join(dataDir, 'daemon.sock');
    const dead = createNetServer();
    await new Promise<void>((resolve) => dead.listen(socket, resolve));
    // Closing a listener unlinks its file; a killed process leaves it. Recreate that leftover.
    await closeKeepingFile(dead, socket);
    assert.ok((await lstat(socket)).isSocket());
    const daemon = await startTestDaemon({ dataDir });
    assert.equal((await daemon.request('GET', '/v1/keys')).status, 200);
    await daemon.stop();
    await assert.rejects(lstat(socket), { code: 'ENOENT' });
  });

  it('refuses to start over a socket something still answers on, or over a file that is not a socket', async () => {
    const socket = path.join(dataDir, 'daemon.sock');
    const live = createNetServer((connection) => connection.end());
    await new Promise<void>((resolve) => live.listen(socket, resolve));
    try {
      await assert.rejects(startTestDaemon({ dataDir }), /Another process serves .*daemon\.sock/);
    } finally {
      await new Promise((resolve) => live.close(resolve));
    }
    await writeFile(socket, 'my notes', { mode: 0o600 });
    await assert.rejects(startTestDaemon({ dataDir }), /daemon\.sock is not a socket; Keysmith will not delete it/);
    assert.equal(await readFile(socket, 'utf8'), 'my notes');
  });
});

/** Stops a Unix-socket listener but leaves its file behind, as kill -9 of its process would. */
async function closeKeepingFile(server: NetServer, socket: string): Promise<void> {
  const kept = `${socket}.kept`;
  await rename(socket, kept);
  await new Promise((resolve) => server.close(resolve));
  await rename(kept, socket);
}
