// The PostgreSQL store against a real PostgreSQL 15 (test/support/postgresServer.ts): the schema and
// its migrations, keys listed in SQL exactly as the embedded store lists them, optimistic versions,
// transactions, the change feed between two daemons (and from psql), and a server that goes away.
import { strict as assert } from 'node:assert';
import pg from 'pg';
import { deriveState } from '../../daemon/keys/keyState';
import type { Environment, KeyState } from '../../daemon/protocol';
import { MIGRATIONS } from '../../daemon/store/postgres/migrations';
import { describeUrl } from '../../daemon/store/postgres/connection';
import { STORE_UNAVAILABLE_MESSAGE } from '../../daemon/store/postgres/errors';
import { PostgresKeyRepository } from '../../daemon/store/postgres/keyRepository';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from '../../daemon/store/postgres/postgresStore';
import { poolSession, type Session } from '../../daemon/store/postgres/session';
import { eachVerifyKey, verifyKeyPages } from '../../daemon/store/postgres/verifyKeyPages';
import type { KeyListQuery, Stored } from '../../daemon/store/repositories';
import type { KeyRecord, VerifyKey } from '../../daemon/store/types';
import { verifyKeyOf } from '../../daemon/store/verifyKey';
import { createTestDatabase, startPostgresServer, withClient, type PostgresServer } from '../support/postgresServer';
import { recordChanges } from './support/changeRecorder';
import { LIST_CREATORS, LIST_DATES, LIST_SERVICES, keyRecord, serviceRecord, tokenRecord, variedKeys } from './support/records';
import { rejectsWithCode } from '../support/keysmithErrors';

/** Opens stores and closes every one of them after each test. */
function useStores() {
  const opened: PostgresStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return async (options: PostgresStoreOptions) => {
    const store = await openPostgresStore({ usageFlushMs: 50, ...options });
    opened.push(store);
    return store;
  };
}

/** A session on a pool of the test's own, so that it can check every reader gave its connection back. */
async function withOwnPool(url: string, use: (session: Session, pool: pg.Pool) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ connectionString: url });
  try {
    await use(
      poolSession(pool, undefined, () => {}),
      pool,
    );
  } finally {
    await pool.end();
  }
}

const stored = (record: KeyRecord, version: number): Stored<KeyRecord> => ({ ...record, version });

/** A new database with the services the test keys name (keys reference an existing service). */
async function createSeededDatabase(label: string, create: (name: string) => Promise<string> = createTestDatabase): Promise<string> {
  const url = await create(label);
  const store = await openPostgresStore({ url });
  try {
    for (const id of ['svc_test', ...LIST_SERVICES]) await store.services.insert(serviceRecord({ id }));
  } finally {
    await store.close();
  }
  return url;
}

describe('PostgreSQL store', function () {
  this.timeout(60_000);
  const open = useStores();

  it('describes a store by host, port and database, never by user or password', () => {
    assert.equal(describeUrl('postgres://keysmith:p%40ss-word@db.example:6543/keys?sslmode=require'), 'postgres://db.example:6543/keys');
    assert.equal(describeUrl('postgresql://keysmith:secret@10.0.0.1/keys'), 'postgres://10.0.0.1:5432/keys');
    assert.equal(describeUrl('postgres:///keys?host=/run/postgresql'), 'postgres:///run/postgresql:5432/keys');
  });

  describe('migrations', () => {
    it('two daemons opening a new database at once both start, and each migration is applied once', async () => {
      const url = await createTestDatabase('migrations_concurrent');
      const [first, second] = await Promise.all([open({ url }), open({ url }), open({ url })]);
      assert.ok(first && second);
      const applied = await withClient(
        url,
        async (client) => (await client.query('SELECT version, name FROM keysmith_migrations ORDER BY version')).rows,
      );
      assert.deepEqual(
        applied,
        MIGRATIONS.map(({ version, name }) => ({ version, name })),
      );
    });

    it('opening again applies nothing and keeps the data', async () => {
      const url = await createSeededDatabase('migrations_again');
      const store = await open({ url });
      const key = await store.keys.insert(keyRecord());
      await store.close();
      const again = await open({ url });
      assert.deepEqual(await again.keys.get(key.id), key);
      const count = await withClient(
        url,
        async (client) => (await client.query('SELECT count(*)::int AS n FROM keysmith_migrations')).rows[0].n,
      );
      assert.equal(count, MIGRATIONS.length);
    });

    it('refuses a database migrated further than this code knows, saying so', async () => {
      const url = await createTestDatabase('migrations_newer');
      await (await open({ url })).close();
      const newer = MIGRATIONS.length + 1;
      await withClient(url, (client) =>
        client.query("INSERT INTO keysmith_migrations (version, name) VALUES ($1, 'from the future')", [newer]),
      );
      await assert.rejects(
        openPostgresStore({ url }),
        (error: Error) =>
          error.name === 'StoreSchemaTooNewError' && error.message.includes(`schema ${newer}`) && error.message.includes('Update Keysmith'),
      );
    });
  });

  describe('keys', () => {
    let url: string;
    before(async () => {
      url = await createSeededDatabase('keys');
    });

    it("hints the key count from PostgreSQL's own estimate, without counting (0 before any)", async () => {
      const hinted = await createSeededDatabase('keys_hint');
      const store = await open({ url: hinted });
      assert.equal(await store.keys.keyCountHint!(), 0);
      for (let n = 0; n < 25; n += 1) await store.keys.insert(keyRecord());
      await withClient(hinted, (client) => client.query('ANALYZE keys'));
      assert.equal(await store.keys.keyCountHint!(), 25);
    });

    it('reads back a key exactly as written, optional fields absent or present, at version 1', async () => {
      const store = await open({ url });
      const bare = keyRecord();
      const full = keyRecord({
        expiresAt: '2031-01-01T00:00:00.000Z',
        permissions: ['read', 'write'],
        companies: ['acme'],
        ipAllowList: ['10.0.0.0/8'],
        organization: 'Acme',
        rotatedFrom: 'key_old',
        rotatedTo: 'key_new',
        graceUntil: '2030-02-01T00:00:00.000Z',
        revokedAt: '2030-03-01T00:00:00.000Z',
        sealed: 'iv.tag.ciphertext',
        origin: 'imported',
        useCount: 7,
        lastUsedAt: '2029-12-31T23:59:59.999Z',
        lastUsedIp: '192.0.2.1',
      });
      assert.deepEqual(await store.keys.insert(bare), stored(bare, 1));
      assert.deepEqual(await store.keys.insert(full), stored(full, 1));
      assert.deepEqual(await store.keys.get(bare.id), stored(bare, 1));
      assert.deepEqual(await store.keys.get(full.id), stored(full, 1));
      assert.deepEqual(await store.keys.findByHash(full.secretHash), stored(full, 1));
      assert.equal(await store.keys.get('key_absent'), undefined);
      assert.equal(await store.keys.findByHash('no such hash'), undefined);
    });

    it('refuses a second key with the same secret hash (DUPLICATE_SECRET) and keeps the first', async () => {
      const store = await open({ url });
      const first = await store.keys.insert(keyRecord());
      const copy = keyRecord({ secretHash: first.secretHash });
      const error = await rejectsWithCode(store.keys.insert(copy), 'DUPLICATE_SECRET');
      assert.ok(!error.message.includes(first.secretHash));
      assert.equal(await store.keys.get(copy.id), undefined);
      assert.deepEqual(await store.keys.findByHash(first.secretHash), first);
    });

    it('updates at the version read and refuses a stale version with CONFLICT naming the key, never its secret', async () => {
      const store = await open({ url });
      const key = await store.keys.insert(keyRecord({ name: 'Payments backend' }));
      const renamed = await store.keys.update({ ...key, name: 'Payments API' }, 1);
      assert.equal(renamed.version, 2);
      assert.equal(renamed.name, 'Payments API');

      const error = await rejectsWithCode(store.keys.update({ ...key, name: 'Lost edit' }, 1), 'CONFLICT');
      assert.ok(error.message.includes('"Payments API"'), error.message);
      assert.deepEqual(error.details, { id: key.id });
      assert.ok(!`${error.message}${JSON.stringify(error.details)}`.includes(key.secretHash));
      await rejectsWithCode(store.keys.delete(key.id, 1), 'CONFLICT');
      assert.equal((await store.keys.get(key.id))?.name, 'Payments API');

      await store.keys.delete(key.id, 2);
      assert.equal(await store.keys.get(key.id), undefined);
      await rejectsWithCode(store.keys.update({ ...key }, 2), 'NOT_FOUND');
      await rejectsWithCode(store.keys.delete(key.id, 2), 'NOT_FOUND');
    });

    it('refuses what another writer made impossible meanwhile with CONFLICT: an id taken, a service gone, a service in use', async () => {
      const store = await open({ url });
      const key = await store.keys.insert(keyRecord());
      await rejectsWithCode(store.keys.insert(keyRecord({ id: key.id })), 'CONFLICT');
      await rejectsWithCode(store.tokens.insert(tokenRecord({ id: (await store.tokens.insert(tokenRecord())).id })), 'CONFLICT');
      const gone = keyRecord({ serviceId: 'svc_deleted_meanwhile' });
      await rejectsWithCode(store.keys.insert(gone), 'CONFLICT');
      assert.equal(await store.keys.get(gone.id), undefined);
      await rejectsWithCode(store.keys.update({ ...key, serviceId: 'svc_deleted_meanwhile' }, 1), 'CONFLICT');
      // A service found unused, then given a key by another daemon before its delete: the delete is refused.
      const service = await store.services.insert(serviceRecord());
      assert.equal(await store.services.keyCount(service.id), 0);
      await store.keys.insert(keyRecord({ serviceId: service.id }));
      await rejectsWithCode(store.services.delete(service.id, 1), 'CONFLICT');
      await rejectsWithCode(store.services.insert(serviceRecord({ id: service.id })), 'CONFLICT');
      assert.deepEqual(await store.services.get(service.id), service);
    });

    it('refuses with CONFLICT, after the lock timeout, a write to a key another session holds (a psql transaction left open)', async () => {
      const store = await open({ url, lockTimeoutMs: 300 });
      const key = await store.keys.insert(keyRecord({ name: 'Held' }));
      await withClient(url, async (psql) => {
        await psql.query('BEGIN');
        await psql.query("UPDATE keys SET name = 'Held in psql' WHERE id = $1", [key.id]);
        const started = Date.now();
        const error = await rejectsWithCode(store.keys.update({ ...key, name: 'Waited' }, 1), 'CONFLICT');
        assert.ok(Date.now() - started >= 250, 'refused before the lock timeout');
        assert.match(error.message, /being changed by someone else right now/);
        await psql.query('ROLLBACK');
      });
      assert.equal((await store.keys.update({ ...key, name: 'Once free' }, 1)).version, 2);
    });

    it('counts batched uses without bumping the version, and an update from a stale copy keeps them', async () => {
      const store = await open({ url });
      const key = await store.keys.insert(keyRecord());
      store.recordUse({ keyId: key.id, at: '2030-05-01T00:00:02.000Z', ip: '192.0.2.2' });
      store.recordUse({ keyId: key.id, at: '2030-05-01T00:00:01.000Z', ip: '192.0.2.1' });
      store.recordUse({ keyId: key.id, at: '2030-05-01T00:00:03.000Z' });
      store.recordUse({ keyId: 'key_deleted_meanwhile', at: '2030-05-01T00:00:03.000Z' });
      await store.flush();
      const used = await store.keys.get(key.id);
      assert.equal(used?.useCount, 3);
      assert.equal(used?.lastUsedAt, '2030-05-01T00:00:03.000Z');
      assert.equal(used?.lastUsedIp, undefined);
      assert.equal(used?.version, 1);

      // An older use arriving later (another daemon's batch) neither moves lastUsedAt back nor loses count.
      store.recordUse({ keyId: key.id, at: '2030-04-01T00:00:00.000Z', ip: '192.0.2.9' });
      const updated = await store.keys.update({ ...key, name: 'Renamed' }, 1);
      await store.flush();
      const after = await store.keys.get(key.id);
      assert.equal(after?.useCount, 4);
      assert.equal(after?.lastUsedAt, '2030-05-01T00:00:03.000Z');
      assert.equal(after?.name, 'Renamed');
      assert.equal(after?.version, updated.version);
    });

    it('writes batched uses by itself about once a period', async () => {
      const store = await open({ url, usageFlushMs: 100 });
      const key = await store.keys.insert(keyRecord());
      store.recordUse({ keyId: key.id, at: '2030-05-01T00:00:00.000Z', ip: '192.0.2.3' });
      const deadline = Date.now() + 2000;
      while ((await store.keys.get(key.id))?.useCount !== 1) {
        assert.ok(Date.now() < deadline, 'the use was not written within 2 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal((await store.keys.get(key.id))?.lastUsedIp, '192.0.2.3');
    });
  });

  describe('keys list at 1,000 keys', () => {
    let url: string;
    let store: PostgresStore;
    const keys = variedKeys(1000);
    const now = new Date('2030-06-01T00:00:00.000Z');

    before(async () => {
      url = await createSeededDatabase('keys_list');
      store = await openPostgresStore({ url });
      await store.unitOfWork(async (tx) => {
        for (const key of keys) await tx.keys.insert(key);
      });
    });
    after(() => store.close());

    /** What the embedded store answers (core/keyQueries.ts): filter, localeCompare / ISO order, id tie-break. */
    function expected(query: KeyListQuery): { ids: string[]; total: number } {
      const needle = query.q?.normalize('NFC').toLowerCase();
      const matches = keys.filter(
        (key) =>
          (query.serviceId === undefined || key.serviceId === query.serviceId) &&
          (query.environment === undefined || key.environment === query.environment) &&
          (query.createdBy === undefined || key.createdBy === query.createdBy) &&
          (!needle || key.name.toLowerCase().includes(needle) || key.reference.toLowerCase().includes(needle)) &&
          (query.state === undefined || deriveState(key, query.now) === query.state),
      );
      const direction = query.order === 'asc' ? 1 : -1;
      matches.sort((a, b) => {
        const field = query.sort;
        const byField = field === 'name' ? a.name.localeCompare(b.name) : a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
        return (byField || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * direction;
      });
      const start = (query.page - 1) * query.pageSize;
      return { ids: matches.slice(start, start + query.pageSize).map((key) => key.id), total: matches.length };
    }

    async function assertSameAsEmbedded(query: KeyListQuery) {
      const answer = await store.keys.list(query);
      const want = expected(query);
      const { now: _now, ...shown } = query;
      assert.deepEqual({ ids: answer.items.map((key) => key.id), total: answer.total }, want, JSON.stringify(shown));
      return answer;
    }

    const base: KeyListQuery = { sort: 'startsAt', order: 'asc', page: 1, pageSize: 50, now };

    it('matches the embedded store for every filter, state, sort and order', async () => {
      const states: (KeyState | undefined)[] = [undefined, 'active', 'inactive', 'revoked', 'scheduled', 'expired'];
      const filters: Partial<KeyListQuery>[] = [
        {},
        { serviceId: LIST_SERVICES[0] },
        { environment: 'production' as Environment },
        { createdBy: LIST_CREATORS[1] },
        { q: 'CRM' },
        { q: 'béta' },
        { q: 'REF-T' },
        { q: 'nothing matches this' },
        { serviceId: LIST_SERVICES[1], environment: 'test', q: 'a' },
      ];
      let nonEmptyStates = 0;
      for (const state of states) {
        for (const filter of filters) {
          for (const sort of ['startsAt', 'createdAt', 'name'] as const) {
            for (const order of ['asc', 'desc'] as const) {
              const answer = await assertSameAsEmbedded({ ...base, ...filter, state, sort, order });
              if (state !== undefined && Object.keys(filter).length === 0 && answer.total > 0) nonEmptyStates += 1;
            }
          }
        }
      }
      // Every derived state is present in the data, so the state CASE was exercised for each.
      assert.equal(nonEmptyStates, 5 * 3 * 2);
    });

    it('derives the state at the instant asked, not at the database clock', async () => {
      for (const instant of [...LIST_DATES, '2029-01-01T00:00:00.000Z', '2031-01-01T00:00:00.000Z']) {
        for (const state of ['active', 'scheduled', 'expired', 'revoked'] as const) {
          await assertSameAsEmbedded({ ...base, state, now: new Date(instant) });
        }
      }
    });

    it('pages through every match once, in order, with the total on each page and past the end', async () => {
      for (const sort of ['name', 'createdAt'] as const) {
        const seen: string[] = [];
        for (let page = 1; page <= 9; page++) {
          const answer = await assertSameAsEmbedded({ ...base, sort, order: 'desc', page, pageSize: 128 });
          assert.equal(answer.total, 1000);
          seen.push(...answer.items.map((key) => key.id));
        }
        assert.equal(seen.length, 1000);
        assert.equal(new Set(seen).size, 1000);
      }
      const past = await assertSameAsEmbedded({ ...base, state: 'inactive', page: 500, pageSize: 10 });
      assert.equal(past.items.length, 0);
      assert.ok(past.total > 0);
    });

    it('returns whole records, usage included', async () => {
      const answer = await store.keys.list({ ...base, pageSize: 1000 });
      const byId = new Map(keys.map((key) => [key.id, key]));
      for (const item of answer.items) assert.deepEqual(item, stored(byId.get(item.id)!, 1));
      assert.equal((await store.keys.all()).length, 1000);
    });

    it('reads every key exactly once, in id order, page after page (a last page partial, or full and then empty)', async () => {
      const pool = new pg.Pool({ connectionString: url });
      try {
        const byId = new Map(keys.map((key) => [key.id, key]));
        const ids = keys.map((key) => key.id).sort();
        for (const pageRows of [7, 8]) {
          const all = await new PostgresKeyRepository(
            poolSession(pool, undefined, () => {}),
            undefined,
            pageRows,
          ).all();
          assert.deepEqual(
            all.map((key) => key.id),
            ids,
            `pages of ${pageRows}`,
          );
          for (const key of all) assert.deepEqual(key, stored(byId.get(key.id)!, 1));
        }
      } finally {
        await pool.end();
      }
    });
    it('hands the verify index every key once, narrowed, in pages of the size asked, by one reader or two on one snapshot', async () => {
      await withOwnPool(url, async (session, pool) => {
        const byId = new Map(keys.map((key) => [key.id, key]));
        const ids = keys.map((key) => key.id).sort();
        for (const [pageKeys, readers] of [
          [7, 1],
          [8, 1],
          [7, 2],
          [8, 3],
        ] as const) {
          const pages: VerifyKey[][] = [];
          for await (const page of verifyKeyPages(session, pageKeys, readers)) pages.push(page);
          const label = `pages of ${pageKeys}, ${readers} reader(s)`;
          assert.ok(
            pages.every((page) => page.length > 0 && page.length <= pageKeys),
            label,
          );
          if (readers === 1) {
            assert.deepEqual(
              pages.map((page) => page.length),
              [...Array(Math.floor(1000 / pageKeys)).fill(pageKeys), ...(1000 % pageKeys === 0 ? [] : [1000 % pageKeys])],
              label,
            );
          }
          assert.deepEqual(
            pages
              .flat()
              .map((key) => key.id)
              .sort(),
            ids,
            label,
          );
          for (const key of pages.flat()) assert.deepEqual(key, verifyKeyOf(byId.get(key.id)!));
        }
        assert.equal(pool.idleCount, pool.totalCount, 'every reader gave its connection back');
      });
    });
    it('hands the verify index every key once, narrowed, one at a time as its row arrives, by one reader, two or three on one snapshot', async () => {
      await withOwnPool(url, async (session, pool) => {
        const byId = new Map(keys.map((key) => [key.id, key]));
        const ids = keys.map((key) => key.id).sort();
        for (const readers of [1, 2, 3]) {
          const handed: VerifyKey[] = [];
          await eachVerifyKey(session, (key) => handed.push(key), readers);
          const label = `${readers} reader(s)`;
          assert.deepEqual(handed.map((key) => key.id).sort(), ids, label);
          for (const key of handed) assert.deepEqual(key, verifyKeyOf(byId.get(key.id)!), label);
          // The store's own entry point reads the same.
          const viaStore: string[] = [];
          await store.keys.eachVerifyKey!((key) => viaStore.push(key.id));
          assert.deepEqual(viaStore.sort(), ids);
        }
        assert.equal(pool.idleCount, pool.totalCount, 'every reader gave its connection back');
      });
    });

    it('fails a key-by-key read with what the hand-over threw, hands nothing over after it, and gives every connection back', async () => {
      await withOwnPool(url, async (session, pool) => {
        let handed = 0;
        await assert.rejects(
          eachVerifyKey(session, () => {
            handed += 1;
            if (handed === 10) throw new Error('index broke');
          }),
          /index broke/,
        );
        assert.equal(handed, 10, 'nothing handed over after the failure');
        assert.equal(pool.idleCount, pool.totalCount, 'every reader gave its connection back');
        // The connections are fit for use: no transaction or row left over on them, the same read works.
        const again: string[] = [];
        await eachVerifyKey(session, (key) => again.push(key.id));
        assert.equal(again.length, keys.length);
      });
    });

    it('fails a key-by-key read whose statement fails, and gives every connection back', async () => {
      await withOwnPool(url, async (session, pool) => {
        // A session whose second reader's statement fails (division by zero) while the first reads its rows.
        const failing = {
          ...session,
          readSnapshot: async (readers?: number) =>
            (await session.readSnapshot(readers)).map((reader, index) =>
              index === 1
                ? {
                    ...reader,
                    eachRow: (_text: string, each: Parameters<typeof reader.eachRow>[1]) => reader.eachRow('SELECT 1/0', each),
                    eachCopyLine: (_copy: string, each: Parameters<typeof reader.eachCopyLine>[1]) =>
                      reader.eachCopyLine('COPY (SELECT 1/0) TO STDOUT', each),
                  }
                : reader,
            ),
        };
        await assert.rejects(
          eachVerifyKey(failing, () => {}),
          /division by zero/,
        );
        assert.equal(pool.idleCount, pool.totalCount, 'every reader gave its connection back');
      });
    });
  });

  describe('services, tokens and audit', () => {
    let url: string;
    before(async () => {
      url = await createTestDatabase('services_tokens_audit');
    });

    it('keeps services with versions and counts their keys', async () => {
      const store = await open({ url });
      const service = serviceRecord({
        code: 'PAY',
        environmentLabels: { test: 'homologation' },
        supportsCompanies: true,
        defaultValidityDays: 90,
      });
      assert.deepEqual(await store.services.insert(service), { ...service, version: 1 });
      assert.deepEqual(await store.services.get(service.id), { ...service, version: 1 });
      const disabled = await store.services.update({ ...service, enabled: false, disabledReason: 'paused' }, 1);
      assert.deepEqual(disabled, { ...service, enabled: false, disabledReason: 'paused', version: 2 });
      const error = await rejectsWithCode(store.services.update(service, 1), 'CONFLICT');
      assert.ok(error.message.includes(`"${service.name}"`), error.message);
      assert.deepEqual(error.details, { id: service.id });
      const first = await store.keys.insert(keyRecord({ serviceId: service.id }));
      const second = await store.keys.insert(keyRecord({ serviceId: service.id, status: 'revoked' }));
      assert.equal(await store.services.keyCount(service.id), 2);
      assert.ok((await store.services.list()).some((listed) => listed.id === service.id));
      await store.keys.delete(first.id, 1);
      await store.keys.delete(second.id, 1);
      assert.equal(await store.services.keyCount(service.id), 0);
      await store.services.delete(service.id, 2);
      assert.equal(await store.services.get(service.id), undefined);
      await rejectsWithCode(store.services.delete(service.id, 2), 'NOT_FOUND');
    });

    it('appends audit events, reads them newest first (per key too), records the login that appended each, and refuses to change them', async () => {
      const store = await open({ url });
      const events = Array.from({ length: 5 }, (_, index) => ({
        id: `evt_${index}`,
        at: `2030-01-01T00:00:0${index}.000Z`,
        actor: 'alice',
        action: 'key.created',
        ...(index % 2 === 0 ? { keyId: 'key_even', details: { n: index, nested: { ok: true } } } : {}),
      }));
      await store.audit.append(events.slice(0, 2));
      await store.audit.append(events.slice(2));
      // Written again (a retry after a lost COMMIT): stored once, in its first place.
      await store.audit.append(events.slice(1, 3));
      assert.deepEqual(await store.audit.query({ limit: 10 }), [...events].reverse());
      assert.deepEqual(await store.audit.query({ limit: 2 }), [events[4], events[3]]);
      assert.deepEqual(await store.audit.query({ keyId: 'key_even', limit: 10 }), [events[4], events[2], events[0]]);
      await withClient(url, async (client) => {
        await assert.rejects(client.query("UPDATE audit SET actor = 'mallory'"), /append-only/);
        await assert.rejects(client.query('DELETE FROM audit'), /append-only/);
      });
      assert.equal((await store.audit.query({ limit: 10 })).length, 5);
      await withClient(url, async (client) => {
        const { rows } = await client.query('SELECT DISTINCT recorded_by FROM audit');
        assert.deepEqual(rows, [{ recorded_by: 'postgres' }]);
      });
    });
  });

  describe('unit of work', () => {
    let url: string;
    before(async () => {
      url = await createSeededDatabase('unit_of_work');
    });

    it('commits everything together and announces it before resolving', async () => {
      const store = await open({ url });
      const recorder = recordChanges(store);
      const service = serviceRecord();
      const key = keyRecord({ serviceId: service.id });
      await store.unitOfWork(async (tx) => {
        await tx.services.insert(service);
        await tx.keys.insert(key);
        // Not announced while the transaction is open: it might still roll back.
        assert.equal(recorder.changes.length, 0);
      });
      assert.deepEqual(
        recorder.changes.map((change) => [change.collection, change.id, change.record?.version]),
        [
          ['services', service.id, 1],
          ['keys', key.id, 1],
        ],
      );
      assert.ok(await store.keys.get(key.id));
    });

    it('undoes everything when the work throws, and announces nothing', async () => {
      const store = await open({ url });
      const kept = await store.keys.insert(keyRecord({ name: 'Before' }));
      const recorder = recordChanges(store);
      const added = keyRecord();
      await assert.rejects(
        store.unitOfWork(async (tx) => {
          await tx.keys.insert(added);
          await tx.keys.update({ ...kept, name: 'During' }, 1);
          throw new Error('the work failed');
        }),
        /the work failed/,
      );
      assert.equal(await store.keys.get(added.id), undefined);
      assert.deepEqual(await store.keys.get(kept.id), kept);
      // A CONFLICT inside undoes the writes before it too.
      await rejectsWithCode(
        store.unitOfWork(async (tx) => {
          await tx.keys.insert(added);
          await tx.keys.update({ ...kept, name: 'Stale' }, 7);
        }),
        'CONFLICT',
      );
      assert.equal(await store.keys.get(added.id), undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(recorder.changes, []);
    });
  });

  describe('change feed between two daemons', () => {
    let url: string;
    before(async () => {
      url = await createSeededDatabase('change_feed');
    });

    it("announces a daemon's own write once, before the write resolves, and reaches the other daemon within 1 s", async () => {
      const a = await open({ url });
      const b = await open({ url });
      const atA = recordChanges(a);
      const atB = recordChanges(b);
      const key = keyRecord();
      const inserted = await a.keys.insert(key);
      assert.deepEqual(atA.changes, [{ collection: 'keys', id: key.id, record: inserted }]);
      await atB.waitFor('the insert at B', (changes) => changes.some((change) => change.id === key.id));
      assert.deepEqual(atB.changes, [{ collection: 'keys', id: key.id, record: inserted }]);

      const updated = await b.keys.update({ ...inserted, name: 'Renamed at B' }, 1);
      await atA.waitFor('the update at A', (changes) => changes.length === 2);
      assert.deepEqual(atA.changes[1], { collection: 'keys', id: key.id, record: updated });

      await a.keys.delete(key.id, 2);
      await atB.waitFor('the delete at B', (changes) => changes.length === 3);
      assert.deepEqual(atB.changes[2], { collection: 'keys', id: key.id, record: undefined });

      // The echoes of A's own writes came back over LISTEN meanwhile and were dropped.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(atA.changes.length, 3);
      assert.equal(atB.changes.length, 3);
    });

    it('carries services and tokens too', async () => {
      const a = await open({ url });
      const b = await open({ url });
      const atB = recordChanges(b);
      const service = await a.services.insert(serviceRecord());
      const token = await a.tokens.insert(tokenRecord());
      // Changes are fetched when their notification arrives: waiting keeps the insert from being seen
      // as already deleted (a feed for caches reports the state a record reached, not every step).
      await atB.waitFor('service and token inserts', (changes) => changes.length === 2);
      await a.tokens.delete(token.id);
      await atB.waitFor('the token delete', (changes) => changes.length === 3);
      assert.deepEqual(atB.changes, [
        { collection: 'services', id: service.id, record: service },
        { collection: 'tokens', id: token.id, record: token },
        { collection: 'tokens', id: token.id, record: undefined },
      ]);
    });

    it('hands on a burst of notifications (a batch of new keys from another daemon) with every key once', async () => {
      const a = await open({ url });
      const b = await open({ url });
      const atB = recordChanges(b);
      const keys = await Promise.all(
        Array.from({ length: 40 }, (_, index) => a.keys.insert(keyRecord({ name: `Burst ${index}` }), { requireEnabledService: true })),
      );
      await atB.waitFor('the burst at B', (changes) => changes.length >= keys.length);
      assert.equal(atB.changes.length, keys.length);
      for (const key of keys) {
        assert.deepEqual(
          atB.changes.find((change) => change.id === key.id),
          { collection: 'keys', id: key.id, record: key },
        );
      }
    });

    it("reads another daemon's new keys together after a short wait, and a change to a key at once, new keys waiting included", async () => {
      const waitMs = 600;
      const a = await open({ url });
      const b = await open({ url, newKeysWaitMs: waitMs });
      const atB = recordChanges(b);
      const arrivedAt = new Map<string, number>();
      const stopTiming = b.changes.subscribe({ onChange: (change) => arrivedAt.set(change.id, performance.now()), onResync: () => {} });
      const known = await a.keys.insert(keyRecord({ name: 'Known to both' }));
      await atB.waitFor('the first key at B', (changes) => changes.length === 1, 2 * waitMs);
      // A writer creating one key after another: B reads them in one go, once the first has waited.
      const firstSent = performance.now();
      const fresh = [];
      for (let index = 0; index < 4; index++) {
        fresh.push(await a.keys.insert(keyRecord({ name: `Fresh ${index}` })));
        await new Promise((resolve) => setTimeout(resolve, 80));
      }
      await atB.waitFor('the new keys at B', (changes) => changes.length === 5, 2 * waitMs);
      const times = fresh.map((key) => arrivedAt.get(key.id)!);
      assert.ok(
        Math.max(...times) - Math.min(...times) < 50,
        `new keys read together (arrived over ${Math.max(...times) - Math.min(...times)} ms)`,
      );
      assert.ok(Math.min(...times) - firstSent >= waitMs - 50, 'the first new key waited for the next ones');
      // A revoke is not held back by the wait, and takes a new key waiting along with it.
      const waiting = await a.keys.insert(keyRecord({ name: 'Waiting' }));
      const revoked = await a.keys.update({ ...known, status: 'revoked' }, known.version);
      const revokedAt = performance.now();
      await atB.waitFor('the revoke at B', (changes) => changes.some((change) => change.record?.version === revoked.version), waitMs / 3);
      assert.ok(arrivedAt.get(waiting.id)! - revokedAt < waitMs / 3, 'the waiting key came with the revoke');
      assert.deepEqual(
        atB.changes.slice(1).map((change) => change.record),
        [...fresh, waiting, revoked],
      );
      stopTiming();
    });

    it('reaches every daemon for a change made with plain SQL (psql), with a bumped version', async () => {
      const a = await open({ url });
      const b = await open({ url });
      const atA = recordChanges(a);
      const atB = recordChanges(b);
      const key = await a.keys.insert(keyRecord({ name: 'Before psql' }));
      await atB.waitFor('the insert at B', (changes) => changes.length === 1);
      await withClient(url, (client) => client.query("UPDATE keys SET name = 'Edited in psql' WHERE id = $1", [key.id]));
      for (const recorder of [atA, atB]) {
        await recorder.waitFor('the psql update', (changes) => changes.length === 2);
        assert.deepEqual(recorder.changes[1], { collection: 'keys', id: key.id, record: { ...key, name: 'Edited in psql', version: 2 } });
      }
      // The daemon's copy is now stale: its write is refused instead of undoing the psql edit.
      await rejectsWithCode(a.keys.update({ ...key, name: 'Stale' }, 1), 'CONFLICT');
      await withClient(url, (client) => client.query('DELETE FROM keys WHERE id = $1', [key.id]));
      for (const recorder of [atA, atB]) {
        await recorder.waitFor('the psql delete', (changes) => changes.length === 3);
        assert.deepEqual(recorder.changes[2], { collection: 'keys', id: key.id, record: undefined });
      }
    });
  });

  describe('a server that restarts, stops and comes back', () => {
    let server: PostgresServer;
    let url: string;
    before(async () => {
      server = await startPostgresServer();
      url = await createSeededDatabase('outages', (name) => server.createDatabase(name));
    });
    after(() => server.dispose());

    it('resyncs every daemon after a restart, and changes flow again', async () => {
      const a = await open({ url, reconnectBackoffMs: 50 });
      const b = await open({ url, reconnectBackoffMs: 50 });
      const atA = recordChanges(a);
      const atB = recordChanges(b);
      await server.restart();
      await atA.waitForResyncs(1);
      await atB.waitForResyncs(1);
      const key = await a.keys.insert(keyRecord());
      await atB.waitFor('a change after the restart', (changes) => changes.some((change) => change.id === key.id));
      assert.equal(atB.resyncs, 1);
    });

    it('answers STORE_UNAVAILABLE while stopped (no password in any message) and works again once started', async () => {
      const store = await open({ url, reconnectBackoffMs: 50 });
      const recorder = recordChanges(store);
      const key = await store.keys.insert(keyRecord());
      await server.stop();
      try {
        const failures = [
          await rejectsWithCode(store.keys.get(key.id), 'STORE_UNAVAILABLE'),
          await rejectsWithCode(store.keys.update({ ...key, name: 'While down' }, 1), 'STORE_UNAVAILABLE'),
          await rejectsWithCode(
            store.keys.list({ sort: 'name', order: 'asc', page: 1, pageSize: 10, now: new Date() }),
            'STORE_UNAVAILABLE',
          ),
          await rejectsWithCode(
            store.unitOfWork((tx) => tx.keys.insert(keyRecord())),
            'STORE_UNAVAILABLE',
          ),
          await rejectsWithCode(
            store.audit.append([{ id: 'evt_down', at: new Date().toISOString(), actor: 'a', action: 'x' }]),
            'STORE_UNAVAILABLE',
          ),
        ];
        store.recordUse({ keyId: key.id, at: '2030-01-01T00:00:00.000Z' });
        failures.push(await rejectsWithCode(store.flush(), 'STORE_UNAVAILABLE'));
        for (const failure of failures) {
          assert.equal(failure.message, STORE_UNAVAILABLE_MESSAGE);
          assert.ok(
            !JSON.stringify({ message: failure.message, details: failure.details, stack: failure.stack }).includes(server.password),
          );
        }
        await rejectsWithCode(openPostgresStore({ url }), 'STORE_UNAVAILABLE');
      } finally {
        await server.start();
      }
      // The same store, not reopened: the pool connects again, the feed resyncs, the kept use is written.
      assert.equal((await store.keys.get(key.id))?.name, key.name);
      await recorder.waitForResyncs(1);
      await store.flush();
      assert.equal((await store.keys.get(key.id))?.useCount, 1);
      assert.equal((await store.keys.update({ ...key, name: 'After' }, 1)).version, 2);
    });

    it('a unit of work whose connection dies between two statements fails with STORE_UNAVAILABLE and leaves nothing', async () => {
      const store = await open({ url, reconnectBackoffMs: 50 });
      const added = keyRecord();
      await rejectsWithCode(
        store.unitOfWork(async (tx) => {
          await tx.keys.insert(added);
          // The held connection is terminated while idle in the transaction: its 'error' must not crash us.
          await server.restart();
          await new Promise((resolve) => setTimeout(resolve, 100));
          await tx.keys.get(added.id);
        }),
        'STORE_UNAVAILABLE',
      );
      assert.equal(await store.keys.get(added.id), undefined);
    });

    it('recovers after the server is killed with -9, keeping what was committed', async () => {
      const store = await open({ url, reconnectBackoffMs: 50 });
      const recorder = recordChanges(store);
      const key = await store.keys.insert(keyRecord());
      await server.kill9();
      await rejectsWithCode(store.keys.get(key.id), 'STORE_UNAVAILABLE');
      await server.start();
      assert.deepEqual(await store.keys.get(key.id), key);
      await recorder.waitForResyncs(1);
    });

    it('never shows the password: not in the description, nor in a refused login', async () => {
      const store = await open({ url });
      assert.equal(store.description, `postgres://127.0.0.1:${server.port}/outages`);
      const wrong = 'wrong-Pa55word-xyz';
      const badUrl = url.replace(encodeURIComponent(server.password), wrong);
      const error = await openPostgresStore({ url: badUrl }).then(
        () => assert.fail('a wrong password was accepted'),
        (failure: Error) => failure,
      );
      assert.match(error.message, /password authentication failed/);
      assert.ok(!`${error.message}${error.stack}`.includes(wrong));
      assert.ok(!`${error.message}${error.stack}`.includes(server.password));
    });
  });
});
