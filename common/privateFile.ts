// Reading a file that holds a secret (daemon.json) only when it can be trusted: not a link, the current
// user's own, private to them. The daemon and every client (CLI, extension) apply the same rules, so
// the messages that tell a user how to fix a refused file are the same wherever it is refused.
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Open flag that makes open() fail (ELOOP) on a symbolic link; Windows has none (0). */
export const NO_FOLLOW: number = fsConstants.O_NOFOLLOW ?? 0;

/** A file that exists but must not be trusted: a link, another user's, or open to other users. */
export class UntrustedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntrustedFileError';
  }
}

/**
 * Reads a file that holds a secret (daemon.json) only when it is trustworthy: not a symbolic link
 * (O_NOFOLLOW), owned by the current user and private (no group/other bits). The checks are made on
 * the open descriptor, so the file cannot be swapped between the check and the read.
 */
export async function readOwnPrivateFile(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, fsConstants.O_RDONLY | NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new UntrustedFileError(symlinkRefusal(file));
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (process.platform !== 'win32') {
      const problem = ownerProblem(file, stats.uid) ?? modeProblem(file, stats.mode);
      if (problem) throw new UntrustedFileError(problem);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Why a file of another user is refused, or undefined when the current user owns it. */
export function ownerProblem(file: string, uid: number): string | undefined {
  const me = process.getuid?.();
  if (me === undefined || uid === me) return undefined;
  return (
    `${file} belongs to another user (uid ${uid}, you are ${me}); Keysmith trusts only files you own. ` +
    `Remove it if you did not put it there: rm ${shellQuote(file)}`
  );
}

export function modeProblem(file: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return (
    `${file} is accessible by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); ` +
    `it must be private to you (mode 600). Fix it with: chmod 600 ${shellQuote(file)}`
  );
}

export function symlinkRefusal(file: string): string {
  return (
    `${file} is a symbolic link; Keysmith opens nothing in its data dir through a link, which could ` +
    `point at another file. Remove it: rm ${shellQuote(file)}`
  );
}

/** Quotes a path for a command the user will copy into a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
