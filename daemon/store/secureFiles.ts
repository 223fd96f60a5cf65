// Writing files that hold secrets or their hashes: private (0600) from the first byte and atomic
// (a reader or a crash sees the old content or the new, never half of it), and durable when the
// promise resolves (file and directory entry fsynced).
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { modeProblem } from '../../common/privateFile';
import { nodeStoreFs, type DurableFileFs, type FileContent, type StoreFs } from './storeFs';

const PRIVATE_MODE = 0o600;

/** Temp files are named `<target>.<pid>.<random>.tmp` so a crash leftover can be recognised and removed. */
export function tempPathFor(target: string): string {
  return `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
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
