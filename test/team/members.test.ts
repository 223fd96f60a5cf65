// `keysmith members ...` down to the database: the CLI command, over HTTP, to the members routes, to a
// PostgresStore connected as a member, to migration 002's functions. The routes run in a small Express
// app of their own here (json body, routes, the daemon's error handler), as app.ts will mount them.
import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Client } from 'pg';
import { parseArgs } from '../../daemon/args';
import { membersCommand } from '../../daemon/cli/membersCommand';
import type { DaemonConnection } from '../../daemon/cliClient';
import { errorHandler } from '../../daemon/http/errorHandler';
import type { ErrorBody } from '../../daemon/protocol';
import { memberRoutes } from '../../daemon/routes/members';
import type { PostgresStore } from '../../daemon/store/postgres/postgresStore';
import { createTestDatabase } from '../support/postgresServer';
import { addMember, memberUrl, newPassword, openAs, uniqueName, type TestMember } from './support/members';

interface Api {
  server: Server;
  logged: string[];
  /** The DaemonConnection the CLI uses, over HTTP to this app; errors are the daemon's messages. */
  daemon: DaemonConnection;
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

async function serveMembers(store: PostgresStore): Promise<Api> {
  const logged: string[] = [];
  const app = express();
  app.use(express.json());
  app.use(memberRoutes(store.members));
  app.use(errorHandler({ info: (message) => logged.push(message), error: (message) => logged.push(message) }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  const daemon: DaemonConnection = {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await raw(method, path, body);
      if (answer.status >= 400) throw new Error((answer.body as ErrorBody).error.message);
      return answer.body as T;
    },
  };
  return { server, logged, daemon, raw };
}

/** Runs `keysmith members ...` with its output captured. */
async function members(api: Api, argv: string[], password?: string): Promise<{ printed: string[]; json: unknown[] }> {
  const args = parseArgs(argv, ['role'], ['json', 'password-stdin']);
  const printed: string[] = [];
  const json: unknown[] = [];
  await membersCommand(
    api.daemon,
    args,
    (value, human) => {
      json.push(value);
      printed.push(human());
    },
    async () => password ?? '',
  );
  return { printed, json };
}

async function canLogIn(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ who: string }>('SELECT session_user AS who')).rows[0]!.who;
  } finally {
    await client.end();
  }
}

describe('keysmith members (CLI, API, PostgreSQL roles)', function () {
  this.timeout(60_000);
  let databaseUrl: string;
  let root: PostgresStore;
  let owner: TestMember;
  let admin: TestMember;
  let issuer: TestMember;
  const stores: PostgresStore[] = [];
  let adminApi: Api;
  let issuerApi: Api;

  before(async () => {
    databaseUrl = await createTestDatabase('team_members');
    root = await openAs({ url: databaseUrl });
    owner = await addMember(root, databaseUrl, 'owner', 'owner');
    admin = await addMember(root, databaseUrl, 'admin', 'admin');
    issuer = await addMember(root, databaseUrl, 'issuer', 'issuer');
    for (const member of [admin, issuer]) stores.push(await openAs(member));
    adminApi = await serveMembers(stores[0]!);
    issuerApi = await serveMembers(stores[1]!);
  });

  after(async () => {
    for (const api of [adminApi, issuerApi]) await new Promise((resolve) => api?.server.close(resolve));
    await Promise.all([root, ...stores].filter(Boolean).map((store) => store.close()));
  });

  it('adds a member whose login works with the password read from stdin, lists, moves and removes it', async () => {
    const name = uniqueName('ana');
    const password = newPassword();
    const added = await members(adminApi, ['members', 'add', name, '--role', 'issuer', '--password-stdin'], password);
    assert.deepEqual(added.printed, [`Added ${name} as issuer.`]);
    assert.equal(await canLogIn(memberUrl(databaseUrl, name, password)), name);

    const listed = await members(adminApi, ['members', 'list']);
    assert.match(listed.printed[0]!, new RegExp(`^NAME\\s+ROLE\\s+SINCE\\n[^]*\\b${name}\\s+issuer\\s+\\d{4}-\\d\\d-\\d\\d`));
    const json = listed.json[0] as { items: { name: string; role: string }[] };
    assert.deepEqual(
      json.items.map(({ name: listedName, role }) => [listedName, role]),
      [
        [admin.name, 'admin'],
        [name, 'issuer'],
        [issuer.name, 'issuer'],
        [owner.name, 'owner'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    assert.deepEqual((await members(adminApi, ['members', 'set-role', name, 'auditor'])).printed, [`${name} is now auditor.`]);
    assert.deepEqual((await members(adminApi, ['members', 'remove', name])).printed, [`Removed ${name}.`]);
    await assert.rejects(canLogIn(memberUrl(databaseUrl, name, password)), /password authentication failed|does not exist/);

    // Each change is in the audit trail, in the admin's name, without the password.
    const trail = (await root.audit.query({ limit: 20 })).filter((event) => (event.details as { member?: string })?.member === name);
    assert.deepEqual(
      trail.map((event) => [event.action, event.actor, (event.details as { role: string }).role]),
      [
        ['member.removed', admin.name, 'auditor'],
        ['member.role_changed', admin.name, 'auditor'],
        ['member.added', admin.name, 'issuer'],
      ],
    );
    assert.ok(!JSON.stringify(trail).includes(password));
    assert.ok(!adminApi.logged.join('\n').includes(password));
  });

  it("sends only the password's SCRAM verifier: with every statement logged, the server log never holds the password", async () => {
    // log_statement = all for the admin's new sessions; the server's log is read as the superuser.
    const superuser = new Client({ connectionString: databaseUrl });
    await superuser.connect();
    try {
      await superuser.query(`ALTER ROLE ${admin.name} SET log_statement = 'all'`);
      const logged = await openAs(admin);
      stores.push(logged);
      const name = uniqueName('uni');
      // Not ASCII: the verifier is computed on the SASLprep'ed password, as the server would.
      const password = `Pässwörd\u00A0${newPassword()}\u00AD`;
      await logged.members.add({ name, role: 'verifier', createdAt: '' }, password);
      assert.equal(await canLogIn(memberUrl(databaseUrl, name, password)), name);
      const stored = await superuser.query<{ verifier: string }>('SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = $1', [
        name,
      ]);
      assert.match(stored.rows[0]!.verifier, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);

      const dataDirectory = (await superuser.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
      const log = (await superuser.query<{ text: string }>('SELECT pg_read_file($1) AS text', [`${dataDirectory}/../server.log`])).rows[0]!
        .text;
      assert.match(log, /keysmith_add_member/, 'the call is logged (log_statement = all took effect)');
      assert.ok(log.includes(stored.rows[0]!.verifier), 'its parameters are logged: the verifier');
      assert.ok(!log.includes(password) && !log.includes(password.slice(0, 12)), 'the password is not');
      await logged.members.remove(name);
    } finally {
      await superuser.query(`ALTER ROLE ${admin.name} RESET log_statement`);
      await superuser.end();
    }
  });

  it('answers 403 FORBIDDEN_ROLE when an admin makes an owner or an issuer manages members, never the password', async () => {
    const password = newPassword();
    const owner2 = await adminApi.raw('POST', '/v1/members', { name: uniqueName('boss'), role: 'owner', password });
    assert.equal(owner2.status, 403);
    assert.deepEqual(owner2.body.error.code, 'FORBIDDEN_ROLE');
    assert.equal(owner2.body.error.message, 'Your role (admin) does not allow making, demoting or removing an owner.');
    assert.ok(!JSON.stringify(owner2.body).includes(password));

    const demote = await adminApi.raw('PATCH', `/v1/members/${owner.name}`, { role: 'issuer' });
    assert.equal(demote.status, 403);
    const remove = await adminApi.raw('DELETE', `/v1/members/${owner.name}`);
    assert.equal(remove.status, 403);

    const list = await issuerApi.raw('GET', '/v1/members');
    assert.deepEqual([list.status, list.body.error.message], [403, 'Your role (issuer) does not allow managing members.']);
    await assert.rejects(
      members(issuerApi, ['members', 'add', uniqueName('x'), '--role', 'verifier']),
      /^Error: Your role \(issuer\) does not allow managing members\.$/,
    );
  });

  it('refuses bad names, roles and unknown members field by field, before the database', async () => {
    const bad = await adminApi.raw('POST', '/v1/members', { name: 'Robert"; DROP TABLE keys; --', role: 'chief', password: 'short' });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body.error.details).sort(), ['name', 'password', 'role']);
    assert.ok(!JSON.stringify(bad.body).includes('short'));
    const reserved = await adminApi.raw('POST', '/v1/members', { name: 'pg_admin', role: 'issuer' });
    assert.equal(reserved.status, 400);
    const taken = await adminApi.raw('POST', '/v1/members', { name: 'postgres', role: 'issuer' });
    assert.deepEqual([taken.status, taken.body.error.code], [400, 'VALIDATION_FAILED']);
    assert.match(taken.body.error.message, /already exists; choose another name/);

    assert.equal((await adminApi.raw('PATCH', `/v1/members/${uniqueName('ghost')}`, { role: 'issuer' })).status, 404);
    assert.equal((await adminApi.raw('DELETE', `/v1/members/${uniqueName('ghost')}`)).status, 404);
    assert.equal((await adminApi.raw('PATCH', `/v1/members/${issuer.name}`, { role: 'root' })).status, 400);
  });
});
