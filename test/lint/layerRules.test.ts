// The architecture is enforced by ESLint (eslint.config.mjs): these tests lint small sources placed,
// by file name, in each layer, so a rule that stops firing (a typo in a glob, a config reshuffle) fails
// here instead of letting a forbidden import slip through `npm run lint` unnoticed.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const REPO = path.resolve(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

/** The layer-rule messages ESLint gives `source` as if it were the file at `file` (repo-relative). */
async function layerViolations(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO });
  const [result] = await eslint.lintText(source, { filePath: path.join(REPO, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe('layer rules (ESLint)', function () {
  this.timeout(60_000);

  const refused: Array<[layer: string, file: string, source: string]> = [
    ['domain code importing the HTTP layer', 'daemon/keys/example.ts', "import { HttpError } from '../http/errors';\n"],
    ['domain code importing express', 'daemon/core/example.ts', "import express from 'express';\n"],
    ['the store importing the HTTP layer', 'daemon/store/example.ts', "import { sendError } from '../http/respond';\n"],
    ['the extension importing daemon runtime code', 'extension/example.ts', "import { startServer } from '../daemon/server';\n"],
    [
      'the extension importing a daemon type other than the protocol',
      'extension/tree/example.ts',
      "import type { KeyRecord } from '../../daemon/store/types';\n",
    ],
    ['a webview importing extension code', 'media/webview/example.ts', "import { DaemonClient } from '../../extension/client';\n"],
    [
      'a webview importing the daemon protocol directly',
      'media/webview/example.ts',
      "import type { KeyView } from '../../daemon/protocol';\n",
    ],
    ['a webview importing common/', 'media/webview/example.ts', "import { gitignoreLine } from '../../common/gitignoreLine';\n"],
    ['common/ importing daemon code', 'common/example.ts', "import { KeysmithError } from '../daemon/errors';\n"],
    ['common/ importing the VS Code API', 'common/example.ts', "import * as vscode from 'vscode';\n"],
  ];
  for (const [what, file, source] of refused) {
    it(`refuses ${what}`, async () => {
      const violations = await layerViolations(file, source);
      assert.equal(violations.length, 1, `expected one layer violation in ${file}, got: ${JSON.stringify(violations)}`);
    });
  }

  const allowed: Array<[layer: string, file: string, source: string]> = [
    ['the HTTP layer importing the domain', 'daemon/http/example.ts', "import { KeysmithError } from '../errors';\n"],
    ['the extension importing protocol types', 'extension/example.ts', "import type { KeyView } from '../daemon/protocol';\n"],
    ['the extension importing common/', 'extension/example.ts', "import { gitignoreLine } from '../common/gitignoreLine';\n"],
    ['common/ importing protocol types', 'common/example.ts', "import type { DaemonInfo } from '../daemon/protocol';\n"],
    [
      'a webview importing its protocol',
      'media/webview/example.ts',
      "import type { ToWebview } from '../../extension/webviews/protocol';\n",
    ],
  ];
  for (const [what, file, source] of allowed) {
    it(`allows ${what}`, async () => {
      assert.deepEqual(await layerViolations(file, source), []);
    });
  }
});
