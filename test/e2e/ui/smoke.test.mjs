// Proves the harness itself: a real VS Code opens in Chromium with the test workspace, isolated
// from the real home, before any Keysmith behaviour is looked at.
import assert from 'node:assert/strict';
import { useWorkbench } from '../lib/session.mjs';

describe('The VS Code under test', function () {
  const session = useWorkbench({ name: 'smoke' });

  it('opens the workbench with an activity bar and the test workspace in the explorer', async function () {
    const { workbench, page } = session;
    await workbench.openViewContainer('Explorer');
    const folderName = session.workspace.folder.split('/').pop();
    await page
      .locator('.part.sidebar .pane-header', { hasText: new RegExp(folderName, 'i') })
      .first()
      .waitFor();
    await session.shot('workbench-ready');
    const labels = await page
      .locator('.part.activitybar .action-item a')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.ok(
      labels.some((l) => l?.startsWith('Explorer')),
      `activity bar shows Explorer; saw ${labels.join(', ')}`,
    );
  });

  it('shows the workspace settings with their decoy keysmith.dataDir (a machine setting VS Code ignores there)', async function () {
    const { workbench, page } = session;
    await workbench.revealTreeRow('.vscode');
    await workbench.revealTreeRow('settings.json');
    await workbench.treeRow('settings.json').dblclick();
    await workbench.editorTab('settings.json').waitFor();
    await page.locator('.monaco-editor .view-lines', { hasText: 'keysmith.dataDir' }).first().waitFor();
    await session.shot('workspace-settings');
  });
});
