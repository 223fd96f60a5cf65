// Whether git would carry a secret written into a file into the next commit (tracked), or into the
// next `git add .` (untracked and not ignored). Uses the git CLI with `-C` and no shell; outside a
// repository, or without git, the answer is "not tracked, not in a work tree".
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface GitTracking {
  tracked: boolean;
  /** The file's path from the repository root, for the advice on how to ignore it. */
  repoPath?: string;
}

export interface GitIgnoring {
  /** The file's folder is inside a git work tree. */
  inWorkTree: boolean;
  /** Git's ignore rules cover the file (its own .gitignore files, info/exclude, core.excludesFile). */
  ignored: boolean;
}

/** `exitCode` is git's exit status, or undefined when git could not run (not installed, timed out). */
function git(cwd: string, args: string[]): Promise<{ ok: boolean; exitCode?: number; stdout: string }> {
  return new Promise((resolve) => {
    // core.fsmonitor off: a repository's config must not get to run a command of its choosing here.
    execFile(
      'git',
      ['-c', 'core.fsmonitor=false', '-C', cwd, ...args],
      { timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        resolve({ ok: !error, exitCode: typeof code === 'number' ? code : undefined, stdout: String(stdout) });
      },
    );
  });
}

/** Tracked = in git's index. Ignore rules do not apply to a tracked file, so ignored implies untracked. */
export async function gitTracking(realFile: string): Promise<GitTracking> {
  const { ok, stdout } = await git(path.dirname(realFile), [
    'ls-files',
    '--full-name',
    '--error-unmatch',
    '-z',
    '--',
    path.basename(realFile),
  ]);
  if (!ok) return { tracked: false };
  const repoPath = stdout.split('\0')[0];
  return repoPath ? { tracked: true, repoPath } : { tracked: false };
}

/**
 * Whether git would leave an untracked file out of `git add .`. Works for a file yet to be created
 * (its folder exists). `git check-ignore` exits 0 for ignored, 1 for not ignored, 128 outside a repository.
 */
export async function gitIgnoring(realFile: string): Promise<GitIgnoring> {
  const { exitCode } = await git(path.dirname(realFile), ['check-ignore', '-q', '--', path.basename(realFile)]);
  if (exitCode === 0) return { inWorkTree: true, ignored: true };
  if (exitCode === 1) return { inWorkTree: true, ignored: false };
  return { inWorkTree: false, ignored: false };
}

/** The work tree's root and the file's path from it (forward slashes); undefined outside a work tree. */
export async function gitRepoPlace(realFile: string): Promise<{ root: string; repoPath: string } | undefined> {
  const { ok, stdout } = await git(path.dirname(realFile), ['rev-parse', '--show-toplevel', '--show-prefix']);
  const [root, prefix] = stdout.split('\n');
  if (!ok || !root) return undefined;
  return { root, repoPath: `${prefix ?? ''}${path.basename(realFile)}` };
}

/** How to stop git from carrying the file, for the 409 message. */
export function howToUntrack(repoPath: string): string {
  return `add the line "/${repoPath}" to .gitignore and run \`git rm --cached -- "${repoPath}"\` (the file stays on disk), or pass "force": true to write into it anyway`;
}
