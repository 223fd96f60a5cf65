// The data dir holds the admin token, the master key and the store: it is trusted only when the current
// user owns it and nobody else can write to it (another user who can write there could swap daemon.json
// or plant a link), and nothing in it is a symbolic link. Checked at every start, before any file in it
// is opened.
import { lstat, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ownerProblem, shellQuote, symlinkRefusal } from '../../common/privateFile';
import { errnoCode } from './storeFs';

export class UnsafeDataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeDataDirError';
  }
}

/** Refuses a data dir another user owns, or one that group or others may write to. */
export async function assertPrivateDataDir(dataDir: string): Promise<void> {
  const stats = await stat(dataDir);
  if (!stats.isDirectory()) throw new UnsafeDataDirError(`The data dir ${dataDir} is not a directory.`);
  if (process.platform === 'win32') return; // no owner uid or mode bits to check there
  const notOwned = ownerProblem(dataDir, stats.uid);
  if (notOwned) {
    throw new UnsafeDataDirError(
      `The data dir ${dataDir} belongs to another user (uid ${stats.uid}); keys are kept only in a folder ` +
        `you own. Choose another --data-dir, or take it over with: chown "$(id -u)" ${shellQuote(dataDir)} && chmod 700 ${shellQuote(dataDir)}`,
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new UnsafeDataDirError(
      `The data dir ${dataDir} can be written by other users (mode ${(stats.mode & 0o777).toString(8)}); ` +
        `they could replace daemon.json or plant links in it. Fix it with: chmod 700 ${shellQuote(dataDir)}`,
    );
  }
}

/** Refuses to start when any of the daemon's own files in the data dir is a symbolic link. */
export async function assertNoSymlinks(dataDir: string, fileNames: readonly string[]): Promise<void> {
  for (const name of fileNames) {
    const file = path.join(dataDir, name);
    try {
      if ((await lstat(file)).isSymbolicLink()) throw new UnsafeDataDirError(symlinkRefusal(file));
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
}
