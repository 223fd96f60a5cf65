// Starting a daemon on a team store (`--store postgres://…`, KEYSMITH_STORE_URL), as users run it: the
// refusals that keep a team's secrets safe, and a URL's password never repeated in what it prints.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { KeyCreated, VerifyResponse } from '../../daemon/protocol';
import { ensureDaemonBuilt, expectRefusal, launchDaemonProcess, startDaemonProcess, stopDaemonProcess } from '../support/childDaemon';
import { send } from '../support/http';
import { sharedPostgresServer } from '../support/postgresServer';
import { openPostgresStore } from '../../daemon/store/postgres/postgresStore';
import { memberDatabase, TEST_MEMBER } from '../support/teamStore';
import { addMember } from './support/members';
import { useTempDirs } from '../support/tempDirs';

/** The forms a password could be printed in: as typed, and percent-encoded as it sits in the URL. */
const forms = (password: string) => [password, encodeURIComponent(password)];

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('team store: starting a daemon', function () {
  this.timeout(60_000);
  const temp = useTempDirs();
  before(() => ensureDaemonBuilt());

  it('refuses a team store without the master key, and creates none', async () => {
    const url = await memberDatabase(await sharedPostgresServer(), 'no_master_key');
    const dataDir = await temp.make('team-nokey');
    const launched = launchDaemonProcess(dataDir, { args: ['--store', url] });
    const exit = await expectRefusal(launched);
    assert.equal(exit.code, 1, launched.output());
    assert.match(launched.output(), /master\.key is missing\. On a team store every member's daemon must seal with the same master key/);
    assert.match(launched.output(), /KEYSMITH_MASTER_KEY/);
    assert.equal(existsSync(path.join(dataDir, 'master.key')), false, 'no key is made up');
  });

  it("refuses a master key that opens none of the store's sealed secrets", async () => {
    // An empty database: the first daemon migrates it, as the member that owns it.
    const url = await memberDatabase(await sharedPostgresServer(), 'wrong_master_key', { migrated: false });
    const first = await startDaemonProcess(await temp.make('team-rightkey'), { storeUrl: url });
    const created = await send<KeyCreated>(first, 'POST', '/v1/keys', {
      json: { serviceId: 'cloudmc', environment: 'test', name: 'sealed' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.key.retrievable, true, 'a test key is sealed, so the check has something to open');
    await stopDaemonProcess(first);

    const other = Buffer.alloc(32, 7).toString('base64');
    const launched = launchDaemonProcess(await temp.make('team-wrongkey'), { storeUrl: url, env: { KEYSMITH_MASTER_KEY: other } });
    const exit = await expectRefusal(launched);
    assert.equal(exit.code, 1, launched.output());
    assert.match(launched.output(), /This master key does not open the store's sealed secrets/);
    assert.ok(!launched.output().includes(other));
  });

  it('starts a verify sidecar (a verifier member) with no master key, and it verifies and follows revokes', async () => {
    const url = await memberDatabase(await sharedPostgresServer(), 'sidecar');
    const setup = await openPostgresStore({ url });
    const verifier = await addMember(setup, url, 'sidecar', 'verifier').finally(() => setup.close());
    const owner = await startDaemonProcess(await temp.make('team-owner'), { storeUrl: url });
    // A key stored before the sidecar starts: its start-up read (only the columns a verifier is granted) finds it.
    const stored = await send<KeyCreated>(owner, 'POST', '/v1/keys', {
      json: { serviceId: 'cloudmc', environment: 'production', name: 'before' },
    });
    assert.equal(stored.status, 201, stored.text);
    const sidecarDir = await temp.make('team-sidecar');
    // No KEYSMITH_MASTER_KEY and no key file: a verifier never sees a sealed secret.
    const sidecar = await startDaemonProcess(sidecarDir, { args: ['--store', verifier.url] });
    try {
      const created = await send<KeyCreated>(owner, 'POST', '/v1/keys', {
        json: { serviceId: 'cloudmc', environment: 'test', name: 'app' },
      });
      assert.equal(created.status, 201, created.text);
      const token = await send<{ token: string }>(owner, 'POST', '/v1/tokens', { json: { name: 'app-server', role: 'verify' } });
      assert.equal(token.status, 201, token.text);
      const verify = () =>
        send<{ valid: boolean }>(sidecar, 'POST', '/v1/verify', {
          tcp: true,
          token: token.body.token,
          json: { key: created.body.secret.secret },
        });
      let answer = await verify();
      for (let tries = 0; answer.body.valid !== true && tries < 50; tries++) answer = await verify();
      assert.equal(answer.body.valid, true, answer.text);
      const before = await send<VerifyResponse>(sidecar, 'POST', '/v1/verify', {
        tcp: true,
        token: token.body.token,
        json: { key: stored.body.secret.secret },
      });
      assert.deepEqual(before.body, {
        valid: true,
        keyId: stored.body.key.id,
        serviceId: 'cloudmc',
        environment: 'production',
        permissions: stored.body.key.permissions,
      });
      assert.equal((await send(owner, 'POST', `/v1/keys/${created.body.key.id}/revoke`)).status, 200);
      const revokedAt = Date.now();
      while ((await verify()).body.valid !== false) assert.ok(Date.now() - revokedAt < 1000, 'the sidecar refuses the key within 1 s');
      assert.equal(existsSync(path.join(sidecarDir, 'master.key')), false);
      assert.ok(!sidecar.output().includes(verifier.password));
    } finally {
      await stopDaemonProcess(sidecar);
      await stopDaemonProcess(owner);
    }
  });

  for (const [how, settings] of [
    ['--store', (url: string) => ({ args: ['--store', url] })],
    ['KEYSMITH_STORE_URL', (url: string) => ({ env: { KEYSMITH_STORE_URL: url } })],
  ] as const) {
    it(`answers a non-postgres URL in ${how} with a usage error that does not repeat it`, async () => {
      const url = 'mysql://member:Pa55-word-for-mysql@db.example:3306/keys';
      const launched = launchDaemonProcess(await temp.make('team-badurl'), settings(url));
      const exit = await expectRefusal(launched);
      assert.equal(exit.code, 1, launched.output());
      assert.match(launched.output(), /must be a postgres:\/\/ URL, or "embedded"/);
      assert.match(launched.output(), /Usage: keysmith-daemon/);
      for (const part of ['Pa55-word-for-mysql', 'db.example', 'mysql://']) assert.ok(!launched.output().includes(part), part);
    });
  }

  it('never prints the password of the URL: unreachable port, unknown host, wrong password', async () => {
    const server = await sharedPostgresServer();
    const database = (await memberDatabase(server, 'wrong_password')).split('/').pop()!;
    const password = 'S3cret/pw?with#odd&chars';
    const encoded = encodeURIComponent(password);
    const cases = [
      [
        'unreachable port',
        `postgres://${TEST_MEMBER}:${encoded}@127.0.0.1:${await closedPort()}/keys`,
        /cannot open the team store postgres:\/\/127\.0\.0\.1:\d+\/keys: the server cannot be reached/,
      ],
      [
        'unknown host',
        `postgres://${TEST_MEMBER}:${encoded}@no-such-host.invalid:5432/keys`,
        /cannot open the team store postgres:\/\/no-such-host\.invalid:5432\/keys: the server cannot be reached/,
      ],
      [
        'wrong password',
        `postgres://${TEST_MEMBER}:${encoded}@${server.host}:${server.port}/${database}`,
        /cannot open the team store postgres:\/\/127\.0\.0\.1:\d+\/wrong_password_\d+: password authentication failed for user "tester"/,
      ],
    ] as const;
    for (const [label, url, expected] of cases) {
      const launched = launchDaemonProcess(await temp.make('team-pw'), { storeUrl: url });
      const exit = await expectRefusal(launched);
      const output = launched.output();
      assert.equal(exit.code, 1, `${label}: ${output}`);
      assert.match(output, expected, label);
      for (const form of forms(password)) assert.ok(!output.includes(form), `${label}: the password is in the output:\n${output}`);
    }
  });
});
