// Each member role's rights on a real PostgreSQL (migration 002), asked twice: through the store a daemon
// uses, and through the member's own psql login, which must not be able to do more. One database, one
// member per role, added with keysmith_add_member: the owner by the database's superuser, the owner adds
// the admin, the admin adds the others.
import { strict as assert } from 'node:assert';
import type { PostgresStore } from '../../daemon/store/postgres/postgresStore';
import type { MemberRole, Stored } from '../../daemon/store/repositories';
import type { KeyRecord, VerifyKey } from '../../daemon/store/types';
import { verifyKeyOf } from '../../daemon/store/verifyKey';
import { createTestDatabase } from '../support/postgresServer';
import { keyRecord, serviceRecord, tokenRecord } from '../store/support/records';
import { addMember, memberUrl, newPassword, openAs, psqlAs, uniqueName, type TestMember } from './support/members';
import { rejectsWithCode } from '../support/keysmithErrors';

const refused = (promise: Promise<unknown>, code = 'FORBIDDEN_ROLE') => rejectsWithCode(promise, code);

const event = (actor: string, action: string, keyId?: string) => ({
  id: uniqueName('evt'),
  at: new Date().toISOString(),
  actor,
  action,
  ...(keyId === undefined ? {} : { keyId }),
});

const PERMISSION_DENIED = /permission denied for (table|view|function|sequence) (audit|keys|keys_readable|key_usage|services|tokens)/;

describe('Team rights enforced by PostgreSQL (members are roles)', function () {
  this.timeout(60_000);
  let databaseUrl: string;
  let root: PostgresStore;
  const member = {} as Record<MemberRole, TestMember>;
  const store = {} as Record<MemberRole, PostgresStore>;
  let adminKey: Stored<KeyRecord>;
  let issuerTestKey: Stored<KeyRecord>;
  let issuerProductionKey: Stored<KeyRecord>;

  before(async () => {
    databaseUrl = await createTestDatabase('team_rights');
    root = await openAs({ url: databaseUrl });
    member.owner = await addMember(root, databaseUrl, 'owner', 'owner');
    store.owner = await openAs(member.owner);
    member.admin = await addMember(store.owner, databaseUrl, 'admin', 'admin');
    store.admin = await openAs(member.admin);
    for (const role of ['issuer', 'auditor', 'verifier'] as const) {
      member[role] = await addMember(store.admin, databaseUrl, role, role);
      store[role] = await openAs(member[role]);
    }
    // Keys reference their service (migration 001): the one keyRecord() names.
    await store.admin.services.insert(serviceRecord({ id: 'svc_test' }));
    adminKey = await store.admin.keys.insert(keyRecord({ id: 'key_admin', createdBy: member.admin.name, sealed: 'sealed-admin' }));
    issuerTestKey = await store.issuer.keys.insert(
      keyRecord({ id: 'key_issuer_test', createdBy: member.issuer.name, sealed: 'sealed-issuer' }),
    );
    issuerProductionKey = await store.issuer.keys.insert(
      keyRecord({
        id: 'key_issuer_prod',
        environment: 'production',
        origin: 'imported',
        createdBy: member.issuer.name,
        sealed: 'sealed-prod',
      }),
    );
    await store.admin.audit.append([event(member.admin.name, 'key.created', adminKey.id)]);
    await store.issuer.audit.append([event(member.issuer.name, 'key.created', issuerTestKey.id)]);
  });

  after(async () => {
    await Promise.all([root, ...Object.values(store)].filter(Boolean).map((opened) => opened.close()));
  });

  describe('through the store', () => {
    it('knows each daemon as its login and that login’s role', async () => {
      for (const role of ['owner', 'admin', 'issuer', 'auditor', 'verifier'] as const) {
        const current = await store[role].members.current();
        assert.deepEqual([current.name, current.role], [member[role].name, role]);
      }
      const listed = await store.admin.members.list();
      assert.deepEqual(
        listed.map(({ name, role }) => [name, role]),
        Object.values(member)
          .map(({ name, role }) => [name, role])
          .sort((a, b) => a[0]!.localeCompare(b[0]!)),
      );
    });

    it('refuses to open for a login in no keysmith role, saying so', async () => {
      const outsider = { name: uniqueName('outsider'), password: newPassword() };
      await psqlAs({ url: databaseUrl }, `CREATE ROLE ${outsider.name} LOGIN PASSWORD '${outsider.password}'`);
      const refusal = await refused(openAs({ url: memberUrl(databaseUrl, outsider.name, outsider.password) }));
      assert.match(refusal.message, new RegExp(`^The database login ${outsider.name} is not a Keysmith member of this store`));
      assert.ok(!refusal.message.includes(outsider.password));
      await psqlAs({ url: databaseUrl }, `DROP ROLE ${outsider.name}`);
    });

    it('admin: every key with its sealed secret, services, tokens, members but never an owner', async () => {
      assert.equal((await store.admin.keys.get(issuerTestKey.id))?.sealed, 'sealed-issuer');
      const service = await store.admin.services.insert(serviceRecord());
      await store.admin.services.delete(service.id, service.version);
      const token = await store.admin.tokens.insert(tokenRecord());
      assert.equal(await store.admin.tokens.delete(token.id), true);

      const inTheirName = await refused(store.admin.keys.insert(keyRecord({ createdBy: member.issuer.name })));
      assert.equal(inTheirName.message, "Your role (admin) does not allow adding keys in another member's name.");
      const updated = await store.admin.keys.update({ ...issuerTestKey, name: 'Renamed by the admin' }, issuerTestKey.version);
      issuerTestKey = updated;

      const refusal = await refused(store.admin.members.add({ name: uniqueName('boss'), role: 'owner', createdAt: '' }, newPassword()));
      assert.match(refusal.message, /^Your role \(admin\) does not allow making, demoting or removing an owner\.$/);
      await refused(store.admin.members.setRole(member.owner.name, 'admin'));
      await refused(store.admin.members.remove(member.owner.name));
      await refused(store.admin.members.setRole(member.issuer.name, 'owner'));
      assert.equal((await store.owner.members.get(member.owner.name))?.role, 'owner');

      const temp = await addMember(store.admin, databaseUrl, 'temp', 'auditor');
      assert.equal((await store.admin.members.setRole(temp.name, 'issuer')).role, 'issuer');
      assert.equal(await store.admin.members.remove(temp.name), true);
      assert.equal(await store.admin.members.remove(temp.name), false);
      assert.equal(await store.admin.members.get(temp.name), undefined);
    });

    it('owner: makes and removes owners, but nobody removes the last owner', async () => {
      const last = await refused(store.owner.members.remove(member.owner.name));
      assert.match(last.message, /last owner/);
      await refused(store.owner.members.setRole(member.owner.name, 'admin'));
      const second = await addMember(store.owner, databaseUrl, 'owner2', 'owner');
      assert.equal((await store.owner.members.setRole(second.name, 'admin')).role, 'admin');
      assert.equal(await store.owner.members.remove(second.name), true);
    });

    it('issuer: reads every key, writes only its own, and gets back the secret of its own test keys only', async () => {
      const keys = await store.issuer.keys.all();
      assert.deepEqual(
        keys.map(({ id, sealed }) => [id, sealed]),
        [
          [adminKey.id, undefined],
          [issuerProductionKey.id, undefined],
          [issuerTestKey.id, 'sealed-issuer'],
        ],
      );

      // A key it did not create is refused, never reported as a stale version (CONFLICT) nor as missing.
      const notMine = await refused(store.issuer.keys.update({ ...adminKey, name: 'Taken over' }, adminKey.version));
      assert.match(
        notMine.message,
        /^Your role \(issuer\) does not allow changing or deleting the key "Key \d+": it was created by another member\.$/,
      );
      await refused(store.issuer.keys.delete(adminKey.id, adminKey.version));
      await refused(store.issuer.keys.insert(keyRecord({ createdBy: member.admin.name })));
      await refused(store.issuer.keys.update({ ...issuerTestKey, createdBy: member.admin.name }, issuerTestKey.version));
      assert.equal((await store.admin.keys.get(adminKey.id))?.name, adminKey.name);

      // Its own production key, written back without the secret it cannot read, keeps the sealed copy.
      const deactivated = await store.issuer.keys.update({ ...issuerProductionKey, status: 'inactive' }, issuerProductionKey.version);
      assert.equal(deactivated.version, issuerProductionKey.version + 1);
      assert.equal((await store.admin.keys.get(issuerProductionKey.id))?.sealed, 'sealed-prod');
      issuerProductionKey = deactivated;

      const own = await store.issuer.keys.insert(
        keyRecord({ createdBy: member.issuer.name, useCount: 4, lastUsedAt: '2030-02-01T00:00:00.000Z' }),
      );
      assert.equal(own.useCount, 4);
      await store.issuer.keys.delete(own.id, own.version);

      await refused(store.issuer.services.insert(serviceRecord()));
      await refused(store.issuer.tokens.insert(tokenRecord()));
      await refused(store.issuer.members.list());
      await refused(store.issuer.members.add({ name: uniqueName('x'), role: 'verifier', createdAt: '' }));
    });

    it('issuer: creates keys the way a daemon does (checked service, event in the same write, batched), only in its own name', async () => {
      const mine = Array.from({ length: 12 }, () => keyRecord({ createdBy: member.issuer.name }));
      const stored = await Promise.all(
        mine.map((record) =>
          store.issuer.keys.insert(record, { events: [event(member.issuer.name, 'key.created', record.id)], requireEnabledService: true }),
        ),
      );
      assert.deepEqual(
        stored.map((key) => key.id),
        mine.map((record) => record.id),
      );
      for (const record of mine) {
        const events = await store.issuer.audit.query({ keyId: record.id, limit: 10 });
        assert.deepEqual(
          events.map((written) => written.action),
          ['key.created'],
        );
      }
      // One key in another's name among them: refused alone, the others stored.
      const batch = Array.from({ length: 6 }, (_, index) => keyRecord({ createdBy: index === 3 ? member.admin.name : member.issuer.name }));
      const outcomes = await Promise.allSettled(
        batch.map((record) =>
          store.issuer.keys.insert(record, { events: [event(member.issuer.name, 'key.created', record.id)], requireEnabledService: true }),
        ),
      );
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      await refused(Promise.reject((outcomes[3] as PromiseRejectedResult).reason));
      assert.equal(await store.admin.keys.get(batch[3]!.id), undefined);
      for (const record of mine.concat(batch.filter((_, index) => index !== 3))) await store.issuer.keys.delete(record.id, 1);
    });

    it("issuer: appends audit events only in its own name (or a verify token's it served) and reads only its own", async () => {
      const forged = await refused(store.issuer.audit.append([event(member.admin.name, 'key.revoked', adminKey.id)]));
      assert.match(forged.message, /^Your role \(issuer\) does not allow writing audit events in another member's name\.$/);
      // A verify token's refused verify, served by the issuer's daemon: kept under the token's name, and
      // the database records which login appended it.
      const served = event('token:shop', 'key.verify_failed', issuerTestKey.id);
      await store.issuer.audit.append([served]);
      assert.equal(
        (await store.admin.audit.query({ keyId: issuerTestKey.id, limit: 100 })).find((seen) => seen.id === served.id)?.actor,
        'token:shop',
      );
      const recordedBy = await psqlAs(member.admin, `SELECT recorded_by FROM audit WHERE event_id = '${served.id}'`);
      assert.equal(recordedBy.stdout, member.issuer.name);
      const events = await store.issuer.audit.query({ limit: 100 });
      assert.ok(events.length > 0);
      assert.deepEqual([...new Set(events.map((seen) => seen.actor))].sort(), [member.issuer.name, 'token:shop'].sort());
    });

    it('auditor: reads every key and the whole audit log, never a secret, and writes nothing', async () => {
      const keys = await store.auditor.keys.all();
      assert.equal(keys.length, 3);
      assert.ok(keys.every((key) => key.sealed === undefined && key.name !== undefined && key.createdBy !== undefined));
      const listed = await store.auditor.keys.list({ sort: 'name', order: 'asc', page: 1, pageSize: 10, now: new Date() });
      assert.equal(listed.total, 3);
      const actors = new Set((await store.auditor.audit.query({ limit: 100 })).map((seen) => seen.actor));
      assert.ok(actors.has(member.admin.name) && actors.has(member.issuer.name));

      const write = await refused(store.auditor.keys.update({ ...adminKey, name: 'x' }, adminKey.version));
      assert.match(write.message, /^Your role \(auditor\) does not allow changing keys\.$/);
      await refused(store.auditor.keys.insert(keyRecord({ createdBy: member.auditor.name })));
      const checked = await refused(
        store.auditor.keys.insert(keyRecord({ createdBy: member.auditor.name }), { requireEnabledService: true }),
      );
      assert.match(checked.message, /does not allow adding keys/);
      await refused(store.auditor.keys.delete(adminKey.id, adminKey.version));
      await refused(store.auditor.services.insert(serviceRecord()));
    });

    it('verifier: finds keys by hash with what verify needs only, records uses, and reads neither secrets nor audit', async () => {
      const found = await store.verifier.keys.findByHash(adminKey.secretHash);
      assert.equal(found?.id, adminKey.id);
      assert.deepEqual([found?.name, found?.createdBy, found?.sealed, found?.hint], [undefined, undefined, undefined, undefined]);
      assert.equal(found?.version, adminKey.version);
      assert.equal((await store.verifier.keys.all()).length, 3);
      // What a verify sidecar builds its index from at start: exactly the columns it is granted.
      const narrowed: VerifyKey[] = [];
      for await (const page of store.verifier.keys.verifyKeys()) narrowed.push(...page);
      assert.deepEqual(narrowed.map((key) => key.id).sort(), (await store.admin.keys.all()).map((key) => key.id).sort());
      assert.deepEqual(
        narrowed.find((key) => key.id === adminKey.id),
        verifyKeyOf(adminKey),
      );
      // The same key by key, as the daemon reads it at start.
      const handed: VerifyKey[] = [];
      await store.verifier.keys.eachVerifyKey!((key) => handed.push(key));
      assert.deepEqual(handed.map((key) => key.id).sort(), narrowed.map((key) => key.id).sort());
      assert.deepEqual(
        handed.find((key) => key.id === adminKey.id),
        verifyKeyOf(adminKey),
      );

      const before = (await store.admin.keys.get(adminKey.id))?.useCount ?? 0;
      store.verifier.recordUse({ keyId: adminKey.id, at: new Date().toISOString(), ip: '10.0.0.7' });
      await store.verifier.flush();
      const after = await store.admin.keys.get(adminKey.id);
      assert.deepEqual([after?.useCount, after?.lastUsedIp, after?.version], [before + 1, '10.0.0.7', adminKey.version]);

      const audit = await refused(store.verifier.audit.query({ limit: 10 }));
      assert.match(audit.message, /^Your role \(verifier\) does not allow reading the audit log\.$/);
      await refused(store.verifier.keys.list({ sort: 'name', order: 'asc', page: 1, pageSize: 10, now: new Date() }));
      await refused(store.verifier.keys.insert(keyRecord({ createdBy: member.verifier.name })));
      await refused(store.verifier.tokens.insert(tokenRecord()));
    });
  });

  describe("through the member's own psql login", () => {
    it('issuer: cannot touch another member’s key, insert in another’s name, nor read a sealed secret', async () => {
      const update = await psqlAs(member.issuer, `UPDATE keys SET name = 'Taken over' WHERE id = '${adminKey.id}'`);
      // The row policy hides the key from the UPDATE: nothing is changed.
      assert.deepEqual([update.ok, update.stdout], [true, 'UPDATE 0']);
      const remove = await psqlAs(member.issuer, `DELETE FROM keys WHERE id = '${adminKey.id}'`);
      assert.deepEqual([remove.ok, remove.stdout], [true, 'DELETE 0']);
      assert.equal((await store.admin.keys.get(adminKey.id))?.name, adminKey.name);

      const handOver = await psqlAs(member.issuer, `UPDATE keys SET created_by = '${member.admin.name}' WHERE id = '${issuerTestKey.id}'`);
      assert.equal(handOver.ok, false);
      assert.match(handOver.stderr, /new row violates row-level security policy for table "keys"/);

      const insert = await psqlAs(
        member.issuer,
        `INSERT INTO keys (id, service_id, environment, name, reference, hint, status, origin, starts_at, created_at, created_by, updated_at, secret_hash)
         VALUES ('key_forged', 'svc_test', 'test', 'Forged', 'ref', 'h', 'active', 'generated', now(), now(), '${member.admin.name}', now(), 'forged_hash')`,
      );
      assert.equal(insert.ok, false);
      assert.match(insert.stderr, /new row violates row-level security policy for table "keys"/);

      for (const sql of ['SELECT sealed FROM keys', 'SELECT * FROM keys']) {
        const read = await psqlAs(member.issuer, sql);
        assert.equal(read.ok, false, sql);
        assert.match(read.stderr, /permission denied for table keys/);
      }
      const view = await psqlAs(member.issuer, "SELECT id, coalesce(sealed, '-') FROM keys_readable ORDER BY id");
      assert.equal(view.stdout, `${adminKey.id}|-\n${issuerProductionKey.id}|-\n${issuerTestKey.id}|sealed-issuer`);

      const usage = await psqlAs(
        member.issuer,
        `INSERT INTO key_usage (key_id, use_count) VALUES ('${adminKey.id}', 1000) ON CONFLICT DO NOTHING`,
      );
      assert.equal(usage.ok, false);
      assert.match(usage.stderr, /row-level security policy for table "key_usage"/);
      const members = await psqlAs(member.issuer, 'SELECT * FROM keysmith_members()');
      assert.match(members.stderr, /permission denied for function keysmith_members/);
      const escalate = await psqlAs(member.issuer, 'SET ROLE keysmith_admin');
      assert.match(escalate.stderr, /permission denied to set role "keysmith_admin"/);
    });

    it('auditor: reads keys and the audit log, no sealed secret, and writes nothing', async () => {
      const read = await psqlAs(
        member.auditor,
        'SELECT (SELECT count(*) FROM keys_readable WHERE sealed IS NULL), (SELECT count(*) > 0 FROM audit)',
      );
      assert.equal(read.stdout, '3|t');
      const columns = await psqlAs(member.auditor, 'SELECT count(*) FROM keys WHERE created_by IS NOT NULL');
      assert.equal(columns.stdout, '3');
      for (const sql of [
        'SELECT sealed FROM keys',
        `UPDATE keys SET name = 'x'`,
        'DELETE FROM keys',
        `INSERT INTO services (id, name, enabled, scheme, prefix, built_in) VALUES ('svc_x', 'X', true, 'bearer', 'x_', false)`,
        'DELETE FROM tokens',
        `INSERT INTO key_usage (key_id) VALUES ('${adminKey.id}')`,
        'DELETE FROM keysmith_migrations',
      ]) {
        const attempt = await psqlAs(member.auditor, sql);
        assert.equal(attempt.ok, false, sql);
        assert.match(attempt.stderr, /permission denied for table/, sql);
      }
    });

    it('verifier: reads the verify columns, never sealed, names nor the audit log', async () => {
      const verify = await psqlAs(member.verifier, `SELECT id, status FROM keys WHERE secret_hash = '${adminKey.secretHash}'`);
      assert.equal(verify.stdout, `${adminKey.id}|active`);
      for (const sql of [
        'SELECT sealed FROM keys',
        'SELECT name FROM keys',
        'SELECT * FROM keys_readable',
        'SELECT * FROM audit',
        'SELECT * FROM key_usage',
      ]) {
        const attempt = await psqlAs(member.verifier, sql);
        assert.equal(attempt.ok, false, sql);
        assert.match(attempt.stderr, PERMISSION_DENIED, sql);
      }
      const direct = await psqlAs(member.verifier, `UPDATE key_usage SET use_count = 0`);
      assert.match(direct.stderr, PERMISSION_DENIED);
    });

    it('nobody, owner included, updates, deletes or truncates the audit log', async () => {
      for (const role of ['owner', 'admin', 'issuer', 'auditor', 'verifier'] as const) {
        for (const sql of [`UPDATE audit SET action = 'rewritten'`, 'DELETE FROM audit', 'TRUNCATE audit']) {
          const attempt = await psqlAs(member[role], sql);
          assert.equal(attempt.ok, false, `${role}: ${sql}`);
          assert.match(attempt.stderr, /permission denied for table audit/, `${role}: ${sql}`);
        }
      }
      const forged = await psqlAs(
        member.auditor,
        `INSERT INTO audit (event_id, at, actor, action) VALUES ('evt_forged', now(), '${member.owner.name}', 'key.revoked')`,
      );
      assert.match(forged.stderr, /new row violates row-level security policy for table "audit"/);
    });

    it('admin: manages members but cannot create an owner; the password never reaches an error', async () => {
      const password = newPassword();
      const owner = await psqlAs(member.admin, `SELECT name FROM keysmith_add_member('${uniqueName('boss')}', 'owner', '${password}')`);
      assert.equal(owner.ok, false);
      assert.match(owner.stderr, /keysmith: making, demoting or removing an owner/);
      assert.ok(!owner.stderr.includes(password));

      const name = uniqueName('helper');
      const added = await psqlAs(member.admin, `SELECT name || ':' || role FROM keysmith_add_member('${name}', 'verifier', '${password}')`);
      assert.equal(added.stdout, `${name}:verifier`);
      const login = await psqlAs(
        { url: member.admin.url.replace(member.admin.name, name).replace(member.admin.password, password) },
        'SELECT 1',
      );
      assert.equal(login.stdout, '1');
      const removed = await psqlAs(member.admin, `SELECT keysmith_remove_member('${name}')`);
      assert.equal(removed.stdout, 't');

      const bad = await psqlAs(member.admin, `SELECT keysmith_add_member('Robert"; DROP TABLE keys; --', 'issuer', 'x')`);
      assert.match(bad.stderr, /a member name is 1 to 63 lower-case letters/);
      const existing = await psqlAs(member.admin, `SELECT keysmith_add_member('postgres', 'issuer', 'x')`);
      assert.match(existing.stderr, /already exists/);
      const sessionRole = await psqlAs(member.admin, 'SET ROLE keysmith_owner');
      assert.match(sessionRole.stderr, /permission denied to set role/);
    });
  });
});
