// The store seam's contract, for any Store (daemon/store/repositories.ts): the embedded store runs it in
// embeddedStore.test.ts, a database store runs the same suite on its own. Store-agnostic on purpose: every
// test makes its own service (keys name an existing one) and records with fresh ids, and asserts only
// about those, so a store that is not empty (built-in services, other tests' rows) answers the same.
//
//   describeRepositoryContract('embedded', async () => ({ store, cleanup: () => ... }));
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KeysmithError } from '../../daemon/errors';
import type { AuditEvent } from '../../daemon/protocol';
import type { Store, StoreChange, Stored } from '../../daemon/store/repositories';
import type { KeyRecord, ServiceRecord, TokenRecord, VerifyKey } from '../../daemon/store/types';
import { verifyKeyOf } from '../../daemon/store/verifyKey';
import { keyRecord } from './support/records';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

const unique = () => randomBytes(6).toString('hex');
const hashOf = () => randomBytes(32).toString('hex');

export function sampleService(overrides: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    id: `svc_${unique()}`,
    name: `Contract service ${unique()}`,
    enabled: true,
    scheme: 'bearer',
    prefix: 'ctr',
    permissions: ['read', 'write'],
    builtIn: false,
    ...overrides,
  };
}

export function sampleKeyOf(serviceId: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return keyRecord({ serviceId, secretHash: hashOf(), permissions: ['read'], ...overrides });
}

function sampleToken(): TokenRecord {
  return { id: `tok_${unique()}`, name: `ci ${unique()}`, role: 'verify', tokenHash: hashOf(), createdAt: '2030-01-01T00:00:00.000Z' };
}

const withoutVersion = <T extends { version: number }>({ version: _version, ...rest }: T) => rest;

function isCode(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof KeysmithError, `expected a KeysmithError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

/** A CONFLICT naming the key by its name and id, with nothing secret in it. */
function isConflictNaming(key: KeyRecord) {
  return (error: unknown) => {
    isCode('CONFLICT')(error);
    const { message, details } = error as KeysmithError;
    assert.ok(message.includes(`"${key.name}"`), `the conflict does not name the key: ${message}`);
    assert.deepEqual(details, { id: key.id });
    assert.ok(!message.includes(key.secretHash) && !JSON.stringify(details).includes(key.secretHash), 'the conflict carries the hash');
    return true;
  };
}

export function describeRepositoryContract(name: string, openStore: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, function () {
    let opened: OpenedStore;
    let store: Store;
    let service: Stored<ServiceRecord>;
    beforeEach(async function () {
      opened = await openStore();
      store = opened.store;
      service = await store.services.insert(sampleService());
    });
    afterEach(async function () {
      await opened.cleanup();
    });

    describe('keys', function () {
      it('inserts at version 1 and gets by id and by secret hash; unknown ones are undefined', async function () {
        const record = sampleKeyOf(service.id);
        const inserted = await store.keys.insert(record);
        assert.deepEqual(inserted, { ...record, version: 1 });
        assert.deepEqual(await store.keys.get(record.id), { ...record, version: 1 });
        assert.deepEqual(await store.keys.findByHash(record.secretHash), { ...record, version: 1 });
        assert.equal(await store.keys.get(`key_${unique()}`), undefined);
        assert.equal(await store.keys.findByHash(hashOf()), undefined);
        assert.ok((await store.keys.all()).some((key) => key.id === record.id));
      });

      it('hands every key to the verify index narrowed to what verify needs (no name, creator, usage or secret)', async function () {
        const records = [
          sampleKeyOf(service.id),
          sampleKeyOf(service.id, {
            environment: 'production',
            status: 'revoked',
            permissions: ['write', 'read'],
            companies: ['ACME', 'Ünïcödé "quoted" \\ co'],
            ipAllowList: ['10.0.0.0/8', '2001:db8::/32'],
            organization: 'Org "x"\n\t',
            // Every character the verify read escapes (COPY's text format: \\, \t, \n, \r) and one it does not.
            reference: 'réf\t\\N\r\n\\t\b"x"',
            expiresAt: '2031-02-03T04:05:06.789Z',
            graceUntil: '2030-06-01T00:00:00.001Z',
            sealed: 'iv.tag.data',
            useCount: 3,
          }),
          sampleKeyOf(service.id, { status: 'inactive', startsAt: '1969-12-31T23:59:59.999Z' }),
        ];
        for (const record of records) await store.keys.insert(record);
        const gone = await store.keys.insert(sampleKeyOf(service.id));
        await store.keys.delete(gone.id, gone.version);
        const read = new Map<string, VerifyKey>();
        for await (const page of store.keys.verifyKeys()) {
          assert.ok(page.length > 0, 'an empty page');
          for (const key of page) {
            assert.ok(!read.has(key.id), `${key.id} read twice`);
            read.set(key.id, key);
          }
        }
        for (const record of records) assert.deepEqual(read.get(record.id), verifyKeyOf(record));
        assert.equal(read.has(gone.id), false);
        // A store that also hands them over one at a time (PostgreSQL, at start) hands over the same.
        if (store.keys.eachVerifyKey) {
          const handed = new Map<string, VerifyKey>();
          await store.keys.eachVerifyKey((key) => {
            assert.ok(!handed.has(key.id), `${key.id} handed over twice`);
            handed.set(key.id, key);
          });
          assert.deepEqual(handed, read);
        }
        // A store that hints how many keys it holds (the index makes room for them at once) hints a count.
        if (store.keys.keyCountHint) assert.ok(Number.isInteger(await store.keys.keyCountHint()));
        const fields = new Set([...read.values()].flatMap((key) => Object.keys(key)));
        assert.deepEqual([...fields].sort(), ['expiresAt', 'graceUntil', 'id', 'profile', 'reference', 'secretHash', 'startsAt', 'status']);
      });

      it('hands the verify index, inside a unit of work, the keys as that unit sees them (its own writes included)', async function () {
        const before = await store.keys.insert(sampleKeyOf(service.id));
        const added = sampleKeyOf(service.id, { status: 'inactive' });
        const seen = await store.unitOfWork(async (tx) => {
          await tx.keys.insert(added);
          await tx.keys.delete(before.id, before.version);
          const ids: string[] = [];
          for await (const page of tx.keys.verifyKeys()) ids.push(...page.map((key) => key.id));
          return ids;
        });
        assert.ok(seen.includes(added.id), 'its own insert');
        assert.ok(!seen.includes(before.id), 'its own delete');
      });

      it('samples the sealed keys (up to the limit of them, with their sealed copy) and counts them', async function () {
        assert.deepEqual(await store.keys.sealedSample(3), []);
        assert.equal(await store.keys.sealedCount(), 0);
        const sealed = [1, 2, 3, 4].map((n) => sampleKeyOf(service.id, { sealed: `iv${n}.tag${n}.data${n}` }));
        for (const record of [...sealed, sampleKeyOf(service.id)]) await store.keys.insert(record);
        assert.equal(await store.keys.sealedCount(), 4);
        const sample = await store.keys.sealedSample(3);
        assert.equal(sample.length, 3);
        const byId = new Map(sealed.map((record) => [record.id, record.sealed]));
        for (const key of sample) assert.equal(key.sealed, byId.get(key.id));
      });

      it('hands out copies: changing a returned record changes nothing stored', async function () {
        const record = sampleKeyOf(service.id);
        const inserted = await store.keys.insert(record);
        inserted.name = 'changed by the caller';
        const read = (await store.keys.get(record.id))!;
        read.permissions.push('write');
        assert.deepEqual(await store.keys.get(record.id), { ...record, version: 1 });
      });

      it('refuses a second key with the same secret hash (DUPLICATE_SECRET), on insert and on update', async function () {
        const first = await store.keys.insert(sampleKeyOf(service.id));
        const copy = sampleKeyOf(service.id, { secretHash: first.secretHash });
        await assert.rejects(store.keys.insert(copy), isCode('DUPLICATE_SECRET'));
        assert.equal(await store.keys.get(copy.id), undefined);
        const second = await store.keys.insert(sampleKeyOf(service.id));
        await assert.rejects(store.keys.update({ ...withoutVersion(second), secretHash: first.secretHash }, 1), isCode('DUPLICATE_SECRET'));
        assert.deepEqual(await store.keys.get(second.id), second);
      });

      it('bumps the version on each update and refuses a stale one with CONFLICT naming the key, changing nothing', async function () {
        const record = sampleKeyOf(service.id, { name: 'Shop backend' });
        await store.keys.insert(record);
        const v2 = await store.keys.update({ ...record, permissions: ['read', 'write'] }, 1);
        assert.equal(v2.version, 2);
        assert.deepEqual(v2.permissions, ['read', 'write']);
        assert.deepEqual(await store.keys.get(record.id), v2);
        const v3 = await store.keys.update({ ...withoutVersion(v2), name: 'Shop backend (eu)' }, 2);
        assert.equal(v3.version, 3);

        // Decided on version 2, which moved: refused, and the stored key is still version 3.
        await assert.rejects(store.keys.update({ ...withoutVersion(v2), status: 'inactive' }, 2), isConflictNaming(v3));
        assert.deepEqual(await store.keys.get(record.id), v3);
      });

      it('deletes with the right version; a stale delete is a CONFLICT; a gone key is NOT_FOUND', async function () {
        const record = sampleKeyOf(service.id);
        await store.keys.insert(record);
        const v2 = await store.keys.update({ ...record, name: 'renamed' }, 1);
        await assert.rejects(store.keys.delete(record.id, 1), isConflictNaming(v2));
        assert.deepEqual(await store.keys.get(record.id), v2);
        await store.keys.delete(record.id, 2);
        assert.equal(await store.keys.get(record.id), undefined);
        assert.equal(await store.keys.findByHash(record.secretHash), undefined);
        await assert.rejects(store.keys.update(record, 2), isCode('NOT_FOUND'));
        await assert.rejects(store.keys.delete(record.id, 2), isCode('NOT_FOUND'));
        // Its secret hash is free again.
        assert.equal((await store.keys.insert(sampleKeyOf(service.id, { secretHash: record.secretHash }))).version, 1);
      });

      it('counts uses without bumping the version, and an update keeps the uses counted meanwhile', async function () {
        const record = sampleKeyOf(service.id);
        await store.keys.insert(record);
        store.recordUse({ keyId: record.id, at: '2030-02-01T00:00:00.000Z', ip: '10.0.0.1' });
        store.recordUse({ keyId: record.id, at: '2030-02-02T00:00:00.000Z', ip: '10.0.0.2' });
        await store.flush();
        const used = (await store.keys.get(record.id))!;
        assert.equal(used.useCount, 2);
        assert.equal(used.lastUsedAt, '2030-02-02T00:00:00.000Z');
        assert.equal(used.lastUsedIp, '10.0.0.2');
        assert.equal(used.version, 1);
        // The caller read the key before the uses: writing it back must not undo them.
        const updated = await store.keys.update({ ...record, name: 'renamed after use' }, 1);
        assert.equal(updated.useCount, 2);
        assert.equal((await store.keys.get(record.id))!.useCount, 2);
      });
    });

    describe('key list', function () {
      const now = new Date('2030-06-01T00:00:00.000Z');
      const base = { sort: 'name', order: 'asc', page: 1, pageSize: 50, now } as const;
      let keys: KeyRecord[];
      beforeEach(async function () {
        const other = await store.services.insert(sampleService());
        keys = [
          sampleKeyOf(service.id, { id: 'key_contract_a', name: 'alpha', reference: 'REF-one', createdAt: '2030-01-03T00:00:00.000Z' }),
          sampleKeyOf(service.id, { id: 'key_contract_b', name: 'Beta', environment: 'production', createdBy: 'ann' }),
          sampleKeyOf(service.id, { id: 'key_contract_c', name: 'beta', status: 'inactive', startsAt: '2030-01-02T00:00:00.000Z' }),
          sampleKeyOf(service.id, { id: 'key_contract_d', name: 'gamma', expiresAt: '2030-05-01T00:00:00.000Z', createdBy: 'ann' }),
          sampleKeyOf(service.id, { id: 'key_contract_e', name: 'delta', startsAt: '2031-01-01T00:00:00.000Z' }),
          sampleKeyOf(service.id, { id: 'key_contract_f', name: 'Alpha', status: 'revoked', revokedAt: '2030-01-05T00:00:00.000Z' }),
          sampleKeyOf(other.id, { id: 'key_contract_g', name: 'alpha other service' }),
        ];
        // Ids fixed for the tie-break assertions: a store shared between tests gets fresh ones each time.
        const suffix = unique();
        keys = keys.map((key) => ({ ...key, id: `${key.id}_${suffix}` }));
        for (const key of keys) await store.keys.insert(key);
      });
      const ids = (items: KeyRecord[]) => items.map((key) => key.id.replace(/_[0-9a-f]+$/, '').replace('key_contract_', ''));

      it('filters by service, environment, created-by, state at `now`, and text in name or reference (case-insensitive)', async function () {
        const list = (filter: object) => store.keys.list({ ...base, sort: 'createdAt', serviceId: service.id, ...filter });
        assert.equal((await list({})).total, 6);
        assert.deepEqual(ids((await list({ environment: 'production' })).items), ['b']);
        assert.deepEqual(ids((await list({ createdBy: 'ann' })).items).sort(), ['b', 'd']);
        assert.deepEqual(ids((await list({ state: 'inactive' })).items), ['c']);
        assert.deepEqual(ids((await list({ state: 'expired' })).items), ['d']);
        assert.deepEqual(ids((await list({ state: 'scheduled' })).items), ['e']);
        assert.deepEqual(ids((await list({ state: 'revoked' })).items), ['f']);
        assert.deepEqual(ids((await list({ state: 'active' })).items).sort(), ['a', 'b']);
        assert.deepEqual(ids((await list({ q: 'ALPH' })).items).sort(), ['a', 'f']);
        assert.deepEqual(ids((await list({ q: 'ref-ONE' })).items), ['a']);
        assert.deepEqual(ids((await list({ q: 'zzz' })).items), []);
        const otherService = await store.keys.list({ ...base, serviceId: keys[6]!.serviceId });
        assert.deepEqual(ids(otherService.items), ['g']);
      });

      it('sorts by name, createdAt or startsAt either way, ties broken by id in the same direction', async function () {
        const sorted = async (sort: 'name' | 'createdAt' | 'startsAt', order: 'asc' | 'desc') =>
          ids((await store.keys.list({ ...base, serviceId: service.id, sort, order })).items);
        // Names compare as localeCompare does: alpha < Alpha, beta < Beta.
        assert.deepEqual(await sorted('name', 'asc'), ['a', 'f', 'c', 'b', 'e', 'd']);
        assert.deepEqual(await sorted('name', 'desc'), ['d', 'e', 'b', 'c', 'f', 'a']);
        assert.deepEqual(await sorted('createdAt', 'asc'), ['b', 'c', 'd', 'e', 'f', 'a']);
        assert.deepEqual(await sorted('createdAt', 'desc'), ['a', 'f', 'e', 'd', 'c', 'b']);
        assert.deepEqual(await sorted('startsAt', 'asc'), ['a', 'b', 'd', 'f', 'c', 'e']);
        assert.deepEqual(await sorted('startsAt', 'desc'), ['e', 'c', 'f', 'd', 'b', 'a']);
      });

      it('pages: one page of the sorted matches, total counting every match', async function () {
        const page = async (n: number, pageSize: number) => store.keys.list({ ...base, serviceId: service.id, page: n, pageSize });
        const first = await page(1, 4);
        assert.deepEqual(ids(first.items), ['a', 'f', 'c', 'b']);
        assert.equal(first.total, 6);
        const second = await page(2, 4);
        assert.deepEqual(ids(second.items), ['e', 'd']);
        assert.equal(second.total, 6);
        const beyond = await page(3, 4);
        assert.deepEqual(beyond.items, []);
        assert.equal(beyond.total, 6);
        assert.ok(first.items.every((key) => key.version === 1));
      });
    });

    describe('services and tokens', function () {
      it('versions services like keys and counts the keys of a service', async function () {
        assert.equal(service.version, 1);
        assert.deepEqual(await store.services.get(service.id), service);
        assert.ok((await store.services.list()).some((listed) => listed.id === service.id));
        const v2 = await store.services.update({ ...withoutVersion(service), enabled: false }, 1);
        assert.equal(v2.version, 2);
        await assert.rejects(store.services.update({ ...withoutVersion(service), name: 'stale' }, 1), isCode('CONFLICT'));
        assert.equal(await store.services.keyCount(service.id), 0);
        await store.keys.insert(sampleKeyOf(service.id));
        await store.keys.insert(sampleKeyOf(service.id, { status: 'revoked' }));
        assert.equal(await store.services.keyCount(service.id), 2);
        const unused = await store.services.insert(sampleService());
        await assert.rejects(store.services.delete(unused.id, 2), isCode('CONFLICT'));
        await store.services.delete(unused.id, 1);
        assert.equal(await store.services.get(unused.id), undefined);
      });

      it('inserts, lists and deletes tokens (delete says whether there was one)', async function () {
        const token = sampleToken();
        assert.deepEqual(await store.tokens.insert(token), { ...token, version: 1 });
        assert.deepEqual(
          (await store.tokens.list()).find((listed) => listed.id === token.id),
          { ...token, version: 1 },
        );
        assert.equal(await store.tokens.delete(token.id), true);
        assert.equal(await store.tokens.delete(token.id), false);
        assert.equal(
          (await store.tokens.list()).find((listed) => listed.id === token.id),
          undefined,
        );
      });
    });

    describe('unit of work', function () {
      it('reads its own writes, and applies all of them together', async function () {
        const old = await store.keys.insert(sampleKeyOf(service.id));
        const successor = sampleKeyOf(service.id, { rotatedFrom: old.id });
        const result = await store.unitOfWork(async (tx) => {
          await tx.keys.update({ ...withoutVersion(old), rotatedTo: successor.id, status: 'revoked' }, 1);
          await tx.keys.insert(successor);
          assert.equal((await tx.keys.get(old.id))!.rotatedTo, successor.id, 'the unit does not see its own update');
          assert.equal((await tx.keys.get(successor.id))!.version, 1, 'the unit does not see its own insert');
          assert.equal((await tx.keys.findByHash(successor.secretHash))!.id, successor.id);
          const listed = await tx.keys.list({ serviceId: service.id, sort: 'name', order: 'asc', page: 1, pageSize: 10, now: new Date() });
          assert.equal(listed.total, 2);
          // Outside the unit, nothing has happened yet.
          assert.equal(await store.keys.get(successor.id), undefined);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal((await store.keys.get(old.id))!.version, 2);
        assert.equal((await store.keys.get(old.id))!.rotatedTo, successor.id);
        assert.deepEqual(await store.keys.get(successor.id), { ...successor, version: 1 });
      });

      it('applies nothing when the work throws', async function () {
        const old = await store.keys.insert(sampleKeyOf(service.id));
        const successor = sampleKeyOf(service.id);
        await assert.rejects(
          store.unitOfWork(async (tx) => {
            await tx.keys.insert(successor);
            await tx.keys.update({ ...withoutVersion(old), name: 'changed' }, 1);
            throw new Error('injection failed');
          }),
          /injection failed/,
        );
        assert.deepEqual(await store.keys.get(old.id), old);
        assert.equal(await store.keys.get(successor.id), undefined);
      });

      it('applies nothing when one of its writes is stale (CONFLICT), even after others succeeded in it', async function () {
        const old = await store.keys.insert(sampleKeyOf(service.id));
        const moved = await store.keys.update({ ...withoutVersion(old), name: 'moved meanwhile' }, 1);
        const successor = sampleKeyOf(service.id);
        await assert.rejects(
          store.unitOfWork(async (tx) => {
            await tx.keys.insert(successor);
            await tx.keys.update({ ...withoutVersion(old), status: 'revoked' }, 1);
          }),
          isConflictNaming(moved),
        );
        assert.deepEqual(await store.keys.get(old.id), moved);
        assert.equal(await store.keys.get(successor.id), undefined);
      });

      it('lets one of two writers deciding on the same version win, and refuses the other: no update lost', async function () {
        const key = await store.keys.insert(sampleKeyOf(service.id, { name: 'contended' }));
        let other: Promise<Stored<KeyRecord>> | undefined;
        const unit = store.unitOfWork(async (tx) => {
          const read = (await tx.keys.get(key.id))!;
          // Another writer, deciding on the same version, while this unit is open. Not awaited here: a
          // store that locks the row this unit read makes it wait for the unit; one that does not lets
          // it commit first. Either way exactly one of the two may land.
          other = store.keys.update({ ...withoutVersion(key), name: 'renamed by the other writer' }, 1);
          other.catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 20));
          await tx.keys.update({ ...withoutVersion(read), status: 'inactive' }, read.version);
        });
        const [unitOutcome, otherOutcome] = await Promise.allSettled([unit, (async () => (await unit.catch(() => undefined), other!))()]);
        const stored = (await store.keys.get(key.id))!;
        assert.equal(stored.version, 2, 'both writes landed on version 1, or none did');
        if (unitOutcome.status === 'fulfilled') {
          assert.equal(otherOutcome.status, 'rejected');
          isConflictNaming(stored)((otherOutcome as PromiseRejectedResult).reason);
          assert.deepEqual([stored.name, stored.status], ['contended', 'inactive']);
        } else {
          isConflictNaming(stored)(unitOutcome.reason);
          assert.equal(otherOutcome.status, 'fulfilled');
          assert.deepEqual([stored.name, stored.status], ['renamed by the other writer', 'active']);
        }
      });
    });

    describe('change feed', function () {
      it('publishes every committed change, in order, before the write resolves; nothing for a refused one', async function () {
        const seen: StoreChange[] = [];
        const unsubscribe = store.changes.subscribe({ onChange: (change) => void seen.push(change), onResync: () => undefined });
        try {
          const record = sampleKeyOf(service.id);
          const inserted = await store.keys.insert(record);
          assert.deepEqual(
            seen,
            [{ collection: 'keys', id: record.id, record: inserted }],
            'the insert was not published before it resolved',
          );
          const updated = await store.keys.update({ ...record, name: 'renamed' }, 1);
          assert.deepEqual(seen.at(-1), { collection: 'keys', id: record.id, record: updated });
          await assert.rejects(store.keys.update({ ...record, name: 'stale' }, 1), isCode('CONFLICT'));
          await assert.rejects(store.keys.insert(sampleKeyOf(service.id, { secretHash: record.secretHash })), isCode('DUPLICATE_SECRET'));
          assert.equal(seen.length, 2, 'a refused write was published');
          await store.keys.delete(record.id, 2);
          assert.deepEqual(seen.at(-1), { collection: 'keys', id: record.id, record: undefined });

          const token = await store.tokens.insert(sampleToken());
          assert.deepEqual(seen.at(-1), { collection: 'tokens', id: token.id, record: token });
          const disabled = await store.services.update({ ...withoutVersion(service), enabled: false }, 1);
          assert.deepEqual(seen.at(-1), { collection: 'services', id: service.id, record: disabled });
        } finally {
          unsubscribe();
        }
      });

      it('publishes a unit of work once it committed, every change of it; nothing for one that failed', async function () {
        const seen: StoreChange[] = [];
        const unsubscribe = store.changes.subscribe({ onChange: (change) => void seen.push(change), onResync: () => undefined });
        try {
          const old = await store.keys.insert(sampleKeyOf(service.id));
          seen.length = 0;
          const successor = sampleKeyOf(service.id);
          await store.unitOfWork(async (tx) => {
            await tx.keys.update({ ...withoutVersion(old), status: 'revoked' }, 1);
            await tx.keys.insert(successor);
            assert.deepEqual(seen, [], 'a change was published before the unit committed');
          });
          assert.deepEqual(
            seen.map((change) => [change.id, change.record?.version]).sort(),
            [
              [old.id, 2],
              [successor.id, 1],
            ].sort(),
          );
          seen.length = 0;
          await assert.rejects(
            store.unitOfWork(async (tx) => {
              await tx.keys.insert(sampleKeyOf(service.id));
              throw new Error('undone');
            }),
          );
          assert.deepEqual(seen, []);
        } finally {
          unsubscribe();
        }
        await store.keys.insert(sampleKeyOf(service.id));
        assert.deepEqual(seen, [], 'a change reached a listener after it unsubscribed');
      });
    });

    describe('writes with their audit events', function () {
      const eventFor = async (action: string, keyId: string) => ({
        id: `evt_${unique()}`,
        at: '2030-01-02T00:00:00.000Z',
        actor: (await store.members.current()).name,
        action,
        keyId,
      });
      const actionsOf = async (keyId: string) => (await store.audit.query({ keyId, limit: 10 })).map((event) => event.action);

      it('stores the events of an insert, update and delete with them, and none for a refused or undone write', async function () {
        const record = sampleKeyOf(service.id);
        const stored = await store.keys.insert(record, { events: [await eventFor('key.created', record.id)] });
        await store.keys.update({ ...record, name: 'renamed' }, stored.version, [await eventFor('key.updated', record.id)]);
        await assert.rejects(
          store.keys.update({ ...record, name: 'stale' }, stored.version, [await eventFor('key.stale', record.id)]),
          isCode('CONFLICT'),
        );
        await assert.rejects(
          store.keys.insert(sampleKeyOf(service.id, { secretHash: record.secretHash }), {
            events: [await eventFor('key.duplicate', record.id)],
          }),
          isCode('DUPLICATE_SECRET'),
        );
        await assert.rejects(
          store.unitOfWork(async (tx) => {
            await tx.keys.update({ ...record, name: 'undone' }, 2, [await eventFor('key.undone', record.id)]);
            throw new Error('changed my mind');
          }),
          /changed my mind/,
        );
        await store.keys.delete(record.id, 2, [await eventFor('key.deleted', record.id)]);
        assert.deepEqual(await actionsOf(record.id), ['key.deleted', 'key.updated', 'key.created']);
      });

      it('stores the events of service and token writes with them, and none for a refused write', async function () {
        const actor = (await store.members.current()).name;
        const written: string[] = [];
        const refused: string[] = [];
        const eventOf = (action: string, stored = true) => {
          const event = { id: `evt_${unique()}`, at: '2030-01-02T00:00:00.000Z', actor, action };
          (stored ? written : refused).push(event.id);
          return [event];
        };
        const added = await store.services.insert(sampleService(), eventOf('service.created'));
        await store.services.update({ ...withoutVersion(added), enabled: false }, 1, eventOf('service.updated'));
        await assert.rejects(
          store.services.update({ ...withoutVersion(added), name: 'stale' }, 1, eventOf('service.stale', false)),
          isCode('CONFLICT'),
        );
        await assert.rejects(store.services.delete(added.id, 1, eventOf('service.stale', false)), isCode('CONFLICT'));
        await store.services.delete(added.id, 2, eventOf('service.deleted'));
        const token = sampleToken();
        await store.tokens.insert(token, eventOf('token.created'));
        assert.equal(await store.tokens.delete(token.id, eventOf('token.deleted')), true);
        assert.equal(await store.tokens.delete(token.id, eventOf('token.gone', false)), false);
        const recent = (await store.audit.query({ limit: 1000 })).map((event) => event.id);
        assert.deepEqual(
          written.filter((id) => recent.includes(id)),
          written,
          'an event of a stored write is missing',
        );
        assert.deepEqual(
          refused.filter((id) => recent.includes(id)),
          [],
          'an event of a refused write was stored',
        );
      });

      it('refuses a new key on a disabled or deleted service when asked to check it, storing neither the key nor its event', async function () {
        const disabled = await store.services.insert(sampleService({ enabled: false }));
        const onDisabled = sampleKeyOf(disabled.id);
        const refusal = (error: unknown) => {
          isCode('VALIDATION_FAILED')(error);
          assert.match(JSON.stringify((error as KeysmithError).details), /"serviceId":"[^"]*disabled or deleted meanwhile/);
          return true;
        };
        await assert.rejects(
          store.keys.insert(onDisabled, { events: [await eventFor('key.created', onDisabled.id)], requireEnabledService: true }),
          refusal,
        );
        assert.equal(await store.keys.get(onDisabled.id), undefined);
        assert.deepEqual(await actionsOf(onDisabled.id), []);
        const onGone = sampleKeyOf(`svc_${unique()}`);
        await assert.rejects(store.keys.insert(onGone, { requireEnabledService: true }), refusal);
        // Asked to check, an enabled service takes the key; not asked, the store leaves the rule to the core.
        assert.equal((await store.keys.insert(sampleKeyOf(service.id), { requireEnabledService: true })).version, 1);
        assert.equal((await store.keys.insert(sampleKeyOf(disabled.id))).version, 1);
      });

      it('answers each new key as a read of it returns it, alone or written together with others (checked, with events)', async function () {
        const full = (overrides: Partial<KeyRecord>) =>
          sampleKeyOf(service.id, {
            environment: 'production',
            permissions: ['write', 'read'],
            companies: ['ACME', 'Ünïcödé "quoted" \\ co', '{braces}, commas'],
            ipAllowList: ['10.0.0.0/8', '2001:db8::/32'],
            organization: 'ACME SAS',
            expiresAt: '2031-02-03T04:05:06.789Z',
            rotatedFrom: `key_${unique()}`,
            graceUntil: '2030-06-01T00:00:00.001Z',
            sealed: 'iv.tag.ciphertext',
            ...overrides,
          });
        const lone = full({});
        const together = [full({ name: 'Ünïcödé together' }), sampleKeyOf(service.id), full({ environment: 'test', permissions: [] })];
        const events = new Map<string, AuditEvent>();
        for (const record of [lone, ...together]) events.set(record.id, await eventFor('key.created', record.id));
        const write = (record: KeyRecord) => store.keys.insert(record, { events: [events.get(record.id)!], requireEnabledService: true });
        // The first alone; the others sent in the same tick, so a store that batches writes them together.
        const answers = [await write(lone), ...(await Promise.all(together.map(write)))];
        for (const [index, record] of [lone, ...together].entries()) {
          assert.deepEqual(answers[index], { ...record, version: 1 });
          assert.deepEqual(answers[index], await store.keys.get(record.id));
          assert.deepEqual(await actionsOf(record.id), ['key.created']);
        }
        // The answer is the caller's own: changing its arrays changes nothing stored nor the record written.
        answers[0]!.permissions.push('changed');
        assert.deepEqual(lone.permissions, ['write', 'read']);
      });
    });

    describe('concurrent new keys', function () {
      // A store may write concurrent new keys together (PostgreSQL does: newKeyBatch.ts): a key refused
      // among them is refused alone, in a batch that succeeds (a disabled service) or fails (a duplicate).
      for (const refused of ['a disabled service', 'a duplicate secret'] as const) {
        it(`answers each of many concurrent checked inserts on its own, one of them on ${refused}`, async function () {
          const actor = (await store.members.current()).name;
          const disabled = await store.services.insert(sampleService({ enabled: false }));
          const taken = await store.keys.insert(sampleKeyOf(service.id));
          const odd = 7;
          const records = Array.from({ length: 30 }, (_, index) =>
            index !== odd
              ? sampleKeyOf(service.id)
              : refused === 'a disabled service'
                ? sampleKeyOf(disabled.id)
                : sampleKeyOf(service.id, { secretHash: taken.secretHash }),
          );
          const outcomes = await Promise.allSettled(
            records.map((record) =>
              store.keys.insert(record, {
                events: [{ id: `evt_${unique()}`, at: '2030-01-02T00:00:00.000Z', actor, action: 'key.created', keyId: record.id }],
                requireEnabledService: true,
              }),
            ),
          );
          for (const [index, outcome] of outcomes.entries()) {
            const record = records[index]!;
            const events = (await store.audit.query({ keyId: record.id, limit: 10 })).map((event) => event.action);
            if (index === odd) {
              assert.equal(outcome.status, 'rejected', `key ${index} was stored`);
              await assert.rejects(
                Promise.reject(outcome.reason),
                isCode(refused === 'a disabled service' ? 'VALIDATION_FAILED' : 'DUPLICATE_SECRET'),
              );
              assert.equal(await store.keys.get(record.id), undefined);
              assert.deepEqual(events, []);
            } else {
              assert.equal(outcome.status, 'fulfilled', `key ${index}: ${String((outcome as PromiseRejectedResult).reason)}`);
              assert.deepEqual(outcome.value, { ...record, version: 1 });
              assert.deepEqual(await store.keys.get(record.id), { ...record, version: 1 });
              assert.deepEqual(events, ['key.created']);
            }
          }
        });
      }
    });

    describe('members and audit', function () {
      it('knows the member it acts as, among its members', async function () {
        const current = await store.members.current();
        assert.ok(current.name.length > 0);
        assert.deepEqual(await store.members.get(current.name), current);
        assert.ok((await store.members.list()).some((member) => member.name === current.name));
      });

      it('appends audit events and reads them newest first, optionally for one key', async function () {
        const keyId = `key_${unique()}`;
        // In the name of the member the store acts as: a team store lets a member append only its own.
        const actor = (await store.members.current()).name;
        const events = [1, 2, 3].map((n) => ({
          id: `evt_${unique()}`,
          at: `2030-01-0${n}T00:00:00.000Z`,
          actor,
          action: n === 2 ? 'key.updated' : 'key.created',
          ...(n === 2 ? {} : { keyId }),
        }));
        await store.audit.append(events);
        const forKey = await store.audit.query({ keyId, limit: 10 });
        assert.deepEqual(
          forKey.map((event) => event.id),
          [events[2]!.id, events[0]!.id],
        );
        assert.equal((await store.audit.query({ keyId, limit: 1 }))[0]!.id, events[2]!.id);
      });
    });
  });
}
