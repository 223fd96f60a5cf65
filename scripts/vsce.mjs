// The one set of `vsce package` flags, shared by `npm run package`, the e2e harness and the bench, so
// every vsix Keysmith builds is built the same way.
// --no-dependencies: esbuild bundles everything, node_modules stay out.
// --allow-missing-repository / --no-rewrite-relative-links: no repository URL yet, so README links stay
// relative instead of vsce refusing them. --skip-license: the e2e language-pack fixture has no LICENSE
// (Keysmith's own is still packed). Together they keep vsce from asking questions on stdin in CI.
export const VSCE_PACKAGE_FLAGS = Object.freeze([
  '--no-dependencies',
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
  '--skip-license',
]);

/** Arguments for `vsce` to package the extension in the working directory into `outFile`. */
export function vscePackageArgs(outFile) {
  return ['package', ...VSCE_PACKAGE_FLAGS, '--out', outFile];
}
