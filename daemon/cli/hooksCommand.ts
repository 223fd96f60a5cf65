// `keysmith hooks install [--force]`: a git pre-commit hook that runs `keysmith scan --staged`, so a
// commit carrying a live key is refused before it exists. Running it again changes nothing; a hook
// Keysmith did not write is replaced only with --force, and kept next to it as a backup.
import { chmod, readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type ParsedArgs } from '../args';
import { CliError } from '../cliClient';
import { runGit } from './gitRun';

/** Marks a hook as ours, so a later install may update it. */
export const HOOK_MARKER = '# keysmith-pre-commit-hook';

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The hook runs this very node and CLI by absolute path: a commit from a GUI client has no npx on PATH. */
export function hookScript(dataDir: string | undefined): string {
  const cli = realpathSync(process.argv[1]!);
  const command = [process.execPath, cli, 'scan', '--staged', ...(dataDir ? ['--data-dir', dataDir] : [])].map(shellQuote).join(' ');
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Installed by `keysmith hooks install`: refuses a commit that carries a live Keysmith key.',
    '# Bypass once with `git commit --no-verify`; reinstall after moving Node or Keysmith.',
    `exec ${command}`,
    '',
  ].join('\n');
}

export async function hooksCommand(args: ParsedArgs, explicitDataDir: string | undefined): Promise<void> {
  const sub = args.positionals[1];
  if (sub !== 'install') throw new UsageError(`unknown hooks command "${sub ?? ''}"; try: keysmith hooks install`);
  // --git-path honours core.hooksPath and linked worktrees.
  const located = await runGit(process.cwd(), ['rev-parse', '--git-path', 'hooks']);
  if (located.code !== 0) throw new CliError('keysmith hooks install must run inside a git repository.');
  const hooksDir = path.resolve(process.cwd(), located.stdout.toString('utf8').trim());
  const hookFile = path.join(hooksDir, 'pre-commit');
  const script = hookScript(explicitDataDir === undefined ? undefined : path.resolve(explicitDataDir));
  const existing = await readFile(hookFile, 'utf8').catch(() => undefined);
  if (existing === script) return void console.log(`The Keysmith pre-commit hook is already installed (${hookFile}).`);
  let note = '';
  if (existing !== undefined && !existing.includes(HOOK_MARKER)) {
    if (!args.flags.has('force')) {
      throw new CliError(
        `${hookFile} already exists and was not written by Keysmith; nothing changed. ` +
          'Run `keysmith hooks install --force` to replace it (it is kept as pre-commit.keysmith-backup), or call `keysmith scan --staged` from it yourself.',
      );
    }
    await rename(hookFile, `${hookFile}.keysmith-backup`);
    note = ` The previous hook is kept as ${hookFile}.keysmith-backup.`;
  }
  await mkdir(hooksDir, { recursive: true });
  await writeFile(hookFile, script, { mode: 0o755 });
  await chmod(hookFile, 0o755);
  console.log(`${existing === undefined ? 'Installed' : 'Updated'} the Keysmith pre-commit hook: ${hookFile}.${note}`);
}
