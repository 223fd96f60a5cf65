// A developer's everyday flow in the API Keys view: generate a key through the form, find it in the
// tree, copy its reference, revoke it behind the modal confirmation and see its state change, and its
// details panel turn read-only.
import assert from 'node:assert/strict';
import {
  generateThroughForm,
  keyRow,
  menuTitle,
  openGenerateForm,
  openKeyDetails,
  openKeysViewConnected,
  textOf,
} from '../lib/keysmith.mjs';
import { keysViewContainerTitle } from '../lib/manifest.mjs';
import { useWorkbench } from '../lib/session.mjs';

describe('Managing a key from the API Keys view', function () {
  const session = useWorkbench({ name: 'keys', journey: true });
  const key = { service: 'payline', environment: 'test', name: 'billing-e2e' };
  let reference;

  it('opens the API Keys view from the activity bar', async function () {
    await openKeysViewConnected(session);
    const title = keysViewContainerTitle();
    await session.page
      .locator('.part.sidebar .composite.title', { hasText: new RegExp(title, 'i') })
      .first()
      .waitFor();
    await session.shot('keys-view-open');
  });

  it('generates a key through the webview form and shows its reference in the reveal panel', async function () {
    const form = await openGenerateForm(session);
    const reveal = await generateThroughForm(session, form, key);
    reference = await textOf(reveal, 'reference');
    assert.ok(reference.length > 0, "the reveal panel shows the new key's reference");
    await session.shot('reveal-panel-test-key');
  });

  it('lists the new key in the tree under its service and environment', async function () {
    const row = await keyRow(session, key.name);
    assert.equal(await row.isVisible(), true);
    await session.shot('key-in-tree');
  });

  it("copies the key's reference to the clipboard from the tree", async function () {
    const row = await keyRow(session, key.name);
    await session.workbench.contextMenu(row, menuTitle('keysmith.copyReference'));
    await assert.doesNotReject(async () => {
      const deadline = Date.now() + 10_000;
      while ((await session.workbench.clipboardText()) !== reference) {
        if (Date.now() > deadline) throw new Error(`clipboard holds "${await session.workbench.clipboardText()}", expected the reference`);
        await session.page.waitForTimeout(200);
      }
    });
  });

  it('revokes the key after a modal confirmation that names it, and shows it revoked', async function () {
    const row = await keyRow(session, key.name);
    await session.workbench.contextMenu(row, menuTitle('keysmith.revokeKey'));
    const dialog = session.workbench.dialog();
    await dialog.box.waitFor();
    assert.match(await dialog.message.innerText(), new RegExp(key.name));
    await session.shot('revoke-confirmation');
    await dialog.button('Revoke').click();
    await dialog.box.waitFor({ state: 'detached' });
    const revoked = session.workbench.treeRow(key.name).locator('.label-description', { hasText: /revoked/i });
    await revoked.waitFor();
    await session.shot('key-revoked');
  });

  it('shows the key as revoked in its details panel', async function () {
    const details = await openKeyDetails(session, key.name);
    const state = details.locator('[data-testid="detail-state"]');
    await state.and(details.locator('[data-state="revoked"]')).waitFor();
    assert.equal(await textOf(details, 'detail-name'), key.name);
    await session.shot('key-details-revoked');
  });

  it('offers nothing to change on the revoked key, shows only the fields Payline takes, and its endpoint', async function () {
    const details = await openKeyDetails(session, key.name);
    await details.locator('[data-testid="detail-state"][data-state="revoked"]').waitFor();
    for (const id of ['action-reveal', 'action-save', 'action-revoke', 'action-regenerate', 'group-companies', 'group-permissions']) {
      assert.equal(await details.locator(`[data-testid="${id}"]`).isVisible(), false, `${id} is not shown`);
    }
    assert.equal(await details.locator('[data-testid="action-delete"]').isVisible(), true);
    assert.equal(await details.locator('[data-testid="edit-name"]').getAttribute('readonly'), '', 'the name is read-only');
    assert.match(await textOf(details, 'detail-endpoint'), /^https:\/\//);
    assert.equal(await details.locator('[data-testid="action-copy-endpoint"]').isVisible(), true);
  });
});
