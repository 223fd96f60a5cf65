// Where a file stands with git, for the Problems panel: a production key is an error only in a file git
// tracks or would take with `git add .`. The git CLI, no shell; without git or outside a work tree the
// file is `outside`.
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export type FileGitPlace = 'tracked' | 'addable' | 'ignored' | 'outside';

function gitExit(cwd: string, args: string[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    // core.fsmonitor off: a repository's config must not get to run a command of its choosing here.
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-C', cwd, ...args],
      { timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve(typeof code === 'number' ? code : undefined);
      },
    );
  });
}

export async function gitPlaceOf(file: string): Promise<FileGitPlace> {
  const cwd = path.dirname(file);
  const name = path.basename(file);
  if ((await gitExit(cwd, ['ls-files', '--error-unmatch', '--', name])) === 0) return 'tracked';
  // check-ignore: 0 ignored, 1 not ignored, 128 outside a work tree.
  const ignored = await gitExit(cwd, ['check-ignore', '-q', '--', name]);
  return ignored === 0 ? 'ignored' : ignored === 1 ? 'addable' : 'outside';
}

/** The work tree holding `file` (`git rev-parse --show-toplevel`), or undefined outside one. */
export function gitTopLevel(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-C', path.dirname(file), 'rev-parse', '--show-toplevel'],
      { timeout: 10_000 },
      (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

/** `git rm --cached` of one file: git stops tracking it and leaves it on disk. Rejects when git fails. */
export function gitUntrack(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-C', path.dirname(file), 'rm', '--cached', '-q', '--', path.basename(file)],
      { timeout: 10_000 },
      (error) => (error ? reject(new Error(`git rm --cached failed (${String((error as { code?: unknown }).code)})`)) : resolve()),
    );
  });
}
