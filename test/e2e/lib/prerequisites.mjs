// The system packages the harness needs, checked up front so a missing one fails with the command
// that installs it rather than deep inside code-server's postinstall or a browser launch.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH } from './paths.mjs';
import { isHarnessInstalled } from './install.mjs';

export const APT_COMMAND =
  'apt-get update && apt-get install -y chromium ripgrep postgresql libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential git';

const RG_PATH = '/usr/bin/rg';

/**
 * Each missing prerequisite as a sentence; empty when everything is there. `exthost`: the extension-host
 * tests run a real team store, so they need a PostgreSQL server's initdb and pg_ctl.
 */
export function missingPrerequisites({ exthost = true } = {}) {
  const missing = [];
  if (!existsSync(CHROMIUM_PATH)) missing.push(`Chromium is not at ${CHROMIUM_PATH} (set CHROMIUM to use another binary)`);
  if (exthost && !postgresServerFound()) {
    missing.push(
      "PostgreSQL's initdb and pg_ctl are in none of KEYSMITH_PG_BIN, /usr/lib/postgresql/15/bin or PATH " +
        '(the extension-host tests run a team store on a throwaway PostgreSQL 15 server)',
    );
  }
  // Only code-server's install needs these; an installed harness can run without them.
  if (!isHarnessInstalled()) {
    if (!existsSync(RG_PATH)) missing.push(`ripgrep is not at ${RG_PATH} (code-server's install needs it offline)`);
    for (const header of ['/usr/include/krb5.h', '/usr/include/X11/extensions/XKBfile.h', '/usr/include/libsecret-1/libsecret/secret.h']) {
      if (!existsSync(header)) missing.push(`${header} is missing (code-server's native modules build against it)`);
    }
    for (const tool of ['/usr/bin/make', '/usr/bin/g++', '/usr/bin/pkg-config']) {
      if (!existsSync(tool)) missing.push(`${tool} is missing (needed to build code-server's native modules)`);
    }
  }
  return missing;
}

export { RG_PATH };

/** The same places test/support/postgresServer.ts looks in, so a run fails here rather than in a test. */
function postgresServerFound(env = process.env) {
  const dirs = [env.KEYSMITH_PG_BIN, '/usr/lib/postgresql/15/bin', ...(env.PATH ?? '').split(path.delimiter)];
  return dirs.some((dir) => dir && existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

/**
 * Decides what to do when prerequisites are missing. Under CI the suite must never be skipped; a
 * developer may skip it explicitly with KEYSMITH_SKIP_E2E=1, and is told loudly that nothing ran.
 */
export function prerequisiteVerdict(missing, env = process.env) {
  if (missing.length === 0) return { action: 'run' };
  const lines = [
    'The end-to-end tests cannot run on this machine:',
    ...missing.map((m) => `  - ${m}`),
    `Install the system packages with (as root):\n  ${APT_COMMAND}`,
  ];
  const ci = env.CI === 'true' || env.CI === '1';
  if (!ci && env.KEYSMITH_SKIP_E2E === '1') {
    return {
      action: 'skip',
      message: [
        '!'.repeat(72),
        'KEYSMITH_SKIP_E2E=1: SKIPPING the end-to-end tests. NOTHING WAS TESTED IN VS CODE.',
        ...lines,
        '!'.repeat(72),
      ].join('\n'),
    };
  }
  const hint = ci
    ? '(CI=true: the end-to-end tests are never skipped in CI.)'
    : '(To skip them locally on purpose, set KEYSMITH_SKIP_E2E=1.)';
  return { action: 'fail', message: [...lines, hint].join('\n') };
}
