// The key tree: its rows are the daemon's keys grouped by service and environment, narrowed by the
// filter, paged with a "Load more" row, and each key row carries state, masked value and menus.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { EnvironmentNode, KeyNode, ServiceNode } from '../../extension/tree/nodes';
import { createKey, enabledService, keyRows, keysmith, uniqueName } from './helpers';

async function filteredRows(filterText?: string): Promise<KeyNode[]> {
  const ks = await keysmith();
  if (filterText !== undefined) ks.keyTree.setFilter({ text: filterText });
  return keyRows(ks);
}

describe('Key tree', () => {
  afterEach(async () => (await keysmith()).keyTree.setFilter({}));

  it('groups keys as service -> environment -> key, matching what the daemon holds', async () => {
    const ks = await keysmith();
    const tag = uniqueName('tree');
    const test = await createKey(ks, 'test', `${tag}-t`);
    const prod = await createKey(ks, 'production', `${tag}-p`);
    ks.keyTree.setFilter({ text: tag });
    const roots = (await ks.keyTree.getChildren()) as ServiceNode[];
    assert.deepEqual(
      roots.map((r) => r.service.id),
      [test.key.serviceId],
    );
    const envs = (await ks.keyTree.getChildren(roots[0])) as EnvironmentNode[];
    assert.deepEqual(envs.map((e) => e.environment).sort(), ['production', 'test']);
    const byEnv = async (env: string) =>
      ((await ks.keyTree.getChildren(envs.find((e) => e.environment === env))) as KeyNode[]).map((k) => k.key.id);
    assert.deepEqual(await byEnv('test'), [test.key.id]);
    assert.deepEqual(await byEnv('production'), [prod.key.id]);
  });

  it('shows a key row with its name, state icon, masked value and every field in the tooltip', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    const [row] = await filteredRows(key.name);
    assert.ok(row);
    const item = ks.keyTree.getTreeItem(row);
    assert.equal(item.label, key.name);
    assert.match(String(item.description), new RegExp(key.masked.replace(/\*/g, '\\*')));
    assert.equal(item.contextValue, 'key.active.retrievable:own:test');
    assert.ok(item.iconPath instanceof vscode.ThemeIcon);
    const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
    assert.ok(tooltip.includes(key.reference), 'tooltip names the reference');
    for (const label of ['Reference', 'Starts', 'Expires', 'Created', 'Permissions', 'Companies', 'IP allow-list', 'Last used']) {
      assert.ok(tooltip.includes(label), `tooltip lacks ${label}`);
    }
  });

  it('shows an active key that expires within keysmith.expiryWarningDays with the warning icon', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const later = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const iconOf = async () => (ks.keyTree.getTreeItem((await filteredRows(key.name))[0]!).iconPath as vscode.ThemeIcon).id;
    await ks.client.updateKey(key.id, { expiresAt: soon });
    assert.equal(await iconOf(), 'warning');
    await ks.client.updateKey(key.id, { expiresAt: later });
    assert.notEqual(await iconOf(), 'warning');
  });

  it('marks production keys generated here as not retrievable, so "reveal" is not offered', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'production');
    const [row] = await filteredRows(key.name);
    assert.equal(ks.keyTree.getTreeItem(row!).contextValue, 'key.active:own:production');
  });

  it('filters by status, name text, service and environment, and describes the filter', async () => {
    const ks = await keysmith();
    const tag = uniqueName('filter');
    const a = await createKey(ks, 'test', `${tag}-a`);
    const b = await createKey(ks, 'production', `${tag}-b`);
    await ks.client.revokeKey(b.key.id);
    const ids = async () => (await filteredRows()).map((r) => r.key.id).sort();

    ks.keyTree.setFilter({ text: tag });
    assert.deepEqual(await ids(), [a.key.id, b.key.id].sort());
    ks.keyTree.setFilter({ text: tag, status: 'revoked' });
    assert.deepEqual(await ids(), [b.key.id]);
    ks.keyTree.setFilter({ text: tag, environment: 'test' });
    assert.deepEqual(await ids(), [a.key.id]);
    ks.keyTree.setFilter({ text: tag, serviceId: a.key.serviceId, environment: 'production' });
    assert.deepEqual(await ids(), [b.key.id]);
    assert.match(ks.keyTree.describeFilter(), new RegExp(tag));
    ks.keyTree.setFilter({ text: `${tag}-nothing-matches` });
    const roots = await ks.keyTree.getChildren();
    assert.equal(roots.length, 1);
    assert.equal(roots[0]!.kind, 'message');
  });

  it('pages keys with a "Load more" row instead of fetching them all', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks);
    const tag = uniqueName('page');
    for (let i = 0; i < 55; i++) await ks.client.createKey({ serviceId: service.id, environment: 'test', name: `${tag}-${i}` });
    ks.keyTree.setFilter({ text: tag });
    const [serviceNode] = await ks.keyTree.getChildren();
    const [envNode] = (await ks.keyTree.getChildren(serviceNode)) as EnvironmentNode[];
    const first = await ks.keyTree.getChildren(envNode);
    assert.equal(first.filter((n) => n.kind === 'key').length, 50);
    const more = first.at(-1)!;
    assert.equal(more.kind, 'loadMore');
    await vscode.commands.executeCommand('keysmith.loadMore', more);
    const all = await ks.keyTree.getChildren(envNode);
    assert.equal(all.length, 55);
    assert.ok(all.every((n) => n.kind === 'key'));
    const names = new Set(all.map((n) => (n as KeyNode).key.name));
    assert.equal(names.size, 55, 'no key twice across pages');
  });

  it('shows what the daemon holds after refresh', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'test');
    await ks.client.updateKey(key.id, { name: `${key.name}-renamed` });
    await vscode.commands.executeCommand('keysmith.refresh');
    const rows = await filteredRows(`${key.name}-renamed`);
    assert.deepEqual(
      rows.map((r) => (r.key as KeyView).id),
      [key.id],
    );
  });
});
