// The role capabilities map (extension/team/roleCapabilities.ts) and what package.json's menus show
// with the context keys it sets: every `when` clause of the manifest is evaluated for every role and a
// spread of tree rows (own or others' keys, each state, each environment, retrievable or not).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Environment, KeyState, KeyStatus, KeyView, MemberRole } from '../../daemon/protocol';
import {
  capabilitiesOf,
  capabilityContextKeys,
  keyRights,
  ROLE_CAPABILITIES,
  type KeyRights,
  type RoleCapabilities,
} from '../../extension/team/roleCapabilities';
import { keyContextValue } from '../../extension/tree/keyContextValue';
import { evaluateWhen, type Context } from './whenClause';

const ROOT = path.join(__dirname, '..', '..');
type MenuEntry = { command: string; when?: string; group?: string };
type Welcome = { view: string; contents: string; when: string };
type Manifest = { menus: Record<string, MenuEntry[]>; viewsWelcome: Welcome[] };
const manifest = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: Manifest }).contributes;
const before = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'menus-before-roles.json'), 'utf8')) as Manifest;

const ROLES: readonly MemberRole[] = ['owner', 'admin', 'issuer', 'auditor', 'verifier'];
const ME = 'alice';

/** Every kind of key row: each state with each stored status it can have, retrievable or not, both environments, own or not. */
function sampleKeys(): Array<{ key: KeyView; own: boolean }> {
  const pairs: Array<[KeyState, KeyStatus]> = [
    ['active', 'active'],
    ['inactive', 'inactive'],
    ['revoked', 'revoked'],
    ['scheduled', 'active'],
    ['scheduled', 'inactive'],
    ['expired', 'active'],
    ['expired', 'inactive'],
  ];
  const rows: Array<{ key: KeyView; own: boolean }> = [];
  for (const [state, status] of pairs) {
    for (const retrievable of [true, false]) {
      for (const environment of ['test', 'production'] as Environment[]) {
        for (const own of [true, false]) {
          const key = { state, status, retrievable, environment, createdBy: own ? ME : 'bob' } as KeyView;
          rows.push({ key, own });
        }
      }
    }
  }
  return rows;
}

function roleContext(role: MemberRole): Context {
  return capabilityContextKeys(ROLE_CAPABILITIES[role]);
}

function baseContexts(): Context[] {
  const contexts: Context[] = [];
  for (const view of ['keysmith.keys', 'explorer']) {
    for (const daemonState of ['connected', 'starting', 'unreachable']) {
      for (const filterActive of [true, false])
        contexts.push({ view, 'keysmith.daemonState': daemonState, 'keysmith.filterActive': filterActive });
    }
  }
  return contexts;
}

const OTHER_ROWS = [undefined, 'service', 'environment.test', 'environment.production', 'loadMore', 'message'];

/** The commands a row's context menu (with inline icons) shows. */
function rowCommands(context: Context): Set<string> {
  return new Set(manifest.menus['view/item/context']!.filter((e) => evaluateWhen(e.when ?? 'true', context)).map((e) => e.command));
}

/** Which right each key command needs (team/roleCapabilities.ts KeyRights); the rest need none beyond listing. */
const NEEDS: Record<string, keyof KeyRights> = {
  'keysmith.renameKey': 'manage',
  'keysmith.editKey': 'manage',
  'keysmith.deactivateKey': 'manage',
  'keysmith.reactivateKey': 'manage',
  'keysmith.regenerateKey': 'manage',
  'keysmith.revokeKey': 'manage',
  'keysmith.deleteKey': 'manage',
  'keysmith.revealKey': 'reveal',
  'keysmith.copyAuthorization': 'reveal',
  'keysmith.injectKey': 'inject',
  'keysmith.openAudit': 'audit',
};

describe('role capabilities', () => {
  const table = (pick: (c: RoleCapabilities) => unknown) => Object.fromEntries(ROLES.map((role) => [role, pick(ROLE_CAPABILITIES[role])]));

  it('gives each of the five roles what the issue says: owner and admin all, issuer its own keys, auditor reads, verifier verifies', () => {
    assert.deepEqual(
      table((c) => c.createKeys),
      { owner: true, admin: true, issuer: true, auditor: false, verifier: false },
    );
    assert.deepEqual(
      table((c) => c.manageKeys),
      { owner: 'any', admin: 'any', issuer: 'own', auditor: 'none', verifier: 'none' },
    );
    assert.deepEqual(
      table((c) => c.revealSecrets),
      { owner: 'any', admin: 'any', issuer: 'ownTest', auditor: 'none', verifier: 'none' },
    );
    assert.deepEqual(
      table((c) => c.inject),
      { owner: 'any', admin: 'any', issuer: 'own', auditor: 'none', verifier: 'none' },
    );
    assert.deepEqual(
      table((c) => c.readAudit),
      { owner: true, admin: true, issuer: true, auditor: true, verifier: false },
    );
    assert.deepEqual(
      table((c) => c.manageServices),
      { owner: true, admin: true, issuer: false, auditor: false, verifier: false },
    );
    assert.deepEqual(
      table((c) => c.listKeys),
      { owner: true, admin: true, issuer: true, auditor: true, verifier: false },
    );
  });

  it('sets every context key true for owner and admin, and none for a verifier', () => {
    for (const role of ['owner', 'admin'] as const) {
      const keys = capabilityContextKeys(ROLE_CAPABILITIES[role]);
      assert.ok(Object.keys(keys).length >= 10);
      assert.deepEqual(
        Object.entries(keys).filter(([, value]) => !value),
        [],
        role,
      );
    }
    assert.deepEqual(
      Object.entries(capabilityContextKeys(ROLE_CAPABILITIES.verifier)).filter(([, value]) => value),
      [],
    );
  });

  it('decides per key: an issuer manages and injects its own keys and reveals only its own test keys', () => {
    const own = (environment: Environment) => ({ createdBy: ME, environment });
    const others = (environment: Environment) => ({ createdBy: 'bob', environment });
    const issuer = ROLE_CAPABILITIES.issuer;
    assert.deepEqual(keyRights(issuer, ME, own('test')), { manage: true, reveal: true, inject: true, audit: true });
    assert.deepEqual(keyRights(issuer, ME, own('production')), { manage: true, reveal: false, inject: true, audit: true });
    assert.deepEqual(keyRights(issuer, ME, others('test')), { manage: false, reveal: false, inject: false, audit: true });
    assert.deepEqual(
      keyRights(issuer, undefined, own('test')),
      { manage: false, reveal: false, inject: false, audit: true },
      'unknown member owns nothing',
    );
    assert.deepEqual(keyRights(ROLE_CAPABILITIES.admin, ME, others('production')), {
      manage: true,
      reveal: true,
      inject: true,
      audit: true,
    });
    assert.deepEqual(keyRights(ROLE_CAPABILITIES.auditor, ME, own('test')), { manage: false, reveal: false, inject: false, audit: true });
  });

  it('assumes the owner until a member is known (a single user sees what they always saw), and nothing for a role it does not know', () => {
    assert.equal(capabilitiesOf(undefined), ROLE_CAPABILITIES.owner);
    assert.equal(capabilitiesOf({ name: 'x', role: 'auditor' }), ROLE_CAPABILITIES.auditor);
    assert.equal(capabilitiesOf({ name: 'x', role: 'superuser' as MemberRole }), ROLE_CAPABILITIES.verifier);
  });
});

describe('package.json menus per role', () => {
  it('shows an owner exactly what every menu and welcome view showed before roles, on every row', () => {
    const owner = roleContext('owner');
    const rows: Array<[string | undefined, string | undefined]> = [
      ...OTHER_ROWS.map((row): [string | undefined, string | undefined] => [row, row]),
      // The rows' contextValue before roles was today's without the `:own|others:<environment>` suffix.
      ...sampleKeys().map(({ key, own }): [string, string] => {
        const now = keyContextValue(key, own);
        return [now.replace(/:.*$/, ''), now];
      }),
    ];
    let compared = 0;
    for (const [menu, entries] of Object.entries(manifest.menus)) {
      const old = before.menus[menu] ?? [];
      for (const entry of entries) {
        const previous = old.find((e) => e.command === entry.command && e.group === entry.group);
        for (const base of baseContexts()) {
          for (const [oldRow, newRow] of rows) {
            // A palette entry added for roles had no `when` before: shown always.
            const expected = previous ? evaluateWhen(previous.when ?? 'true', { ...base, viewItem: oldRow }) : true;
            const actual = evaluateWhen(entry.when ?? 'true', { ...base, ...owner, viewItem: newRow });
            assert.equal(actual, expected, `${menu} ${entry.command} on ${newRow}: ${entry.when}`);
            compared++;
          }
        }
      }
      for (const entry of old)
        assert.ok(
          entries.some((e) => e.command === entry.command && e.group === entry.group),
          `${menu} ${entry.command} kept`,
        );
    }
    for (const base of baseContexts()) {
      const shown = (welcomes: Welcome[], context: Context) => welcomes.filter((w) => evaluateWhen(w.when, context)).map((w) => w.contents);
      assert.deepEqual(shown(manifest.viewsWelcome, { ...base, ...owner }), shown(before.viewsWelcome, base));
    }
    assert.ok(compared > 10_000, `${compared} evaluations`);
  });

  for (const role of ROLES) {
    it(`offers the ${role} role on each row exactly the owner's actions its rights allow`, () => {
      const context = { view: 'keysmith.keys', 'keysmith.daemonState': 'connected', ...roleContext(role) };
      const owner = { ...context, ...roleContext('owner') };
      const capabilities = ROLE_CAPABILITIES[role];
      for (const { key, own } of sampleKeys()) {
        const viewItem = keyContextValue(key, own);
        const rights = keyRights(capabilities, ME, key);
        const expected = [...rowCommands({ ...owner, viewItem })].filter((command) => !NEEDS[command] || rights[NEEDS[command]]);
        assert.deepEqual([...rowCommands({ ...context, viewItem })].sort(), expected.sort(), `${role} on ${viewItem}`);
      }
    });
  }

  it('shows view-title and palette entries per capability: create, audit, filter', () => {
    const titleOf = (role: MemberRole) =>
      new Set(
        manifest.menus['view/title']!.filter((e) =>
          evaluateWhen(e.when ?? 'true', { view: 'keysmith.keys', 'keysmith.daemonState': 'connected', ...roleContext(role) }),
        ).map((e) => e.command),
      );
    const paletteOf = (role: MemberRole) =>
      new Set(manifest.menus.commandPalette!.filter((e) => !evaluateWhen(e.when ?? 'true', roleContext(role))).map((e) => e.command));
    for (const role of ROLES) {
      const c = ROLE_CAPABILITIES[role];
      const title = titleOf(role);
      const hidden = paletteOf(role);
      for (const command of ['keysmith.generateKey', 'keysmith.generateKeyQuick', 'keysmith.importKey']) {
        assert.equal(title.has(command), c.createKeys, `${role} ${command} in the view title`);
        assert.equal(hidden.has(command), !c.createKeys, `${role} ${command} in the palette`);
      }
      assert.equal(title.has('keysmith.openAudit'), c.readAudit, role);
      assert.equal(hidden.has('keysmith.openAudit'), !c.readAudit, role);
      assert.equal(title.has('keysmith.filterKeys'), c.listKeys, role);
      assert.equal(hidden.has('keysmith.revokeKey'), c.manageKeys === 'none', role);
      assert.equal(hidden.has('keysmith.revealKey'), c.revealSecrets === 'none', role);
      assert.equal(hidden.has('keysmith.injectKey'), c.inject === 'none', role);
      assert.ok(title.has('keysmith.refresh') && title.has('keysmith.showLog'), `${role} keeps the daemon entries`);
    }
  });

  it('welcomes a member who may not create keys, and a verifier, with what they may do instead', () => {
    const welcome = (role: MemberRole) =>
      manifest.viewsWelcome
        .filter((w) => evaluateWhen(w.when, { 'keysmith.daemonState': 'connected', 'keysmith.filterActive': false, ...roleContext(role) }))
        .map((w) => w.contents);
    assert.deepEqual(welcome('owner'), ['%welcome.empty%']);
    assert.deepEqual(welcome('issuer'), ['%welcome.empty%']);
    assert.deepEqual(welcome('auditor'), ['%welcome.emptyReadOnly%']);
    assert.deepEqual(welcome('verifier'), ['%welcome.verifyOnly%']);
  });
});
