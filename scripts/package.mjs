// `npm run package`: a production build, then the vsix a user installs (keysmith-<version>.vsix).
// vsce is not a dependency of the extension: the e2e harness's copy is used when installed, else npx
// fetches the same pinned version from the registry (vsce 4 needs Node 22).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vscePackageArgs } from './vsce.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = `keysmith-${version}.vsix`;
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, ['esbuild.mjs', '--production']);
const harnessVsce = path.join(root, 'test', 'e2e', 'node_modules', '.bin', 'vsce');
const vsceArgs = vscePackageArgs(out);
if (existsSync(harnessVsce)) run(harnessVsce, vsceArgs);
else run('npx', ['--yes', '@vscode/vsce@3.9.2', ...vsceArgs]);
console.log(`${out}: ${(statSync(path.join(root, out)).size / 1024).toFixed(0)} KB`);
