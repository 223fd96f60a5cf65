// Whether git would carry a secret written into a file into the next commit. Uses the git CLI with
// `-C` and no shell; outside a repository, or without git, the answer is "not tracked".
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface GitTracking {
  tracked: boolean;
  /** The file's path from the repository root, for the advice on how to ignore it. */
  repoPath?: string;
}

function git(cwd: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    // core.fsmonitor off: a repository's config must not get to run a command of its choosing here.
    execFile('git', ['-c', 'core.fsmonitor=false', '-C', cwd, ...args], { timeout: 10_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (error, stdout) => resolve({ ok: !error, stdout: String(stdout) }));
  });
}

/** Tracked = in git's index. Ignore rules do not apply to a tracked file, so ignored implies untracked. */
export async function gitTracking(realFile: string): Promise<GitTracking> {
  const { ok, stdout } = await git(path.dirname(realFile), ['ls-files', '--full-name', '--error-unmatch', '-z', '--', path.basename(realFile)]);
  if (!ok) return { tracked: false };
  const repoPath = stdout.split('\0')[0];
  return repoPath ? { tracked: true, repoPath } : { tracked: false };
}

/** How to stop git from carrying the file, for the 409 message. */
export function howToUntrack(repoPath: string): string {
  return `add the line "/${repoPath}" to .gitignore and run \`git rm --cached -- "${repoPath}"\` (the file stays on disk), or pass "force": true to write into it anyway`;
}
