// Bundles every runtime entry point into dist/. `--production` minifies and drops source maps;
// `--watch` rebuilds on change. Entry points that do not exist yet are skipped, so each part of
// the product can land on its own.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Prefer packages' ESM builds: jsonc-parser's "main" is a UMD file whose dynamic requires
  // esbuild cannot follow, so the bundle would fail at run time with "Cannot find module".
  mainFields: ['module', 'main'],
};

const builds = [
  // tsx is only resolved when the daemon runs from its TypeScript sources (tests), never in the bundle.
  { ...node, entryPoints: { daemon: 'daemon/main.ts' }, outdir: 'dist', external: ['tsx/cjs'] },
  // The injection worker thread: the daemon starts it from dist/injectWorker.js, beside daemon.js.
  { ...node, entryPoints: { injectWorker: 'daemon/inject/worker/injectWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'daemon/cli.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // Extension-host tests run inside VS Code: bundled so the vsix needs no node_modules.
  // mocha stays external: it is loaded from the repository's node_modules (the tests run with the
  // repository as extensionDevelopmentPath), and its worker files cannot be bundled.
  { ...node, entryPoints: { 'test/index': 'test/extension/index.ts' }, outdir: 'dist', external: ['vscode', 'mocha'] },
  // Webview scripts run in the browser sandbox of a webview.
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { 'webview/main': 'media/webview/main.ts' },
    outdir: 'dist',
  },
].filter((b) => Object.values(b.entryPoints).every((p) => existsSync(p)));

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
