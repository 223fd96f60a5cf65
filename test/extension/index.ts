// Entry of the extension-host tests (bundled to dist/test/index.js). VS Code calls run() inside its
// extension host once the workbench is up; the test files are required only after mocha has put
// describe/it on the global object, which is why they are not imported at the top.
/* eslint-disable @typescript-eslint/no-require-imports -- the test files must load after mocha's pre-require, not at import time */
import * as path from 'node:path';

export async function run(): Promise<void> {
  const { Mocha } = require('mocha') as { Mocha: typeof import('mocha') };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 5_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, path.join(__dirname, 'keysmith.tests'), mocha);
  // Order matters only for the last file: it kills and restarts the daemon.
  require('./activation.test');
  require('./client.test');
  require('./tree.test');
  require('./commands.test');
  require('./webviews.test');
  require('./webviews.details.test');
  require('./inject.test');
  require('./workspaceTrust.test');
  require('./editor.test');
  require('./cloak.test');
  require('./secretCommand.test');
  require('./quickFixes.test');
  require('./rotation.test');
  require('./environmentMismatch.test');
  require('./terminalEnv.test');
  require('./team.test');
  require('./teamRoles.test');
  require('./daemonLoss.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed.`);
}
