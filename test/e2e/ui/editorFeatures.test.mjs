// Keys in the editor, as a user meets them: a `.env` in a git repository holds a production key (in a
// file git tracks) and a test key, both created by the daemon the extension runs. Opened, the file shows
// the keys cloaked; hovering a key names it and its state, never its secret; a CodeLens sums it up
// above its line; the Problems panel flags the tracked production key, and its quick fix ignores and
// untracks the file, after which the problem is gone. Each milestone is a screenshot (docs/images/
// holds copies of them: KEYSMITH_E2E_DOCS_IMAGES=1 refreshes those), taken only while the secrets are cloaked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createKey, daemonCard } from '../lib/daemonApi.mjs';
import { openKeysViewConnected, runKeysmithCommand } from '../lib/keysmith.mjs';
import { REPO_ROOT } from '../lib/paths.mjs';
import { useWorkbench } from '../lib/session.mjs';

const TIMEOUT = 30_000;

describe('Keys in the editor: cloaking, hover, CodeLens, Problems and a quick fix', function () {
  const session = useWorkbench({ name: 'editor-features', journey: true });
  const prod = { serviceId: 'payline', environment: 'production', name: 'checkout-prod' };
  const test = { serviceId: 'payline', environment: 'test', name: 'checkout-sandbox' };
  let prodSecret;
  let testSecret;
  let editor;

  it('opens a tracked .env holding a production and a test key with both keys cloaked', async function () {
    await openKeysViewConnected(session);
    const card = await daemonCard(session.workspace.dataDir);
    prodSecret = (await createKey(card, prod)).secret;
    testSecret = (await createKey(card, test)).secret;
    const folder = session.workspace.folder;
    writeFileSync(
      path.join(folder, '.env'),
      [
        '# Checkout service',
        'APP_NAME=checkout',
        `PAYLINE_API_KEY=${prodSecret}`,
        `PAYLINE_SANDBOX_KEY=${testSecret}`,
        'LOG_LEVEL=info',
        '',
      ].join('\n'),
    );
    git(folder, 'init', '-q');
    git(folder, 'add', '.env');
    git(folder, '-c', 'user.name=Keysmith e2e', '-c', 'user.email=e2e@keysmith.invalid', 'commit', '-q', '-m', 'config');
    // The keys were made behind the view's back: refresh it, so the screenshots show them in the tree.
    await runKeysmithCommand(session, 'keysmith.refresh');
    await session.workbench.revealTreeRow(prod.name);

    editor = await openFileByQuickOpen(session, '.env');
    const lines = editor.locator('.view-lines');
    await lines.filter({ hasText: 'LOG_LEVEL=info' }).waitFor({ timeout: TIMEOUT });
    await waitFor(
      async () => (await cloakTexts(lines)).includes(`••••${prodSecret.slice(-4)}`),
      'the production key is drawn as ••••<last 4>',
    );
    assert.ok((await cloakTexts(lines)).includes(`••••${testSecret.slice(-4)}`), 'the test key is drawn as ••••<last 4>');
    const rendered = await lines.innerText();
    assert.ok(rendered.includes('PAYLINE_API_KEY='), 'the line holding the key is rendered');
    assert.ok(!rendered.includes(prodSecret), 'the production secret is not in the text the editor renders');
    assert.ok(!rendered.includes(testSecret), 'the test secret is not in the text the editor renders');
    assert.ok(!rendered.includes(prodSecret.slice(0, 12)), 'not even the start of the production secret is rendered');
    // The key's characters stay in the editor's model (a decoration can only hide them): every element
    // holding them must be one the browser does not render.
    assert.equal(await shownElementsHolding(lines, prodSecret), 0, 'no rendered element holds the production secret');
    assert.equal(await shownElementsHolding(lines, testSecret), 0, 'no rendered element holds the test secret');
    await shotForDocs(session, 'cloaked-env');
  });

  it('hovering the production key shows its name and state, and not its secret', async function () {
    const masked = await maskedSpan(editor, `••••${prodSecret.slice(-4)}`);
    await masked.hover();
    const hover = session.page.locator('.monaco-hover:visible', { hasText: prod.name }).first();
    await hover.waitFor({ timeout: TIMEOUT });
    const text = await hover.innerText();
    assert.match(text, /State\s*Active/, 'the hover shows the key state');
    assert.match(text, /Environment\s*Production/i, 'the hover shows the environment');
    assert.ok(text.includes(`****${prodSecret.slice(-4)}`), 'the hover shows the masked key');
    assert.ok(!(await hover.innerHTML()).includes(prodSecret), 'the hover holds no secret');
    await shotForDocs(session, 'hover');
    await session.page.keyboard.press('Escape');
  });

  it('shows a CodeLens above each key with its name and state', async function () {
    const lens = editor.locator('.codelens-decoration', { hasText: `${prod.name} · active` }).first();
    await lens.waitFor({ timeout: TIMEOUT });
    const lensText = await lens.innerText();
    assert.match(lensText, /Regenerate/, 'the lens offers Regenerate');
    assert.match(lensText, /Details/, 'the lens offers Details');
    await editor
      .locator('.codelens-decoration', { hasText: `${test.name} · active` })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await shotForDocs(session, 'codelens');
  });

  it('lists the tracked production key as an Error in Problems, and its quick fix ignores and untracks the file', async function () {
    await session.page.keyboard.press('Control+Shift+M');
    const problem = session.page.locator('.markers-panel .monaco-list-row', { hasText: `Production key "${prod.name}"` }).first();
    await problem.waitFor({ timeout: TIMEOUT });
    assert.ok(await problem.locator('.codicon-error').count(), 'the problem is an Error');
    assert.match(await problem.innerText(), /git tracks/);

    // The light bulb's menu, from the key, as a user clicks it and presses Ctrl+. there.
    await (await maskedSpan(editor, `••••${prodSecret.slice(-4)}`)).click();
    await session.page.keyboard.press('Control+.');
    const fix = session.page.locator('.action-widget .monaco-list-row', { hasText: 'Add ".env" to .gitignore' }).first();
    await fix.waitFor({ timeout: TIMEOUT });
    await shotForDocs(session, 'quick-fix-menu');
    // The menu ignores the mouse for a moment after opening; from the keyboard, as a user would: the
    // preferred fix is focused first.
    await session.page
      .locator('.action-widget .monaco-list-row.focused', { hasText: 'Add ".env" to .gitignore' })
      .waitFor({ timeout: TIMEOUT });
    await session.page.keyboard.press('Enter');
    const dialog = session.workbench.dialog();
    await dialog.box.waitFor({ timeout: TIMEOUT });
    assert.match(await dialog.box.innerText(), /\.env is tracked by git/);
    await dialog.button('Ignore and stop tracking').click();

    const gitignore = path.join(session.workspace.folder, '.gitignore');
    await waitFor(() => existsSync(gitignore) && readFileSync(gitignore, 'utf8').split('\n').includes('/.env'), '.gitignore lists /.env');
    assert.equal(git(session.workspace.folder, 'ls-files', '--', '.env').trim(), '', 'git no longer tracks .env');
    await waitFor(async () => (await problem.count()) === 0, 'the Error is gone from Problems');
    await shotForDocs(session, 'problems-after-quick-fix');
  });

  // On screen, that is: VS Code's off-screen status line for screen readers (.monaco-aria-container)
  // reads out the line holding the key once Ctrl+. is pressed on it; the cloak is visual, and a
  // decoration cannot change what the editor announces.
  it('never showed a secret as text anywhere on screen', async function () {
    for (const secret of [prodSecret, testSecret]) {
      const where = await renderedHolders(session.page, secret);
      assert.deepEqual(where, [], `a secret is rendered as text in: ${where.join(' ; ')}`);
    }
  });
});

/** A milestone screenshot; with KEYSMITH_E2E_DOCS_IMAGES=1 also copied to docs/images/editor-<label>.png. */
async function shotForDocs(session, label) {
  const file = await session.shot(label);
  if (process.env.KEYSMITH_E2E_DOCS_IMAGES === '1') {
    const docsImages = path.join(REPO_ROOT, 'docs', 'images');
    mkdirSync(docsImages, { recursive: true });
    copyFileSync(file, path.join(docsImages, `editor-${label}.png`));
  }
}

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** Opens a workspace file through Quick Open (Ctrl+P), picking the row whose label is exactly `name`. */
async function openFileByQuickOpen(session, name) {
  const { page } = session;
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) })
    .first();
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await input.waitFor({ timeout: TIMEOUT });
    await input.fill(name);
    try {
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Quick Open lists no "${name}"`, { cause: error });
    }
  }
  await row.click();
  await session.workbench.editorTab(name).waitFor({ timeout: TIMEOUT });
  return page.locator('.editor-instance .monaco-editor').first();
}

/**
 * Where `secret` is shown as text: the class path of the element around each text node that holds a
 * piece of it (any 12 characters of its random part) and is rendered at least partly inside the viewport.
 */
async function renderedHolders(page, secret) {
  return page.evaluate((text) => {
    const pieces = [];
    for (let i = text.indexOf('_', text.indexOf('_') + 1) + 1; i + 12 <= text.length; i += 6) pieces.push(text.slice(i, i + 12));
    const onScreen = (el) => {
      if (!el.checkVisibility()) return false;
      const box = el.getBoundingClientRect();
      return box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const holders = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (pieces.some((piece) => node.data.includes(piece)) && node.parentElement && onScreen(node.parentElement))
        holders.push(node.parentElement);
    }
    const describe = (el) => {
      const path = [];
      for (let at = el; at && at !== document.body; at = at.parentElement)
        path.unshift(`${at.tagName.toLowerCase()}.${[...at.classList].join('.')}`);
      return path.slice(-5).join(' > ');
    };
    return holders.map(describe);
  }, secret);
}

/** How many elements under `root` hold `secret` in their own text and are rendered (should be none). */
async function shownElementsHolding(root, secret) {
  return root.evaluate(
    (element, text) =>
      [...element.querySelectorAll('span')].filter(
        (span) => span.children.length === 0 && span.textContent.includes(text.slice(8, 24)) && span.checkVisibility(),
      ).length,
    secret,
  );
}

/** The span drawing `shown` (its `::before`) in a key's place: where a user points at the key. */
async function maskedSpan(editor, shown) {
  const index = await editor
    .locator('.view-lines')
    .evaluate(
      (root, text) =>
        [...root.querySelectorAll('span')].findIndex((span) => getComputedStyle(span, '::before').content === JSON.stringify(text)),
      shown,
    );
  if (index < 0) throw new Error(`no span draws "${shown}"`);
  return editor.locator('.view-lines span').nth(index);
}

/**
 * What the editor draws in the keys' place: decorations' `before` text is CSS generated content, so it
 * is read from each span's computed `::before`, not from the DOM text.
 */
async function cloakTexts(lines) {
  return lines.evaluate((root) =>
    [...root.querySelectorAll('span')]
      .map((span) => getComputedStyle(span, '::before').content)
      .filter((content) => content && content !== 'none' && content !== 'normal')
      .map((content) => content.replace(/^"|"$/g, '')),
  );
}

async function waitFor(predicate, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
