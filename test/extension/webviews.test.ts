// The webview panels, driven through the same gate their page uses (`receive`): the generate form
// creates keys and shows the daemon's field errors inline, the reveal panel copies and forgets the
// secret, the details panel edits and acts, and anything off the allow-list is ignored and logged.
import * as assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { GenerateForm } from '../../extension/webviews/protocol';
import { createKey, enabledService, eventually, keysmith, uniqueName, useSandbox } from './helpers';

function form(serviceId: string, overrides: Partial<GenerateForm> = {}): GenerateForm {
  return {
    serviceId,
    environment: 'test',
    name: uniqueName('form'),
    startsAt: '',
    expiresAt: '',
    permissions: [],
    companies: [],
    ipAllowList: [],
    inject: [],
    ...overrides,
  };
}

/** Messages the panel posted to its webview, captured by spying on its typed `post`. */
function postedBy(sandbox: sinon.SinonSandbox, panel: object): sinon.SinonSpy {
  return sandbox.spy(panel as { post: (m: unknown) => void }, 'post');
}

describe('Webviews', () => {
  const sandbox = useSandbox();
  afterEach(async () => {
    const ks = await keysmith();
    const { generate, reveal, details } = ks.panels();
    generate?.dispose();
    reveal?.dispose();
    details?.dispose();
  });

  it('the generate form creates the key and hands over to the reveal panel', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks, true);
    await vscode.commands.executeCommand('keysmith.generateKey');
    const panel = ks.panels().generate;
    assert.ok(panel);
    const submitted = form(service.id, { permissions: service.permissions.slice(0, 1), companies: ['ACME'], expiresAt: '2032-01-31' });
    await panel.receive({ type: 'key/generate', requestId: 'req-1', form: submitted });
    assert.ok(panel.generated, 'the form generated a key');
    const stored = await ks.client.getKey(panel.generated.id);
    assert.equal(stored.name, submitted.name);
    assert.deepEqual(stored.permissions, submitted.permissions);
    assert.deepEqual(stored.companies, ['ACME']);
    assert.equal(stored.expiresAt?.slice(0, 10), '2032-01-31');
    assert.ok(panel.isDisposed, 'the form closes once the key exists');
    assert.equal(ks.panels().reveal?.keyId, stored.id);
  });

  it('the generate form shows the daemon validation details next to the fields', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks);
    await vscode.commands.executeCommand('keysmith.generateKey');
    const panel = ks.panels().generate!;
    const post = postedBy(sandbox(), panel);
    const before = (await ks.client.listKeys({ pageSize: 1 })).total;
    await panel.receive({ type: 'key/generate', requestId: 'req-2', form: form(service.id, { ipAllowList: ['not-an-ip'] }) });
    const reply = post.args.map((a) => a[0]).find((m) => m.type === 'generate/error');
    assert.ok(reply, 'an error reply was posted');
    assert.equal(reply.requestId, 'req-2');
    assert.ok(reply.fieldErrors.ipAllowList, 'the bad field is named');
    assert.equal((await ks.client.listKeys({ pageSize: 1 })).total, before, 'nothing was created');
    assert.equal(panel.isDisposed, false, 'the form stays open to be corrected');
  });

  it('ignores and logs unknown or malformed webview messages', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks);
    await vscode.commands.executeCommand('keysmith.generateKey');
    const panel = ks.panels().generate!;
    const before = (await ks.client.listKeys({ pageSize: 1 })).total;
    const logged = ks.log.recent().length;
    const bad: unknown[] = [
      'key/generate',
      null,
      { type: 'key/delete-everything' },
      { type: 'reveal/copy', what: 'secret' },
      { type: 'key/generate', requestId: 'req-3' },
      { type: 'key/generate', requestId: 'req-4', form: { ...form(service.id), name: 42 } },
      { type: 'key/generate', requestId: '../../etc', form: form(service.id) },
    ];
    for (const message of bad) await panel.receive(message);
    assert.equal(panel.rejectedCount, bad.length);
    assert.equal((await ks.client.listKeys({ pageSize: 1 })).total, before, 'no rejected message reached the daemon');
    const lines = ks.log.recent().slice(logged);
    assert.equal(lines.filter((l) => l.includes('Ignored a message the generate webview may not send')).length, bad.length);
  });

  it('the reveal panel copies the secret, keeps it out of its HTML, and forgets it when closed', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks, false, true);
    await vscode.commands.executeCommand('keysmith.generateKey');
    await ks
      .panels()
      .generate!.receive({ type: 'key/generate', requestId: 'req-5', form: form(service.id, { environment: 'production' }) });
    const panel = ks.panels().reveal!;
    assert.ok(panel.holdsSecret);
    const post = postedBy(sandbox(), panel);
    await panel.receive({ type: 'ready' });
    const init = post.args.map((a) => a[0]).find((m) => m.type === 'reveal/init');
    assert.ok(init?.secret, 'the secret is sent once, by message');
    assert.equal(init.shownOnce, true, 'a production secret is flagged as shown once');
    assert.ok(!panel.panel.webview.html.includes(init.secret), 'the secret is not in the page HTML');
    await panel.receive({ type: 'reveal/copy', what: 'secret' });
    assert.equal(await vscode.env.clipboard.readText(), init.secret);
    await panel.receive({ type: 'reveal/copy', what: 'reference' });
    assert.equal(await vscode.env.clipboard.readText(), init.reference);
    panel.panel.dispose();
    assert.equal(panel.holdsSecret, false);
    assert.ok(
      ks.log.recent().every((l) => !l.includes(init.secret)),
      'the secret never reaches the log',
    );
  });

  it('clears a copied secret from the clipboard after keysmith.clipboardClearSeconds', async () => {
    const ks = await keysmith();
    const settings = vscode.workspace.getConfiguration('keysmith');
    await settings.update('clipboardClearSeconds', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const created = await createKey(ks, 'test');
      assert.equal(await vscode.commands.executeCommand('keysmith.copyAuthorization', created.key.id), true);
      assert.notEqual(await vscode.env.clipboard.readText(), '');
      await eventually(async () => (await vscode.env.clipboard.readText()) === '', 'the clipboard to be cleared');
    } finally {
      await settings.update('clipboardClearSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const ks = await keysmith();
    const created = await createKey(ks, 'test');
    await vscode.commands.executeCommand('keysmith.copyAuthorization', created.key.id);
    await vscode.env.clipboard.writeText('something the user copied');
    assert.equal(await ks.clipboard.clearNow(), false);
    assert.equal(await vscode.env.clipboard.readText(), 'something the user copied');
  });

  it('the details panel saves edits and runs actions against the daemon', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await vscode.commands.executeCommand('keysmith.showKeyDetails', key.id);
    const panel = ks.panels().details!;
    assert.equal(panel.keyId, key.id);
    const post = postedBy(sandbox(), panel);
    await panel.receive({ type: 'details/save', requestId: 'req-6', patch: { name: `${key.name}-edited`, ipAllowList: ['203.0.113.7'] } });
    const stored = await ks.client.getKey(key.id);
    assert.equal(stored.name, `${key.name}-edited`);
    assert.deepEqual(stored.ipAllowList, ['203.0.113.7']);
    assert.ok(post.args.some((a) => a[0].type === 'details/result' && a[0].ok === true));
    await panel.receive({ type: 'details/action', requestId: 'req-7', action: 'deactivate' });
    assert.equal((await ks.client.getKey(key.id)).status, 'inactive');
    await panel.receive({ type: 'details/action', requestId: 'req-8', action: 'format-disk' });
    assert.equal(panel.rejectedCount, 1, 'an action off the allow-list is ignored');
  });
});
