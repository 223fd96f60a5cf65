// The core on the store seam, through a real daemon: what it keeps in memory (verify index, verify
// tokens, catalogue) follows the change feed, so a change committed straight to the store (as another
// daemon on a shared store would) reaches verify; concurrent edits of one key are re-decided, not lost.
import assert from 'node:assert/strict';
import type { KeyCreated, KeyView } from '../../daemon/protocol';
import { sha256Hex } from '../../daemon/keys/hashing';
import { initialStoreData } from '../../daemon/server';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { Store } from '../../daemon/store/repositories';
import type { VerifyKey } from '../../daemon/store/types';
import { useTestDaemon } from '../support/hooks';
import { startTestDaemon } from '../support/inProcessDaemon';
import { useTempDirs } from '../support/tempDirs';

describe('core on the store seam', function () {
  const daemon = useTestDaemon({}, 'each');
  const temp = useTempDirs();
  const create = async (name: string) => {
    const answer = await daemon.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name });
    assert.equal(answer.status, 201, answer.text);
    return answer.body;
  };
  const verify = async (key: string) => (await daemon.request('POST', '/v1/verify', { key })).body.valid as boolean;

  it('shows each key with its version, bumped by every change', async function () {
    const { key } = await create('versioned');
    assert.equal(key.version, 1);
    const renamed = (await daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { name: 'renamed' })).body;
    assert.equal(renamed.version, 2);
    assert.equal((await daemon.request<KeyView>('POST', `/v1/keys/${key.id}/deactivate`)).body.version, 3);
    assert.equal((await daemon.request<KeyView>('GET', `/v1/keys/${key.id}`)).body.version, 3);
  });

  it('loses no field when two edits of one key race: the one that lost is decided again on the key as stored', async function () {
    const { key } = await create('raced');
    const answers = await Promise.all([
      daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { name: 'new name' }),
      daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { organization: 'ACME SAS' }),
      daemon.request<KeyView>('PATCH', `/v1/keys/${key.id}`, { ipAllowList: ['10.0.0.0/8'] }),
      daemon.request<KeyView>('POST', `/v1/keys/${key.id}/deactivate`),
    ]);
    for (const answer of answers) assert.equal(answer.status, 200, answer.text);
    const stored = (await daemon.request<KeyView>('GET', `/v1/keys/${key.id}`)).body;
    assert.equal(stored.name, 'new name');
    assert.equal(stored.organization, 'ACME SAS');
    assert.deepEqual(stored.ipAllowList, ['10.0.0.0/8']);
    assert.equal(stored.status, 'inactive');
    assert.equal(stored.version, 5);
  });

  it('verifies by what the store committed, whoever committed it: the index follows the change feed', async function () {
    const { key, secret } = await create('fed by the feed');
    assert.equal(await verify(secret.secret), true);
    const { store } = daemon.server.core.context;
    const stored = (await store.keys.get(key.id))!;
    // Revoked straight in the store, as another daemon sharing it would: no core code ran here.
    const { version, ...fields } = stored;
    await store.keys.update({ ...fields, status: 'revoked', revokedAt: new Date().toISOString() }, version);
    assert.equal(await verify(secret.secret), false);
    await store.keys.delete(key.id, version + 1);
    assert.equal((await daemon.request('POST', '/v1/verify', { key: secret.secret })).body.code, 'UNKNOWN');
    // A key inserted straight in the store verifies at once.
    await store.keys.insert({ ...fields, id: 'key_inserted_elsewhere', secretHash: sha256Hex('an-outside-secret-0123456789') });
    assert.equal(await verify('an-outside-secret-0123456789'), true);
  });

  it('rebuilds what it keeps from the store when the feed says changes may have been missed', async function () {
    const dataDir = await temp.make('resync');
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData });
    const listeners: Parameters<Store['changes']['subscribe']>[0][] = [];
    // The store as a database store behaves after a lost connection: it asks its listeners to resync.
    const watched: Store = {
      ...store,
      changes: { subscribe: (listener) => (listeners.push(listener), store.changes.subscribe(listener)) },
    };
    const own = await startTestDaemon({ dataDir, store: watched });
    try {
      const created = (await own.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'resynced' }))
        .body;
      const verifyHere = async () => (await own.request('POST', '/v1/verify', { key: created.secret.secret })).body.valid as boolean;
      assert.equal(await verifyHere(), true);
      own.server.core.context.index.replaceAll([]); // what a missed change would leave: an index behind the store
      assert.equal(await verifyHere(), false);
      assert.equal(listeners.length, 1, 'the core did not subscribe to the change feed');
      listeners[0]!.onResync();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await verifyHere(), true);
    } finally {
      await own.stop();
    }
  });

  it('keeps a change committed while a resync was reading: it is applied again on top of what was read', async function () {
    const dataDir = await temp.make('resync-race');
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData });
    const listeners: Parameters<Store['changes']['subscribe']>[0][] = [];
    let hold: { read: Promise<unknown>; release: () => void } | undefined;
    // keys.verifyKeys() reads at once but hands its pages over only when released: what it hands over
    // is the state from before.
    const slowVerifyKeys = async function* () {
      const pages: VerifyKey[][] = [];
      for await (const page of store.keys.verifyKeys()) pages.push(page);
      if (hold) await hold.read;
      yield* pages;
    };
    const watched: Store = {
      ...store,
      keys: { ...store.keys, verifyKeys: slowVerifyKeys },
      changes: { subscribe: (listener) => (listeners.push(listener), store.changes.subscribe(listener)) },
    };
    const own = await startTestDaemon({ dataDir, store: watched });
    try {
      const created = (
        await own.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'raced resync' })
      ).body;
      let release!: () => void;
      hold = { read: new Promise<void>((resolve) => (release = resolve)), release: () => release() };
      listeners[0]!.onResync();
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Revoked while the resync's read is held: what it read still says active.
      assert.equal((await own.request('POST', `/v1/keys/${created.key.id}/revoke`)).status, 200);
      hold.release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const answer = (await own.request('POST', '/v1/verify', { key: created.secret.secret })).body;
      assert.deepEqual(answer, { valid: false, code: 'REVOKED' });
    } finally {
      await own.stop();
    }
  });

  it('sees a key changed between two pages of a resync: before its page or after it, as last committed', async function () {
    const dataDir = await temp.make('resync-pages');
    const store = await openEmbeddedStore({ dataDir, initialData: initialStoreData });
    const listeners: Parameters<Store['changes']['subscribe']>[0][] = [];
    let pause: Promise<void> | undefined;
    let paused!: () => void;
    // The store's pages cut into pages of one key, with a wait after the first while `pause` is set.
    const keyByKey = async function* () {
      let first = true;
      for await (const page of store.keys.verifyKeys()) {
        for (const key of page) {
          yield [key];
          if (first && pause) {
            paused();
            await pause;
          }
          first = false;
        }
      }
    };
    const watched: Store = {
      ...store,
      keys: { ...store.keys, verifyKeys: keyByKey },
      changes: { subscribe: (listener) => (listeners.push(listener), store.changes.subscribe(listener)) },
    };
    const own = await startTestDaemon({ dataDir, store: watched });
    try {
      const created: KeyCreated[] = [];
      for (const name of ['one', 'two', 'three']) {
        created.push((await own.request<KeyCreated>('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name })).body);
      }
      let resume!: () => void;
      pause = new Promise<void>((resolve) => (resume = resolve));
      const firstPageRead = new Promise<void>((resolve) => (paused = resolve));
      listeners[0]!.onResync();
      await firstPageRead;
      // The resync has read one key and not the others: every key changes now, read or not.
      for (const { key } of created) assert.equal((await own.request('POST', `/v1/keys/${key.id}/revoke`)).status, 200);
      resume();
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const { secret } of created) {
        assert.deepEqual((await own.request('POST', '/v1/verify', { key: secret.secret })).body, { valid: false, code: 'REVOKED' });
      }
    } finally {
      await own.stop();
    }
  });

  it('authenticates a verify token inserted straight in the store, and no longer once it is deleted there', async function () {
    const token = 'ksv_tokenInsertedElsewhere0123456789abcdefgh';
    const { store } = daemon.server.core.context;
    await store.tokens.insert({
      id: 'tok_elsewhere',
      name: 'elsewhere',
      role: 'verify',
      tokenHash: sha256Hex(token),
      createdAt: new Date().toISOString(),
    });
    const { secret } = await create('for the token');
    const withToken = () => daemon.tcpRequest('POST', '/v1/verify', { key: secret.secret }, { token });
    assert.equal((await withToken()).status, 200);
    await store.tokens.delete('tok_elsewhere');
    assert.equal((await withToken()).status, 401);
  });
});
