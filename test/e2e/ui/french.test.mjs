// With VS Code's display language set to French, Keysmith speaks French: its contributed titles
// (package.nls.fr.json) and its runtime strings (l10n/bundle.l10n.fr.json). The French code-server
// has the language-pack fixture installed and `--locale fr` (see lib/profiles.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openGenerateForm, openKeysViewConnected, textOf } from '../lib/keysmith.mjs';
import { keysViewContainerTitle } from '../lib/manifest.mjs';
import { REPO_ROOT } from '../lib/paths.mjs';
import { useWorkbench } from '../lib/session.mjs';

const bundleFr = () => JSON.parse(readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.fr.json'), 'utf8'));
const message = (entry) => (typeof entry === 'string' ? entry : entry?.message);

describe('Keysmith in French', function () {
  const session = useWorkbench({ name: 'french', locale: 'fr' });

  it('shows the API Keys container under its French title', async function () {
    const french = keysViewContainerTitle('fr');
    assert.notEqual(french, keysViewContainerTitle('en'), 'package.nls.fr.json translates the container title');
    await openKeysViewConnected(session);
    await session.page
      .locator('.part.sidebar .composite.title', { hasText: new RegExp(french, 'i') })
      .first()
      .waitFor();
    await session.shot('keys-view-fr');
  });

  it('opens the generate form from its French palette entry, with French labels', async function () {
    const form = await openGenerateForm(session);
    const generate = message(bundleFr().Generate);
    assert.ok(generate, 'l10n/bundle.l10n.fr.json translates "Generate"');
    assert.equal(await textOf(form, 'submit'), generate);
    await session.shot('generate-form-fr');
  });
});
