// Turns run.mjs's arguments into the suites to run. No argument: every test. `exthost`: the
// extension-host tests only. `ui`: every UI test. A path or name under ui/: that UI test file only.
// `activation`: the activation-to-populated-tree timing (a bench, so never part of "every test").
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from './paths.mjs';

const UI_DIR = path.join(E2E_DIR, 'ui');

export function selectUiTests(args) {
  const all = readdirSync(UI_DIR)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => path.join(UI_DIR, f));
  if (args.length === 0) return { exthost: true, ui: all, activation: false };
  const selection = { exthost: false, ui: [], activation: false };
  for (const arg of args) {
    if (arg === 'exthost') selection.exthost = true;
    else if (arg === 'activation') selection.activation = true;
    else if (arg === 'ui') selection.ui.push(...all);
    else {
      const file = path.join(UI_DIR, path.basename(arg).endsWith('.test.mjs') ? path.basename(arg) : `${path.basename(arg)}.test.mjs`);
      if (!existsSync(file)) {
        throw new Error(
          `unknown suite "${arg}": use "exthost", "ui", "activation", or one of ${all.map((f) => path.basename(f)).join(', ')}`,
        );
      }
      selection.ui.push(file);
    }
  }
  selection.ui = [...new Set(selection.ui)];
  return selection;
}
