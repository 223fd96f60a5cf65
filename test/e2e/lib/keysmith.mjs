// Keysmith's own user flows, built from the workbench steps: open the API Keys view, fill and send
// the "Generate key" form, find a key's row, pick one of its actions. Titles come from the manifest
// (lib/manifest.mjs) in the session's language, so a renamed command does not break the tests.
import { commandPaletteLabel, keysViewContainerTitle, localize, manifest } from './manifest.mjs';

export const VIEW_ID = 'keysmith.keys';

export async function openKeysView(session) {
  await session.workbench.openViewContainer(keysViewContainerTitle(session.locale));
}

/**
 * Waits until the status bar shows the daemon connected (the `$(key)` icon; starting and unreachable
 * show other icons), as a user would before acting. Opening the view activates the extension.
 */
export async function openKeysViewConnected(session) {
  await openKeysView(session);
  await session.page
    .locator('.part.statusbar .statusbar-item .codicon-key')
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(() => {
      throw new Error('the status bar never showed the Keysmith daemon connected (see out/logs/daemon-*.log)');
    });
}

/** The title a command shows in a menu (no category), in the session's language. */
export function menuTitle(commandId, locale = 'en') {
  const command = (manifest().contributes?.commands ?? []).find((c) => c.command === commandId);
  if (!command) throw new Error(`package.json contributes no command "${commandId}"`);
  return localize(command.title, locale);
}

export async function runKeysmithCommand(session, commandId) {
  await session.workbench.runCommand(commandPaletteLabel(commandId, session.locale));
}

/** Opens the "Generate key" form through the palette and waits until the catalogue has loaded. */
export async function openGenerateForm(session) {
  await runKeysmithCommand(session, 'keysmith.generateKey');
  const form = await session.workbench.webviewWith('name');
  // The form is usable once the host's init message has filled the service select.
  await form
    .locator('[data-testid="service"] vscode-option')
    .first()
    .waitFor({ state: 'attached', timeout: 30_000 })
    .catch(() => {
      throw new Error('the "Generate key" form lists no service 30 s after opening (the catalogue never reached it)');
    });
  return form;
}

/** Picks a value in a vscode-elements select the way its own UI does: set it, announce a change. */
async function choose(form, testId, value) {
  const select = form.locator(`[data-testid="${testId}"]`);
  await select.locator(`vscode-option[value="${value}"]`).waitFor({ state: 'attached' });
  await select.evaluate((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

async function type(form, testId, text) {
  // vscode-textfield keeps a real <input> in its open shadow root; Playwright's CSS pierces it.
  await form.locator(`[data-testid="${testId}"] input, [data-testid="${testId}"] textarea`).first().fill(text);
}

/**
 * Fills and sends the form; resolves to the reveal panel's frame that opens on success.
 * @param {{ service: string, environment: 'test'|'production', name: string, permissions?: string[] }} key
 */
export async function generateThroughForm(session, form, key) {
  await choose(form, 'service', key.service);
  await choose(form, 'environment', key.environment);
  await type(form, 'name', key.name);
  for (const permission of key.permissions ?? []) await form.locator(`[data-testid="permission-${permission}"]`).click();
  await session.shot(`generate-form-${key.environment}`);
  await form.locator('[data-testid="submit"]').click();
  const reveal = await session.workbench.webviewWith('secret');
  // The panel renders its template first; the key arrives with the host's init message.
  await textOf(reveal, 'reference');
  return reveal;
}

/** The key's row in the API Keys tree, expanding its service and environment on the way. */
export async function keyRow(session, name) {
  await openKeysView(session);
  return session.workbench.revealTreeRow(name);
}

/** The text of a testid'd element in a webview frame, trimmed, once the view has filled it in. */
export async function textOf(frame, testId) {
  const element = frame.locator(`[data-testid="${testId}"]`).first();
  // Views render their template first and fill values when the host's init message arrives.
  await element.filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
  return (await element.innerText()).trim();
}

/** The whole DOM of the page and of every webview in it, hidden parts and attributes included. */
export async function everyFrameHtml(page) {
  const html = [];
  for (const frame of page.frames()) html.push(await frame.content().catch(() => ''));
  return html.join('\n');
}

/** Opens the key's "Key details" panel from its tree row; resolves once it shows that key. */
export async function openKeyDetails(session, name) {
  const row = await keyRow(session, name);
  await session.workbench.contextMenu(row, menuTitle('keysmith.showKeyDetails', session.locale));
  const details = await session.workbench.webviewWith('detail-name');
  await details.locator('[data-testid="detail-name"]', { hasText: name }).waitFor({ timeout: 30_000 });
  return details;
}
