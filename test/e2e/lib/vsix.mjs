// Packages extensions with vsce so the tests install exactly what a user would install.
import path from 'node:path';
import { VSCE_BIN } from './paths.mjs';
import { run } from './process.mjs';
import { vscePackageArgs } from '../../../scripts/vsce.mjs';

/**
 * `vsce package --no-dependencies`: the extension is bundled by esbuild, so node_modules stay out.
 * The flags answer vsce's interactive questions (missing repository/LICENSE) so it never waits on
 * stdin in CI, and keep README's relative links as they are (without a repository URL vsce refuses
 * to rewrite them); what the published package needs is the extension's concern, not the harness's.
 */
export async function packageExtension(folder, outFile) {
  await run(VSCE_BIN, vscePackageArgs(outFile), {
    cwd: folder,
    label: `vsce package (${path.basename(folder)})`,
  });
  return outFile;
}
