// The first thing many users do in a fresh window: open "Generate Key" from the palette before ever
// looking at the API Keys view. The extension activates and starts its daemon on that command; the
// form must still list the catalogue's services rather than an empty list.
import assert from 'node:assert/strict';
import { openGenerateForm } from '../lib/keysmith.mjs';
import { useWorkbench } from '../lib/session.mjs';

describe('Generating a key first thing in a fresh window', function () {
  const session = useWorkbench({ name: 'startup' });

  it("lists the catalogue's enabled services in the form opened straight from the palette", async function () {
    const form = await openGenerateForm(session);
    const options = await form
      .locator('[data-testid="service"] vscode-option')
      .evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    await session.shot('generate-form-at-startup');
    assert.ok(options.includes('payline'), `the service list offers the built-in services; it offers: [${options.join(', ')}]`);
  });
});
