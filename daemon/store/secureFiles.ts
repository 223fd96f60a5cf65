// Writing files that hold secrets or their hashes: private (0600) from the first byte and atomic
// (a reader or a crash sees the old content or the new, never half of it), and durable when the
// promise resolves (file and directory entry fsynced).
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { nodeStoreFs, type DurableFileFs, type FileContent, type StoreFs } from './storeFs';

const PRIVATE_MODE = 0o600;

/** Temp files are named `<target>.<pid>.<random>.tmp` so a crash leftover can be recognised and removed. */
export function tempPathFor(target: string): string {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

export function isTempFileOf(targetBaseName: string, candidate: string): boolean {
  return candidate.startsWith(`${targetBaseName}.`) && candidate.endsWith('.tmp');
}

/**
 * Atomically replaces `target` with `data`: a temp file in the same directory, created exclusively
 * (`wx`) with mode 0600 so it is never readable by others (no chmod window), written, fsynced, renamed
 * over the target, then the directory fsynced so the rename itself survives a power cut.
 */
export async function writeFileAtomic(fs: DurableFileFs, target: string, data: FileContent): Promise<void> {
  const temp = tempPathFor(target);
  let renamed = false;
  try {
    const handle = await fs.open(temp, 'wx', PRIVATE_MODE);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
    renamed = true;
    await syncDirectory(fs, path.dirname(target));
  } catch (error) {
    if (!renamed) await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** fsync of a directory makes a create/rename in it durable. Windows cannot open directories. */
export async function syncDirectory(fs: DurableFileFs, directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** For `daemon.json` and `master.key`: atomic, durable, 0600 from the first byte. */
export function writePrivateFileAtomic(target: string, data: FileContent): Promise<void> {
  return writeFileAtomic(nodeStoreFs, target, data);
}

/**
 * Refuses a file that group or others may access in any way: a secret readable by another local user
 * is not a secret. Mode bits mean nothing on Windows, so the check is skipped there.
 */
export async function assertPrivateFile(file: string, fs: Pick<StoreFs, 'stat'> = nodeStoreFs): Promise<void> {
  if (process.platform === 'win32') return;
  const problem = modeProblem(file, (await fs.stat(file)).mode);
  if (problem) throw new Error(problem);
}

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
  return `${file} belongs to another user (uid ${uid}, you are ${me}); Keysmith trusts only files you own. ` +
    `Remove it if you did not put it there: rm ${shellQuote(file)}`;
}

function modeProblem(file: string, mode: number): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return `${file} is accessible by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); ` +
    `it must be private to you (mode 600). Fix it with: chmod 600 ${shellQuote(file)}`;
}

export function symlinkRefusal(file: string): string {
  return `${file} is a symbolic link; Keysmith opens nothing in its data dir through a link, which could ` +
    `point at another file. Remove it: rm ${shellQuote(file)}`;
}

/** Quotes a path for a command the user will copy into a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
