// Writes whose answer is lost with their connection (issue #11's known gap: "a COMMIT whose reply is
// lost gets a 503 although it may have been applied"). A TCP proxy between the daemon and PostgreSQL
// forwards a write's statement and then cuts the daemon's side before any answer comes back: the
// statement commits, and the daemon cannot know. It asks again on a fresh connection and answers from
// what is stored: a create 201 with the key, stored once, with one `key.created` event; a revoke, a
// PATCH or a DELETE their success, the key changed once, with one event.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { Client } from 'pg';
import type { KeyCreated, KeyRegenerated, KeyView } from '../../daemon/protocol';
import type { TestDaemon } from '../support/inProcessDaemon';
import { sharedPostgresServer, withClient } from '../support/postgresServer';
import { memberDatabase } from '../support/teamStore';
import { startMemberDaemon, until } from './support';
import { addMember, openAs } from './support/members';

/**
 * Forwards TCP to PostgreSQL; armed with a statement name, cuts the client side once it was forwarded
 * (or, `dropStatement`, instead of forwarding it).
 */
class AnswerDroppingProxy {
  private armed: { statement: string; forward: boolean } | undefined;
  dropped = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(readonly server: net.Server) {}

  static async start(host: string, port: number): Promise<AnswerDroppingProxy> {
    const server = net.createServer();
    const proxy = new AnswerDroppingProxy(server);
    server.on('connection', (client) => proxy.relay(client, net.connect(port, host)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** The next chunk naming `statement` reaches the server; its answer never reaches the daemon. */
  dropAnswerTo(statement: string): void {
    this.armed = { statement, forward: true };
  }

  /** The next chunk naming `statement` never reaches the server: the connection is cut instead. */
  dropStatement(statement: string): void {
    this.armed = { statement, forward: false };
  }

  private relay(client: net.Socket, upstream: net.Socket): void {
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        // The server side stays open a moment: the statement is executed and committed first.
        setTimeout(() => upstream.destroy(), 500);
      });
    }
    client.on('data', (chunk: Buffer) => {
      const armed = this.armed !== undefined && chunk.includes(this.armed.statement) ? this.armed : undefined;
      if (armed === undefined || armed.forward) upstream.write(chunk);
      if (armed !== undefined) {
        this.armed = undefined;
        this.dropped += 1;
        client.destroy();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `url` with its host and port replaced by the proxy's. */
function throughProxy(url: string, proxy: AnswerDroppingProxy): string {
  const viaProxy = new URL(url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  return viaProxy.toString();
}

/** A fresh member database, a proxy in front of it, and a member daemon connected through the proxy. */
async function proxiedDaemon(database: string): Promise<{ url: string; proxy: AnswerDroppingProxy; daemon: TestDaemon }> {
  const url = await memberDatabase(await sharedPostgresServer(), database);
  const target = new URL(url);
  const proxy = await AnswerDroppingProxy.start(target.hostname, Number(target.port));
  return { url, proxy, daemon: await startMemberDaemon(throughProxy(url, proxy)) };
}

/** A test key created on `on`. */
async function createKey(on: TestDaemon, name: string): Promise<KeyView> {
  const created = await on.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name });
  assert.equal(created.status, 201, created.text);
  return created.body.key;
}

describe('team store: a create whose answer was lost', function () {
  this.timeout(60_000);
  let url: string;
  let proxy: AnswerDroppingProxy;
  let daemon: TestDaemon;

  beforeEach(async () => ({ url, proxy, daemon } = await proxiedDaemon('lost_answer')));
  afterEach(async () => {
    await daemon?.stop();
    await proxy?.close();
  });

  /** Each name's keys in the database, and the `key.created` events of each. */
  const stored = (names: string[]) =>
    withClient(url, async (client) => {
      const { rows } = await client.query<{ id: string; name: string; events: number }>(
        `SELECT k.id, k.name, (SELECT count(*)::int FROM audit a WHERE a.key_id = k.id AND a.action = 'key.created') AS events
         FROM keys k WHERE k.name = ANY($1) ORDER BY k.name`,
        [names],
      );
      return rows;
    });

  it('answers 201 from the stored key when the answer to its statement was lost after it was sent', async () => {
    proxy.dropAnswerTo('keysmith_key_insert');
    const created = await daemon.request<KeyCreated>('POST', '/v1/keys', {
      serviceId: 'cloudmc',
      environment: 'test',
      name: 'lost answer',
    });
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the create');
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(await stored(['lost answer']), [{ id: created.body.key.id, name: 'lost answer', events: 1 }]);
    const shown = await daemon.request('GET', `/v1/keys/${created.body.key.id}`);
    assert.equal(shown.status, 200, shown.text);
  });

  it('answers every create of a batch whose answer was lost, each key stored once with one event', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `lost batch ${String(index).padStart(2, '0')}`);
    proxy.dropAnswerTo('keysmith_key_insert_batch');
    const answers = await Promise.all(
      names.map((name) => daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name })),
    );
    assert.equal(proxy.dropped, 1, 'no batch was cut (the creates did not wait for one another)');
    for (const answer of answers) assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(
      await stored(names),
      answers.map((answer) => ({ id: answer.body.key.id, name: answer.body.key.name, events: 1 })),
    );
  });
});

describe('team store: an update or delete whose answer was lost', function () {
  this.timeout(60_000);
  let url: string;
  let proxy: AnswerDroppingProxy;
  let daemon: TestDaemon;

  beforeEach(async () => ({ url, proxy, daemon } = await proxiedDaemon('lost_change')));
  afterEach(async () => {
    await daemon?.stop();
    await proxy?.close();
  });

  /** The key as stored (undefined once deleted) and how many `action` events it has. */
  const stored = (id: string, action: string) =>
    withClient(url, async (client) => {
      const { rows } = await client.query<{ name: string; status: string; version: number }>(
        'SELECT name, status, version FROM keys WHERE id = $1',
        [id],
      );
      const { rows: events } = await client.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM audit WHERE key_id = $1 AND action = $2',
        [id, action],
      );
      return { key: rows[0], events: events[0]!.count };
    });

  /**
   * Revokes `key` on `on` with the update's answer cut (or, `statement`, the update itself), and checks
   * the answer and what is stored.
   */
  const revokeWithAnswerLost = async (on: TestDaemon, key: KeyView, cut: 'answer' | 'statement' = 'answer') => {
    const before = await stored(key.id, 'key.revoked');
    if (cut === 'answer') proxy.dropAnswerTo('keysmith_key_update_audited');
    else proxy.dropStatement('keysmith_key_update_audited');
    const revoked = await on.request<KeyView>('POST', `/v1/keys/${key.id}/revoke`);
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the revoke');
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.status, 'revoked');
    assert.deepEqual(await stored(key.id, 'key.revoked'), {
      key: { name: key.name, status: 'revoked', version: before.key!.version + 1 },
      events: 1,
    });
    const shown = await on.request<KeyView>('GET', `/v1/keys/${key.id}`);
    assert.equal(shown.body.status, 'revoked', shown.text);
  };

  it('answers a revoke from the stored key when the answer to its update was lost', async () => {
    await revokeWithAnswerLost(daemon, await createKey(daemon, 'lost revoke'));
  });

  it('answers a PATCH from the stored key when the answer to its update was lost', async () => {
    const key = await createKey(daemon, 'lost patch');
    const before = await stored(key.id, 'key.updated');
    proxy.dropAnswerTo('keysmith_key_update_audited');
    const patched = await daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { name: 'lost patch, renamed' });
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the PATCH');
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.name, 'lost patch, renamed');
    assert.deepEqual(await stored(key.id, 'key.updated'), {
      key: { name: 'lost patch, renamed', status: before.key!.status, version: before.key!.version + 1 },
      events: 1,
    });
  });

  it('answers a DELETE with 204 when the answer to its delete was lost', async () => {
    const key = await createKey(daemon, 'lost delete');
    assert.equal((await daemon.request('POST', `/v1/keys/${key.id}/revoke`)).status, 200);
    proxy.dropAnswerTo('keysmith_key_delete_audited');
    const deleted = await daemon.request('DELETE', `/v1/keys/${key.id}`);
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the DELETE');
    assert.equal(deleted.status, 204, deleted.text);
    assert.deepEqual(await stored(key.id, 'key.deleted'), { key: undefined, events: 1 });
    assert.equal((await daemon.request('GET', `/v1/keys/${key.id}`)).status, 404);
  });

  it('sends a revoke again when its statement was cut before it reached the database (one revoke, one event)', async () => {
    await revokeWithAnswerLost(daemon, await createKey(daemon, 'cut revoke'), 'statement');
  });

  it('waits for a lost PATCH still running on the server and answers it applied, once', async () => {
    const key = await createKey(daemon, 'lost patch in flight');
    const before = await stored(key.id, 'key.updated');
    // Sessions of this database waiting for a row lock: the lost statement, then the daemon's resend.
    const waiting = () =>
      withClient(url, async (client) => {
        const { rows } = await client.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0]!.count;
      });
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      // The key's row held as a psql session would: the lost statement is still running when the
      // daemon asks for its event, which is therefore not there yet.
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM keys WHERE id = $1 FOR UPDATE', [key.id]);
      proxy.dropAnswerTo('keysmith_key_update_audited');
      const patching = daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { name: 'renamed in flight' });
      await until('the lost PATCH and its resend wait for the row', async () => (await waiting()) === 2, 10_000);
      await holder.query('COMMIT');
      const patched = await patching;
      assert.equal(proxy.dropped, 1, 'the proxy did not cut the PATCH');
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.name, 'renamed in flight');
      assert.deepEqual(await stored(key.id, 'key.updated'), {
        key: { name: 'renamed in flight', status: before.key!.status, version: before.key!.version + 1 },
        events: 1,
      });
    } finally {
      await holder.end();
    }
  });

  it("settles an issuer's lost revoke too (an issuer reads only the audit events it recorded)", async () => {
    const owner = await openAs({ url });
    let issuerDaemon: TestDaemon | undefined;
    try {
      const issuer = await addMember(owner, url, 'issuer', 'issuer');
      issuerDaemon = await startMemberDaemon(throughProxy(issuer.url, proxy));
      await revokeWithAnswerLost(issuerDaemon, await createKey(issuerDaemon, 'lost issuer revoke'));
    } finally {
      await issuerDaemon?.stop();
      await owner.close();
    }
  });
});

describe('team store: a regenerate whose COMMIT answer was lost', function () {
  this.timeout(60_000);
  let url: string;
  let proxy: AnswerDroppingProxy;
  let daemon: TestDaemon;

  beforeEach(async () => ({ url, proxy, daemon } = await proxiedDaemon('lost_commit')));
  afterEach(async () => {
    await daemon?.stop();
    await proxy?.close();
  });

  /** The keys named `name` as stored, and the `key.regenerated` events of the first. */
  const stored = (name: string, first: string) =>
    withClient(url, async (client) => {
      const { rows } = await client.query<{ id: string; status: string }>('SELECT id, status FROM keys WHERE name = $1 ORDER BY id', [
        name,
      ]);
      const { rows: events } = await client.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM audit WHERE key_id = $1 AND action = 'key.regenerated'",
        [first],
      );
      return { keys: rows, regenerated: events[0]!.count };
    });

  it('answers with the new key (its secret shown once) when the COMMIT committed but its answer was lost', async () => {
    const old = await createKey(daemon, 'lost commit');
    proxy.dropAnswerTo('COMMIT');
    const regenerated = await daemon.request<KeyRegenerated>('POST', `/v1/keys/${old.id}/regenerate`, {});
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the COMMIT');
    assert.equal(regenerated.status, 201, regenerated.text);
    assert.equal(regenerated.body.previous.id, old.id);
    assert.ok(regenerated.body.secret, 'the new secret is in the answer');
    const after = await stored('lost commit', old.id);
    assert.deepEqual(
      after.keys.map((key) => key.id).sort(),
      [old.id, regenerated.body.key.id].sort(),
      'the old key and its successor are stored',
    );
    assert.equal(after.keys.find((key) => key.id === old.id)!.status, regenerated.body.previous.status);
    assert.equal(after.regenerated, 1);
    const shown = await daemon.request<KeyView>('GET', `/v1/keys/${regenerated.body.key.id}`);
    assert.equal(shown.status, 200, shown.text);
  });

  it('answers 503 with nothing changed when the COMMIT never reached the database', async () => {
    const old = await createKey(daemon, 'cut commit');
    proxy.dropStatement('COMMIT');
    const regenerated = await daemon.request<{ error: { code: string } }>('POST', `/v1/keys/${old.id}/regenerate`, {});
    assert.equal(proxy.dropped, 1, 'the proxy did not cut the COMMIT');
    assert.equal(regenerated.status, 503, regenerated.text);
    assert.equal(regenerated.body.error.code, 'STORE_UNAVAILABLE');
    assert.deepEqual(await stored('cut commit', old.id), { keys: [{ id: old.id, status: old.status }], regenerated: 0 });
    const shown = await daemon.request<KeyView>('GET', `/v1/keys/${old.id}`);
    assert.equal(shown.body.status, old.status, 'the old key is untouched');
  });
});
