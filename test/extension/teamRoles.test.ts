// Team mode against a real team: a PostgreSQL server, one database, and a real daemon per member
// (alice issuer, bob owner, carol auditor, dave verifier), each on its own login and data dir. The
// extension is pointed at each member's daemon through keysmith.dataDir, as a user would, and learns
// the member from the daemon's health answer; the database enforces the rights. Nothing is stubbed
// but the prompts a user would answer.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { KeysmithApi } from '../../extension/extension';
import type { KeyNode } from '../../extension/tree/nodes';
import {
  answerQuickPicks,
  clickFirstAction,
  createKey,
  EXTENSION_ID,
  eventually,
  keyRows,
  keysmith,
  uniqueName,
  useSandbox,
} from './helpers';
import { TeamStore, type TeamMember } from './teamStore';
import { menuShows, readManifest, welcomeShown, type WhenContext } from './manifestMenus';

describe('Team mode on a PostgreSQL store, one real daemon per member', function () {
  // A server, a migration and four daemons: once for the whole block.
  this.timeout(180_000);
  const sandbox = useSandbox();
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const manifest = readManifest(extensionPath);
  const settings = () => vscode.workspace.getConfiguration('keysmith');
  let team: TeamStore;
  let originalDataDir: string;
  const bobKeys: KeyView[] = [];
  const aliceKeys: KeyView[] = [];

  /** Points the extension at a daemon's data dir (a machine setting) and waits until it acts as that member. */
  async function switchTo(dataDir: string, member?: TeamMember): Promise<KeysmithApi> {
    const ks = await keysmith();
    // The daemon running there, by its calling card: the extension must end up on its socket.
    const { socket } = JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8')) as { socket: string };
    await settings().update('dataDir', dataDir, vscode.ConfigurationTarget.Global);
    await eventually(
      () =>
        ks.daemon.state === 'connected' &&
        ks.daemon.current()?.socket === socket &&
        (member === undefined || ks.team.member?.name === member.name),
      `the extension to connect to ${member ? `${member.name}'s` : 'its own'} daemon`,
    );
    if (member) assert.deepEqual(ks.team.member, { name: member.name, role: member.role });
    return ks;
  }
  const switchToMember = (name: string) => {
    const member = team.member(name);
    return switchTo(member.dataDir, member);
  };

  /** What VS Code's `when` clauses see: the extension's context keys, and a row's contextValue. */
  function context(ks: KeysmithApi, row?: KeyNode): WhenContext {
    return {
      ...ks.team.contextKeys,
      'keysmith.daemonState': ks.daemon.state,
      'keysmith.filterActive': false,
      view: 'keysmith.keys',
      viewItem: row ? ks.keyTree.getTreeItem(row).contextValue : undefined,
    };
  }
  const rowMenu = (ks: KeysmithApi, row: KeyNode, command: string) => menuShows(manifest, 'view/item/context', command, context(ks, row));

  before(async () => {
    const ks = await keysmith();
    originalDataDir = ks.daemon.dataDir;
    team = new TeamStore(extensionPath);
    await team.start([
      { name: 'alice', role: 'issuer' },
      { name: 'bob', role: 'owner' },
      { name: 'carol', role: 'auditor' },
      { name: 'dave', role: 'verifier' },
    ]);
  });

  after(async () => {
    const ks = await keysmith();
    ks.keyTree.setFilter({});
    // Back to the embedded daemon the other suites use, before the team's daemons go.
    await switchTo(originalDataDir);
    // The member is read again once the daemon answers: wait for it rather than race it.
    await eventually(() => ks.team.store === 'embedded', 'the extension to act on the embedded store again');
    await team?.dispose();
  });

  afterEach(async () => (await keysmith()).keyTree.setFilter({}));

  it('bob (owner) sees himself in the status bar and creates keys through his daemon, in his name', async () => {
    const ks = await switchToMember('bob');
    assert.equal(ks.statusBar.text, '$(key) Keysmith · bob (owner)');
    for (const environment of ['test', 'production'] as const) {
      const { key } = await createKey(ks, environment, uniqueName(`bob-${environment}`));
      assert.equal(key.createdBy, 'bob');
      bobKeys.push(key);
    }
  });

  it('alice (issuer): the status bar names her and her role, the tooltip the store without any password', async () => {
    const ks = await switchToMember('alice');
    assert.equal(ks.statusBar.text, '$(key) Keysmith · alice (issuer)');
    const { hostname, port } = new URL(team.member('alice').storeUrl);
    assert.match(ks.team.store ?? '', /^postgres:\/\//);
    assert.ok(
      ks.statusBar.tooltip.includes(`Team store postgres://${hostname}:${port}/keysmith_team · alice (issuer)`),
      ks.statusBar.tooltip,
    );
    for (const member of team.members.values()) {
      assert.ok(!ks.statusBar.tooltip.includes(member.password), `the tooltip holds ${member.name}'s password`);
      assert.ok(!(ks.team.store ?? '').includes(member.password), `the store name holds ${member.name}'s password`);
    }
    assert.doesNotMatch(ks.statusBar.tooltip, /alice:|@/, 'no login in the tooltip');
    assert.deepEqual(
      Object.fromEntries(Object.entries(ks.team.contextKeys).map(([key, value]) => [key.replace('keysmith.can.', ''), value])),
      {
        listKeys: true,
        createKeys: true,
        manageAnyKey: false,
        manageOwnKeys: true,
        revealAny: false,
        revealOwnTest: true,
        injectAny: false,
        injectOwn: true,
        readAudit: true,
        manageServices: false,
      },
    );
    assert.ok(menuShows(manifest, 'view/title', 'keysmith.generateKey', context(ks)));
  });

  it("alice may revoke and edit her own rows, not bob's, and reveal only her own test key", async () => {
    const ks = await switchToMember('alice');
    for (const environment of ['test', 'production'] as const) {
      const { key } = await createKey(ks, environment, uniqueName(`alice-${environment}`));
      assert.equal(key.createdBy, 'alice', 'the database names the member that inserts a key');
      aliceKeys.push(key);
    }
    const rows = new Map((await keyRows(ks)).map((row) => [row.key.id, row]));
    const rowOf = (key: KeyView) => {
      const row = rows.get(key.id);
      assert.ok(row, `no row for ${key.name}`);
      return row;
    };
    for (const key of aliceKeys) {
      const row = rowOf(key);
      assert.match(ks.keyTree.getTreeItem(row).contextValue ?? '', new RegExp(`^key\\.active.*:own:${key.environment}$`));
      assert.ok(rowMenu(ks, row, 'keysmith.revokeKey'), `Revoke on ${key.name}`);
      assert.ok(rowMenu(ks, row, 'keysmith.editKey'), `Edit on ${key.name}`);
      assert.equal(rowMenu(ks, row, 'keysmith.revealKey'), key.environment === 'test', `Reveal on ${key.name}`);
    }
    for (const key of bobKeys) {
      const row = rowOf(key);
      assert.match(ks.keyTree.getTreeItem(row).contextValue ?? '', new RegExp(`^key\\.active.*:others:${key.environment}$`));
      assert.equal(rowMenu(ks, row, 'keysmith.revokeKey'), false, `Revoke on bob's ${key.name}`);
      assert.equal(rowMenu(ks, row, 'keysmith.editKey'), false, `Edit on bob's ${key.name}`);
      assert.equal(rowMenu(ks, row, 'keysmith.revealKey'), false, `Reveal on bob's ${key.name}`);
    }
    // What the menus offer, the database allows: alice reads her own test key's secret.
    const own = aliceKeys.find((key) => key.environment === 'test')!;
    assert.ok((await ks.client.revealKey(own.id)).secret);
    // And what they hide, it refuses: bob's test key's sealed secret is not alice's to read.
    const bobsTest = bobKeys.find((key) => key.environment === 'test')!;
    await assert.rejects(ks.client.revealKey(bobsTest.id), (e: Error & { status?: number; code?: string }) => {
      assert.equal(e.status, 403, e.message);
      assert.equal(e.code, 'FORBIDDEN_ROLE', e.message);
      return true;
    });
  });

  it('"Created by me" lists only alice\'s keys, not those bob created', async () => {
    const ks = await switchToMember('alice');
    const everyone = (await keyRows(ks)).map((row) => row.key.id);
    for (const key of [...aliceKeys, ...bobKeys]) assert.ok(everyone.includes(key.id), `${key.name} listed without the filter`);
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => (i as { criterion?: string }).criterion === 'creator',
      (i) => (i as { createdBy?: string }).createdBy !== undefined,
    );
    await vscode.commands.executeCommand('keysmith.filterKeys');
    assert.deepEqual(ks.keyTree.filter, { createdBy: 'alice' });
    assert.match(ks.keyTree.describeFilter(), /Created by me/);
    const mine = (await keyRows(ks)).map((row) => row.key.id).sort();
    assert.deepEqual(mine, aliceKeys.map((key) => key.id).sort());
  });

  it("alice revoking bob's key through the command gets the database's 403 FORBIDDEN_ROLE, in words, and the key stays active", async () => {
    const ks = await switchToMember('alice');
    const bobs = bobKeys[0]!;
    sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    const warn = sandbox().spy(ks.log, 'warn');
    const result = await vscode.commands.executeCommand('keysmith.revokeKey', bobs.id);
    assert.equal(result, undefined, 'the command ends without a result, and without throwing');
    assert.ok(error.calledOnce, 'one error message');
    assert.match(String(error.firstCall.args[0]), /Your role \(issuer\) does not allow/);
    assert.ok(
      warn.getCalls().some((call) => String(call.args[0]).includes('403 FORBIDDEN_ROLE')),
      'the log names the refusal: 403 FORBIDDEN_ROLE',
    );
    assert.equal((await ks.client.getKey(bobs.id)).status, 'active');
  });

  it('carol (auditor) reads every key but has no Generate, no row action and the read-only welcome', async () => {
    const ks = await switchToMember('carol');
    assert.equal(ks.statusBar.text, '$(key) Keysmith · carol (auditor)');
    assert.equal(ks.team.contextKeys['keysmith.can.createKeys'], false);
    assert.equal(ks.team.contextKeys['keysmith.can.listKeys'], true);
    assert.equal(menuShows(manifest, 'view/title', 'keysmith.generateKey', context(ks)), false);
    assert.equal(menuShows(manifest, 'commandPalette', 'keysmith.generateKey', context(ks)), false);
    assert.deepEqual(welcomeShown(manifest, 'keysmith.keys', context(ks)), ['%welcome.emptyReadOnly%']);
    const rows = await keyRows(ks);
    const ids = rows.map((row) => row.key.id);
    for (const key of [...aliceKeys, ...bobKeys]) assert.ok(ids.includes(key.id), `carol reads ${key.name}`);
    for (const row of rows) {
      for (const command of ['keysmith.revokeKey', 'keysmith.editKey', 'keysmith.revealKey']) {
        assert.equal(rowMenu(ks, row, command), false, `${command} on ${row.key.name}`);
      }
    }
  });

  it('dave (verifier) gets the verify-only welcome and an empty tree', async () => {
    const ks = await switchToMember('dave');
    assert.equal(ks.statusBar.text, '$(key) Keysmith · dave (verifier)');
    assert.equal(ks.team.contextKeys['keysmith.can.listKeys'], false);
    assert.deepEqual(welcomeShown(manifest, 'keysmith.keys', context(ks)), ['%welcome.verifyOnly%']);
    assert.deepEqual(await ks.keyTree.getChildren(), []);
    assert.equal(menuShows(manifest, 'view/title', 'keysmith.generateKey', context(ks)), false);
  });
});
