// Replaces a file so a reader sees the old bytes or the new ones, never a mix, and a crash never
// leaves half a config: temp file in the same folder with the original's mode, fsync, rename, fsync
// of the folder. steno (lowdb) does temp + rename; a file holding secrets needs the mode and fsyncs too.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Mode for files we create: they hold secrets. */
export const NEW_FILE_MODE = 0o600;

export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  let mode = NEW_FILE_MODE;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const info = await stat(file);
    mode = info.mode & 0o7777;
    owner = { uid: info.uid, gid: info.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.keysmith-${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': fail rather than follow anything already sitting at the temp name.
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.chmod(mode); // the umask may have narrowed the mode given to open
      if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename is then as durable as they allow.
  } finally {
    await handle.close();
  }
}
