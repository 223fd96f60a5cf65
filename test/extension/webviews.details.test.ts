// The details panel offers only what a key and its service allow, through the layout it sends its page
// and the gate on what the page sends back: a revoked key is read-only (no Reveal, no edits, no Save),
// fields a service does not take are hidden, and the service endpoint has a copy button.
import * as assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import type { DetailsPanel } from '../../extension/webviews/detailsPanel';
import type { DetailsLayout } from '../../extension/webviews/protocol';
import type { KeysmithApi } from '../../extension/extension';
import { keysmith, uniqueName, useSandbox } from './helpers';

async function keyOf(ks: KeysmithApi, serviceId: string): Promise<KeyView> {
  const services = await ks.client.listServices();
  assert.ok(
    services.some((s) => s.id === serviceId && s.enabled),
    `the built-in service ${serviceId} is enabled`,
  );
  return (await ks.client.createKey({ serviceId, environment: 'test', name: uniqueName(serviceId) })).key;
}

/** Opens the key's details and returns the layout the panel sent its page, with the panel and its post spy. */
async function openDetails(
  ks: KeysmithApi,
  sandbox: sinon.SinonSandbox,
  keyId: string,
): Promise<{ panel: DetailsPanel; post: sinon.SinonSpy; layout: DetailsLayout }> {
  await vscode.commands.executeCommand('keysmith.showKeyDetails', keyId);
  const panel = ks.panels().details!;
  // The panel is reused from key to key: spy on its post once.
  const target = panel as unknown as { post: ((m: unknown) => void) & { isSinonProxy?: boolean } };
  const post = target.post.isSinonProxy ? (target.post as unknown as sinon.SinonSpy) : sandbox.spy(target, 'post');
  await panel.receive({ type: 'ready' });
  const inits = post.args.map((a) => a[0]).filter((m) => m.type === 'details/init' && m.key.id === keyId);
  assert.ok(inits.length > 0, 'the panel sent the key to its page');
  return { panel, post, layout: inits.at(-1).layout };
}

const replyTo = (post: sinon.SinonSpy, requestId: string) =>
  post.args.map((a) => a[0]).find((m) => m.type === 'details/result' && m.requestId === requestId);

describe('Key details panel', () => {
  const sandbox = useSandbox();
  afterEach(async () => (await keysmith()).panels().details?.dispose());

  it('shows a revoked key read-only: no Reveal, no editable fields, no Save; only Delete and the copies left', async () => {
    const ks = await keysmith();
    const key = await keyOf(ks, 'payline');
    assert.equal(key.retrievable, true, 'a test key can be revealed while it lives');
    await ks.client.revokeKey(key.id);
    const { layout } = await openDetails(ks, sandbox(), key.id);
    assert.equal(layout.editable, false);
    assert.deepEqual(layout.actions, ['copyReference', 'copyEndpoint', 'delete', 'audit']);
  });

  it('refuses an edit or a reveal a stale page still sends for a revoked key, and changes nothing', async () => {
    const ks = await keysmith();
    const key = await keyOf(ks, 'payline');
    const { panel, post } = await openDetails(ks, sandbox(), key.id);
    await ks.client.revokeKey(key.id);
    await panel.receive({ type: 'ready' });
    await panel.receive({ type: 'details/save', requestId: 'req-revoked-save', patch: { name: `${key.name}-edited` } });
    assert.equal(replyTo(post, 'req-revoked-save')?.ok, false);
    assert.equal((await ks.client.getKey(key.id)).name, key.name);
    await panel.receive({ type: 'details/action', requestId: 'req-revoked-reveal', action: 'reveal' });
    assert.equal(replyTo(post, 'req-revoked-reveal')?.ok, false);
    const audit = await ks.client.listAudit({ keyId: key.id, limit: 100 });
    assert.ok(!audit.items.some((e) => e.action === 'key.revealed'), 'the secret was not revealed');
  });

  it('keeps a live key editable, with Reveal for a test key', async () => {
    const ks = await keysmith();
    const key = await keyOf(ks, 'ingeneo');
    const { layout } = await openDetails(ks, sandbox(), key.id);
    assert.equal(layout.editable, true);
    for (const action of ['reveal', 'copyAuthorization', 'deactivate', 'regenerate', 'revoke', 'inject'] as const) {
      assert.ok(layout.actions.includes(action), `offers ${action}`);
    }
    assert.ok(!layout.actions.includes('delete'), 'a live key cannot be deleted');
  });

  it('hides the fields a service does not take: Payline has no companies and no permissions, INGENEO both', async () => {
    const ks = await keysmith();
    const payline = await openDetails(ks, sandbox(), (await keyOf(ks, 'payline')).id);
    assert.deepEqual(payline.layout.fields, { permissions: false, companies: false });
    const ingeneo = await openDetails(ks, sandbox(), (await keyOf(ks, 'ingeneo')).id);
    assert.deepEqual(ingeneo.layout.fields, { permissions: true, companies: true });
  });

  it('shows the CloudMC endpoint with a copy button that copies it; a service without one has none', async () => {
    const ks = await keysmith();
    const cloudmc = (await ks.client.listServices()).find((s) => s.id === 'cloudmc')!;
    const { panel, post, layout } = await openDetails(ks, sandbox(), (await keyOf(ks, 'cloudmc')).id);
    assert.equal(layout.endpoint, cloudmc.endpoint);
    assert.ok(layout.actions.includes('copyEndpoint'));
    await vscode.env.clipboard.writeText('');
    await panel.receive({ type: 'details/action', requestId: 'req-endpoint', action: 'copyEndpoint' });
    assert.equal(replyTo(post, 'req-endpoint')?.ok, true);
    assert.equal(await vscode.env.clipboard.readText(), cloudmc.endpoint);
    const ingeneo = await openDetails(ks, sandbox(), (await keyOf(ks, 'ingeneo')).id);
    assert.equal(ingeneo.layout.endpoint, undefined);
    assert.ok(!ingeneo.layout.actions.includes('copyEndpoint'));
  });
});
