// Where things are, computed once so every module agrees.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');
export const OUT_DIR = path.join(E2E_DIR, 'out');
export const FIXTURES_DIR = path.join(E2E_DIR, 'fixtures');
export const CODE_SERVER_BIN = path.join(E2E_DIR, 'node_modules', '.bin', 'code-server');
export const VSCE_BIN = path.join(E2E_DIR, 'node_modules', '.bin', 'vsce');
export const MOCHA_BIN = path.join(E2E_DIR, 'node_modules', '.bin', 'mocha');
export const CHROMIUM_PATH = process.env.CHROMIUM || '/usr/bin/chromium';
