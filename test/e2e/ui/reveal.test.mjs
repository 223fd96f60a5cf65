// The one-time reveal: a production secret generated here is shown once, in the reveal panel, and
// never again — the tree offers no "reveal" for it and no later view holds it. A test key, being
// retrievable, keeps its "reveal" action.
import assert from 'node:assert/strict';
import {
  everyFrameHtml,
  generateThroughForm,
  keyRow,
  menuTitle,
  openGenerateForm,
  openKeyDetails,
  openKeysViewConnected,
  textOf,
} from '../lib/keysmith.mjs';
import { useWorkbench } from '../lib/session.mjs';

describe('The reveal panel of a production key', function () {
  const session = useWorkbench({ name: 'reveal', journey: true });
  const key = { service: 'payline', environment: 'production', name: 'checkout-prod-e2e' };
  let secret;

  it('shows the production secret once, masked until the eye is toggled, with the shown-once warning', async function () {
    await openKeysViewConnected(session);
    const form = await openGenerateForm(session);
    const reveal = await generateThroughForm(session, form, key);
    assert.equal(await reveal.locator('[data-testid="warning-once"]').isVisible(), true, 'the shown-once warning is visible');
    const masked = await textOf(reveal, 'secret');
    await session.shot('production-reveal-masked');
    await reveal.locator('[data-testid="toggle-secret"]').click();
    secret = await textOf(reveal, 'secret');
    assert.notEqual(secret, masked, 'toggling the eye shows the secret');
    assert.ok(secret.length >= 16, 'the secret looks like a secret');
    // Hide it again before any screenshot: a test snapshot must never hold a secret.
    await reveal.locator('[data-testid="toggle-secret"]').click();
    assert.equal(await textOf(reveal, 'secret'), masked);
  });

  it('copies the secret from the panel to the clipboard', async function () {
    const reveal = await session.workbench.webviewWith('copy-secret');
    await reveal.locator('[data-testid="copy-secret"]').click();
    const deadline = Date.now() + 10_000;
    while ((await session.workbench.clipboardText()) !== secret) {
      assert.ok(Date.now() < deadline, 'the clipboard receives the secret');
      await session.page.waitForTimeout(200);
    }
    // Leave nothing behind for the next step's page-wide search.
    await session.page.evaluate(() => navigator.clipboard.writeText(''));
  });

  it('never shows the secret again once the panel is closed', async function () {
    await session.workbench.runCommand('View: Close All Editors');
    await session.workbench.expectNoWebviewWith('secret');
    const row = await keyRow(session, key.name);
    const entries = await session.workbench.contextMenuEntries(row);
    assert.ok(!entries.includes(menuTitle('keysmith.revealKey')), `no reveal action for a production key; menu: ${entries.join(', ')}`);
    const details = await openKeyDetails(session, key.name);
    assert.equal(await details.locator('[data-testid="action-reveal"]').isVisible(), false, 'the details panel offers no reveal');
    await session.shot('production-key-after-reveal');
    assert.ok(!(await everyFrameHtml(session.page)).includes(secret), 'the secret is nowhere in the workbench');
  });

  it('offers the reveal action for a test key, which stays retrievable', async function () {
    const form = await openGenerateForm(session);
    const reveal = await generateThroughForm(session, form, { service: 'payline', environment: 'test', name: 'checkout-test-e2e' });
    assert.equal(await reveal.locator('[data-testid="warning-once"]').isVisible(), false, 'no shown-once warning for a test key');
    await session.workbench.runCommand('View: Close All Editors');
    const row = await keyRow(session, 'checkout-test-e2e');
    const entries = await session.workbench.contextMenuEntries(row);
    assert.ok(entries.includes(menuTitle('keysmith.revealKey')), `reveal offered for a test key; menu: ${entries.join(', ')}`);
  });
});
