// Lint and layer rules (npm run lint, part of npm test). The import restrictions are the architecture:
// domain code never knows HTTP, the extension never runs daemon code, webviews speak only their protocol.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` for one layer: `regex` is matched against the import path as written. */
const forbidImports = (message, regex) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.tsbuild/**',
      'node_modules/**',
      'test/e2e/node_modules/**',
      'test/e2e/out/**',
      '.e2e/**',
      'media/codicons/**',
      'bench/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Unused parameters named _x are deliberate (interface shapes); anything else is dead code.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and HTTP answers are untyped JSON by nature; `any` is allowed where a value crosses a wire.
      '@typescript-eslint/no-explicit-any': 'off',
      // Validation and the format writers match control characters on purpose (they refuse them).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    // Plain JS runs in Node (scripts, the e2e harness under mocha); page.evaluate callbacks run in the page.
    languageOptions: { globals: { ...globals.node, ...globals.mocha, ...globals.browser } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['daemon/keys/**/*.ts', 'daemon/core/**/*.ts', 'daemon/inject/**/*.ts', 'daemon/store/**/*.ts', 'daemon/validation/**/*.ts'],
    rules: forbidImports(
      'Domain code never imports the HTTP layer: throw a KeysmithError; the edge maps it to a status.',
      '(^|/)http/|^express(/|$)',
    ),
  },
  {
    files: ['extension/**/*.ts'],
    rules: forbidImports(
      'The extension reaches the daemon only over HTTP: import daemon/protocol types or common/ code, nothing else of the daemon.',
      '(^|/)daemon/(?!protocol$)',
    ),
  },
  {
    files: ['common/**/*.ts'],
    rules: forbidImports(
      'common/ runs in the daemon and in the extension: Node built-ins and daemon/protocol types only.',
      '(^|/)(extension|media)/|(^|/)daemon/(?!protocol$)|^express(/|$)|^vscode$',
    ),
  },
  {
    files: ['media/**/*.ts'],
    rules: forbidImports(
      'Webview code runs in a browser sandbox: it imports only the webview protocol (extension/webviews/protocol).',
      '(^|/)(daemon|common)/|(^|/)extension/(?!webviews/protocol$)',
    ),
  },
);
