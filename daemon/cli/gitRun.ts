// Runs the git CLI for the scanner and the hook installer: no shell, output as bytes (file names and
// blobs are not necessarily UTF-8), optional stdin (git cat-file --batch).
import { spawn } from 'node:child_process';

export interface GitOutput {
  /** git's exit status; undefined when git could not run at all (not installed). */
  code: number | undefined;
  stdout: Buffer;
  stderr: string;
}

export function runGit(cwd: string, args: readonly string[], input?: string): Promise<GitOutput> {
  return new Promise((resolve) => {
    // core.fsmonitor off: a repository's config must not get to run a command of its choosing here.
    const child = spawn('git', ['-c', 'core.fsmonitor=false', ...args], {
      cwd,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', () => resolve({ code: undefined, stdout: Buffer.alloc(0), stderr: 'git could not be run' }));
    child.on('close', (code) =>
      resolve({ code: code ?? undefined, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.on('error', () => {
      /* git exited early; its status says why */
    });
    child.stdin.end(input);
  });
}

/** NUL-separated git output (`-z`) as strings, without the empty tail. */
export function splitNul(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '');
}

/** The work tree's top folder, or undefined outside a git work tree. */
export async function workTreeRoot(cwd: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['rev-parse', '--show-toplevel']);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}
