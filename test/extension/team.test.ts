// Team mode as the extension shows it, against the real embedded daemon: the store and the member in
// the status bar, the role's context keys, the rows' own/others mark and the "Created by me" filter.
// A team store's member is simulated by the daemon's health answer only (the PostgreSQL daemon is not
// wired in yet): that checks how the extension reacts to a role, not what the store enforces.
import * as assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { Health, KeyQuery } from '../../daemon/protocol';
import type { KeyNode, KeyTreeNode } from '../../extension/tree/nodes';
import { answerQuickPicks, createKey, keysmith, uniqueName, useSandbox } from './helpers';

async function keyRows(): Promise<KeyNode[]> {
  const ks = await keysmith();
  const rows: KeyNode[] = [];
  const walk = async (node?: KeyTreeNode) => {
    for (const child of await ks.keyTree.getChildren(node)) {
      if (child.kind === 'key') rows.push(child);
      else if (child.kind === 'service' || child.kind === 'environment') await walk(child);
    }
  };
  await walk();
  return rows;
}

describe('Team mode: store, member and role', () => {
  const sandbox = useSandbox();
  const me = userInfo().username;
  afterEach(async () => {
    const ks = await keysmith();
    ks.keyTree.setFilter({});
    await ks.team.refresh();
  });

  it('learns from the daemon that it runs the embedded store as the OS user, owner', async () => {
    const ks = await keysmith();
    await ks.team.refresh();
    assert.equal(ks.team.store, 'embedded');
    assert.deepEqual(ks.team.member, { name: me, role: 'owner' });
  });

  it('keeps the status bar short on the embedded store, and names the store and the member in its tooltip', async () => {
    const ks = await keysmith();
    await ks.team.refresh();
    assert.equal(ks.statusBar.text, '$(key) Keysmith');
    assert.match(ks.statusBar.tooltip, /connected/);
    assert.ok(ks.statusBar.tooltip.includes(`Embedded store · ${me} (owner)`), ks.statusBar.tooltip);
  });

  it('sets every keysmith.can.* context key true for the owner', async () => {
    const ks = await keysmith();
    await ks.team.refresh();
    const keys = ks.team.contextKeys;
    for (const key of [
      'createKeys',
      'manageAnyKey',
      'manageOwnKeys',
      'revealAny',
      'readAudit',
      'manageServices',
      'listKeys',
      'injectAny',
    ]) {
      assert.equal(keys[`keysmith.can.${key}`], true, key);
    }
    assert.deepEqual(
      Object.entries(keys).filter(([, value]) => value !== true),
      [],
    );
  });

  it('marks the keys created here as the member own', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    assert.equal(key.createdBy, me);
    ks.keyTree.setFilter({ text: key.name });
    const [row] = await keyRows();
    assert.equal(ks.keyTree.getTreeItem(row!).contextValue, 'key.active.retrievable:own:test');
  });

  it('"Created by me" asks the daemon for the member\'s keys only, lists the keys created here, and says the filter is on', async () => {
    const ks = await keysmith();
    const tag = uniqueName('mine');
    const a = await createKey(ks, 'test', `${tag}-a`);
    const b = await createKey(ks, 'production', `${tag}-b`);
    ks.keyTree.setFilter({ text: tag });
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => (i as { criterion?: string }).criterion === 'creator',
      (i) => (i as { createdBy?: string }).createdBy !== undefined,
    );
    await vscode.commands.executeCommand('keysmith.filterKeys');
    assert.deepEqual(ks.keyTree.filter, { text: tag, createdBy: me });
    assert.match(ks.keyTree.describeFilter(), /Created by me/);

    const listKeys = sandbox().spy(ks.client, 'listKeys');
    const ids = (await keyRows()).map((row) => row.key.id).sort();
    assert.deepEqual(ids, [a.key.id, b.key.id].sort());
    assert.ok(listKeys.callCount > 0);
    for (const call of listKeys.getCalls()) assert.equal((call.args[0] as KeyQuery).createdBy, me, 'every page asks for the member only');

    // Another creator's filter, sent the same way, matches none of these keys: the daemon applied it.
    ks.keyTree.setFilter({ text: tag, createdBy: `${me}-someone-else` });
    const roots = await ks.keyTree.getChildren();
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.kind, 'message');
    assert.ok(ks.keyTree.describeFilter().includes(`Created by ${me}-someone-else`), ks.keyTree.describeFilter());
  });

  it('on a team store, shows the member and role in the status bar and offers an issuer only its own keys', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'test');
    const document = await vscode.workspace.openTextDocument({ content: `API_KEY=${secret.secret}\n` });
    const lensTitles = async () => {
      ks.editorKeys.invalidate();
      await ks.editorKeys.refresh(document);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      return lenses.map((lens) => lens.command?.title);
    };
    assert.ok((await lensTitles()).includes('Regenerate'), 'the owner may regenerate it');
    const real = await ks.client.health();
    const teamHealth: Health = { ...real, store: 'postgres://db.example:5432/keysmith', member: { name: 'alice', role: 'issuer' } };
    sandbox().stub(ks.client, 'health').resolves(teamHealth);
    assert.equal(await ks.team.refresh(), true);

    assert.equal(ks.statusBar.text, '$(key) Keysmith · alice (issuer)');
    assert.ok(ks.statusBar.tooltip.includes('Team store postgres://db.example:5432/keysmith · alice (issuer)'), ks.statusBar.tooltip);
    assert.equal(ks.team.contextKeys['keysmith.can.createKeys'], true);
    assert.equal(ks.team.contextKeys['keysmith.can.manageAnyKey'], false);
    assert.equal(ks.team.contextKeys['keysmith.can.manageOwnKeys'], true);
    assert.equal(ks.team.contextKeys['keysmith.can.manageServices'], false);

    // The key was created by the OS user, not by alice: another member's row.
    ks.keyTree.setFilter({ text: key.name });
    const [row] = await keyRows();
    assert.equal(ks.keyTree.getTreeItem(row!).contextValue, 'key.active.retrievable:others:test');
    assert.deepEqual(ks.team.rightsOn(key), { manage: false, reveal: false, inject: false, audit: true });
    const titles = await lensTitles();
    assert.ok(
      titles.includes('Details') && !titles.includes('Regenerate'),
      `an issuer may not regenerate another's key: ${titles.join(', ')}`,
    );
  });
});
