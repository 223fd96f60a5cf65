// Every command run against the real daemon: only the prompts are stubbed, and each test checks
// what the daemon holds afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KeyView } from '../../daemon/protocol';
import { answerQuickPicks, clickFirstAction, createKey, enabledService, keysmith, uniqueName, useSandbox } from './helpers';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(`keysmith.${command}`, ...args);

describe('Commands', () => {
  const sandbox = useSandbox();

  afterEach(() => keysmithPanels().reveal?.dispose());
  let keysmithPanels: () => ReturnType<Awaited<ReturnType<typeof keysmith>>['panels']> = () => ({});
  before(async () => {
    const ks = await keysmith();
    keysmithPanels = ks.panels;
  });

  it('generateKeyQuick creates a key from quick picks and opens the one-time reveal panel', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks);
    const name = uniqueName('quick');
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => (i as { service?: { id: string } }).service?.id === service.id,
      (i) => (i as { environment?: string }).environment === 'test',
    );
    sandbox().stub(vscode.window, 'showInputBox').resolves(name);
    const key = await run<KeyView>('generateKeyQuick');
    assert.ok(key);
    const stored = await ks.client.getKey(key.id);
    assert.equal(stored.name, name);
    assert.equal(stored.serviceId, service.id);
    assert.equal(stored.environment, 'test');
    const reveal = ks.panels().reveal;
    assert.ok(reveal?.holdsSecret);
    reveal.dispose();
    assert.equal(reveal.holdsSecret, false, 'closing the panel drops the secret');
  });

  it('importKey stores an outside key as retrievable', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks);
    const name = uniqueName('imported');
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => (i as { service?: { id: string } }).service?.id === service.id,
      (i) => (i as { environment?: string }).environment === 'production',
    );
    const input = sandbox().stub(vscode.window, 'showInputBox');
    input.onCall(0).resolves(name);
    input.onCall(1).resolves('outside-secret-0123456789abcdef');
    input.onCall(2).resolves('EXT-REF-42');
    const key = await run<KeyView>('importKey');
    const stored = await ks.client.getKey(key!.id);
    assert.equal(stored.origin, 'imported');
    assert.equal(stored.retrievable, true);
    assert.equal(stored.reference, 'EXT-REF-42');
    assert.equal((await ks.client.revealKey(key!.id)).secret.secret, 'outside-secret-0123456789abcdef');
  });

  it('renameKey renames the key of a tree row', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    sandbox().stub(vscode.window, 'showInputBox').resolves(`${key.name}-new`);
    await run('renameKey', { kind: 'key', key, service: undefined, parent: undefined });
    assert.equal((await ks.client.getKey(key.id)).name, `${key.name}-new`);
  });

  it('editKey changes the expiry date, companies and IP allow-list', async () => {
    const ks = await keysmith();
    const service = (await ks.client.listServices()).find((s) => s.enabled && s.supportsCompanies);
    assert.ok(service, 'a service with company restrictions');
    const { key } = await ks.client.createKey({ serviceId: service.id, environment: 'test', name: uniqueName('edit') });
    const input = sandbox().stub(vscode.window, 'showInputBox');
    input.onCall(0).resolves('2031-03-04');
    input.onCall(1).resolves('ACME, Globex');
    input.onCall(2).resolves('10.0.0.0/8, 192.168.1.7');
    await run('editKey', key.id, 'expiresAt');
    await run('editKey', key.id, 'companies');
    await run('editKey', key.id, 'ipAllowList');
    const stored = await ks.client.getKey(key.id);
    assert.equal(stored.expiresAt?.slice(0, 10), '2031-03-04');
    assert.deepEqual(stored.companies, ['ACME', 'Globex']);
    assert.deepEqual(stored.ipAllowList, ['10.0.0.0/8', '192.168.1.7']);
  });

  it('editKey grants the permissions picked among the service methods', async () => {
    const ks = await keysmith();
    const service = await enabledService(ks, true);
    const { key } = await ks.client.createKey({ serviceId: service.id, environment: 'test', name: uniqueName('perm') });
    const wanted = service.permissions.slice(0, 1);
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => i.label === 'Permissions',
      (i) => wanted.includes(i.label),
    );
    await run('editKey', key.id);
    assert.deepEqual((await ks.client.getKey(key.id)).permissions, wanted);
  });

  it('deactivateKey and reactivateKey switch the key off and on', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await run('deactivateKey', key.id);
    assert.equal((await ks.client.getKey(key.id)).status, 'inactive');
    await run('reactivateKey', key.id);
    assert.equal((await ks.client.getKey(key.id)).status, 'active');
  });

  it('regenerateKey replaces the key and revokes the old one at once when asked', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    answerQuickPicks(sandbox().stub(vscode.window, 'showQuickPick'), (i) => (i as { seconds?: number }).seconds === 0);
    const fresh = await run<KeyView>('regenerateKey', key.id);
    assert.ok(fresh && fresh.id !== key.id);
    assert.equal(fresh.name, key.name);
    assert.equal((await ks.client.getKey(key.id)).status, 'revoked');
    assert.equal(ks.panels().reveal?.keyId, fresh.id, 'the new secret is shown in the reveal panel');
  });

  it('revokeKey asks with a modal naming the key, and revokes only on "Revoke"', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    const warn = sandbox().stub(vscode.window, 'showWarningMessage');
    warn.onCall(0).resolves(undefined);
    warn.onCall(1).callsFake(clickFirstAction);
    await run('revokeKey', key.id);
    assert.equal((await ks.client.getKey(key.id)).status, 'active', 'dismissing the modal changes nothing');
    await run('revokeKey', key.id);
    assert.equal((await ks.client.getKey(key.id)).status, 'revoked');
    const [message, options] = warn.firstCall.args as [string, vscode.MessageOptions];
    assert.ok(message.includes(key.name), 'the confirmation names the key');
    assert.equal(options.modal, true);
  });

  it('deleteKey deletes a revoked key after confirmation', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await ks.client.revokeKey(key.id);
    sandbox().stub(vscode.window, 'showWarningMessage').callsFake(clickFirstAction);
    assert.equal(await run('deleteKey', key.id), true);
    await assert.rejects(ks.client.getKey(key.id), (e: Error & { status?: number }) => e.status === 404);
  });

  it('deleteKey refuses an active key with a readable message', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await run('deleteKey', key.id);
    assert.equal((await ks.client.getKey(key.id)).status, 'active');
    assert.match(String(error.firstCall.args[0]), /revoke/i);
  });

  it('copyReference puts the reference on the clipboard', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await run('copyReference', key.id);
    assert.equal(await vscode.env.clipboard.readText(), key.reference);
  });

  it('copyAuthorization copies the header of a retrievable key and the guard clears it later', async () => {
    const ks = await keysmith();
    const created = await createKey(ks, 'test');
    assert.equal(await run('copyAuthorization', created.key.id), true);
    const copied = await vscode.env.clipboard.readText();
    assert.ok(copied.startsWith('Authorization: '));
    assert.ok(copied.includes(created.secret.authorization ?? created.secret.secret));
    assert.equal(await ks.clipboard.clearNow(), true);
    assert.equal(await vscode.env.clipboard.readText(), '');
  });

  it('revealKey of a production key generated here says it cannot be shown again', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks, 'production');
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await run('revealKey', key.id);
    assert.equal(ks.panels().reveal, undefined);
    assert.ok(error.calledOnce, 'the refusal is shown, not thrown');
  });

  it('openAudit shows the daemon audit events of a key', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await ks.client.deactivateKey(key.id);
    const doc = await run<vscode.TextDocument>('openAudit', key.id);
    assert.ok(doc);
    const { items } = await ks.client.listAudit({ keyId: key.id });
    assert.ok(items.length >= 2);
    for (const event of items) assert.ok(doc.getText().includes(event.action), `audit document lacks ${event.action}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('filterKeys and clearFilter set and reset the tree filter', async () => {
    const ks = await keysmith();
    answerQuickPicks(
      sandbox().stub(vscode.window, 'showQuickPick'),
      (i) => i.label === 'Status',
      (i) => i.label === 'Revoked',
    );
    await run('filterKeys');
    assert.deepEqual(ks.keyTree.filter, { status: 'revoked' });
    await run('clearFilter');
    assert.deepEqual(ks.keyTree.filter, {});
  });

  it('a daemon refusal is shown as the daemon message, never thrown', async () => {
    const ks = await keysmith();
    const { key } = await createKey(ks);
    await ks.client.revokeKey(key.id);
    const error = sandbox().stub(vscode.window, 'showErrorMessage').resolves(undefined);
    await assert.doesNotReject(Promise.resolve(run('reactivateKey', key.id)));
    assert.ok(error.calledOnce);
    assert.equal((await ks.client.getKey(key.id)).status, 'revoked');
  });
});
