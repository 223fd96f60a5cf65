// A create whose answer is lost with its connection (issue #11's known gap: "a COMMIT whose reply is
// lost gets a 503 although it may have been applied"). A TCP proxy between the daemon and PostgreSQL
// forwards the create's statement and then cuts the daemon's side before any answer comes back: the
// statement commits, and the daemon cannot know. It asks again on a fresh connection and answers from
// what is stored: 201 with the key, stored once, with one `key.created` event.
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import type { KeyCreated } from '../../daemon/protocol';
import type { TestDaemon } from '../support/inProcessDaemon';
import { sharedPostgresServer, withClient } from '../support/postgresServer';
import { memberDatabase } from '../support/teamStore';
import { startMemberDaemon } from './support';

/** Forwards TCP to PostgreSQL; armed with a statement name, cuts the client side once it was forwarded. */
class AnswerDroppingProxy {
  private armed: string | undefined;
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
    this.armed = statement;
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
      upstream.write(chunk);
      if (this.armed !== undefined && chunk.includes(this.armed)) {
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

describe('team store: a create whose answer was lost', function () {
  this.timeout(60_000);
  let url: string;
  let proxy: AnswerDroppingProxy;
  let daemon: TestDaemon;

  beforeEach(async () => {
    url = await memberDatabase(await sharedPostgresServer(), 'lost_answer');
    const target = new URL(url);
    proxy = await AnswerDroppingProxy.start(target.hostname, Number(target.port));
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    daemon = await startMemberDaemon(viaProxy.toString());
  });
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
