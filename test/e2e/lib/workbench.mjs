// What a user does in VS Code, as Playwright steps against the 1.100 workbench DOM (selectors from
// E2E.md). Tests read like the user's actions; the selectors live here, in one place.
import assert from 'node:assert/strict';

const TIMEOUT = 30_000;

export class Workbench {
  constructor(page) {
    this.page = page;
  }

  async waitUntilReady() {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 90_000 });
    // The status bar fills in once the extension host has connected.
    await this.page.locator('.part.statusbar').waitFor({ timeout: TIMEOUT });
  }

  activityBarItem(titlePrefix) {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${cssString(titlePrefix)}"]`).first();
  }

  /** Opens a view container from the activity bar; clicking an already open one would close it. */
  async openViewContainer(titlePrefix) {
    const item = this.activityBarItem(titlePrefix);
    await item.waitFor({ timeout: TIMEOUT });
    const sidebar = this.page.locator('.part.sidebar');
    const isOpen = async () =>
      (await sidebar.isVisible()) && (await item.evaluate((a) => a.closest('.action-item')?.classList.contains('checked') ?? false));
    if (!(await isOpen())) await item.click();
    await sidebar.waitFor({ state: 'visible', timeout: TIMEOUT });
  }

  /**
   * Runs a command through the palette by the label it is listed under. Right after start-up the
   * palette may not list an extension's commands yet, so the query is retyped until it does.
   */
  async runCommand(label, { timeout = TIMEOUT } = {}) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout });
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await input.fill(`>${label}`);
      try {
        await row.waitFor({ timeout: 2_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the command palette lists no "${label}" after ${timeout / 1000}s`, { cause: error });
        await input.fill('>');
      }
    }
    await row.click();
  }

  treeRows() {
    return this.page.locator('.part.sidebar [role="treeitem"]');
  }

  treeRow(label) {
    return this.treeRows()
      .filter({ has: this.page.locator('.label-name', { hasText: label }) })
      .first();
  }

  /** Expands tree rows until one labelled `label` shows (services and environments collapse). */
  async revealTreeRow(label, { timeout = TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (await this.treeRow(label).isVisible()) return this.treeRow(label);
      const collapsed = this.page.locator('.part.sidebar [role="treeitem"][aria-expanded="false"]');
      if (await collapsed.count()) await collapsed.first().click();
      else await this.page.waitForTimeout(250);
    }
    throw new Error(
      `no tree row labelled "${label}" within ${timeout / 1000}s; rows: ${(await this.treeRows().allInnerTexts()).join(' | ')}`,
    );
  }

  /** Right-clicks a row and picks a context-menu entry by its text. */
  async contextMenu(row, entryText) {
    await row.click({ button: 'right' });
    const entry = this.page.locator('.context-view .monaco-menu .action-item', { hasText: entryText }).first();
    await entry.waitFor({ timeout: TIMEOUT });
    // A freshly opened menu ignores the mouse for a moment (so the right-click's own mouseup does
    // not pick an entry); hovering focuses the entry and Enter runs it, as from the keyboard.
    await entry.hover();
    await this.page
      .locator('.context-view .monaco-menu .action-item.focused', { hasText: entryText })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: TIMEOUT });
  }

  async contextMenuEntries(row) {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ timeout: TIMEOUT });
    const entries = await menu.locator('.action-item .action-label').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return entries.map((e) => e.trim()).filter(Boolean);
  }

  toast(text) {
    return this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  }

  /** The modal dialog (`showWarningMessage(..., { modal: true })`): its message and buttons. */
  dialog() {
    const box = this.page.locator('.monaco-dialog-box');
    return {
      box,
      message: box.locator('.dialog-message-text'),
      button: (text) => box.locator('.dialog-buttons .monaco-button', { hasText: text }).first(),
    };
  }

  editorTab(text) {
    return this.page.locator('.tabs-container .tab', { hasText: text }).first();
  }

  /**
   * The webview frame whose content holds `data-testid=testId`. Webviews sit two iframes down and a
   * hidden panel keeps its iframe, so we search every frame rather than trust "the" webview.
   */
  async webviewWith(testId, { timeout = TIMEOUT } = {}) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const target = frame.locator(`[data-testid="${cssString(testId)}"]`);
        if (
          (await target.count().catch(() => 0)) &&
          (await target
            .first()
            .isVisible()
            .catch(() => false))
        )
          return frame;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no visible webview shows [data-testid="${testId}"] within ${timeout / 1000}s`);
  }

  /** What the system clipboard holds, read the way a paste would. */
  async clipboardText() {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async expectNoWebviewWith(testId) {
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      const visible = await frame
        .locator(`[data-testid="${cssString(testId)}"]`)
        .first()
        .isVisible()
        .catch(() => false);
      assert.equal(visible, false, `a webview still shows [data-testid="${testId}"]`);
    }
  }
}

function cssString(text) {
  return String(text).replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}
