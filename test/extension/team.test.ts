// Team mode as the extension shows it on the embedded store: the store and the member in the status
// bar, the owner's context keys, the rows' own mark and the "Created by me" filter. A real team on
// PostgreSQL, one daemon per role, is in teamRoles.test.ts.
import * as assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { KeyQuery } from '../../daemon/protocol';
import { answerQuickPicks, createKey, keyRows, keysmith, uniqueName, useSandbox } from './helpers';

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
});
