// Where the admin API listens: `<dataDir>/daemon.sock`, a Unix-domain socket inside the private data dir
// (only its owner can even connect), or on Windows a named pipe derived from the data dir. A socket file
// left by a daemon that was killed is removed at start, but only when it is a socket we own and nothing
// answers on it: never someone else's file, never a live daemon's socket.
import { createHash } from 'node:crypto';
import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { ownerProblem, shellQuote, symlinkRefusal } from '../common/privateFile';
import { errnoCode } from './store/storeFs';

export const SOCKET_FILE_NAME = 'daemon.sock';
/** sun_path is 108 bytes on Linux (104 on macOS), terminator included. */
const MAX_SOCKET_PATH_BYTES = 103;

export class AdminSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminSocketError';
  }
}

export function adminSocketPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    // Pipe names are global on Windows, so the name is tied to the data dir; the health proof (not the
    // name) is what tells the daemon from a process that grabbed the name first.
    const id = createHash('sha256').update(path.resolve(dataDir).toLowerCase()).digest('hex').slice(0, 16);
    return `\\\\.\\pipe\\keysmith-${id}`;
  }
  return path.join(dataDir, SOCKET_FILE_NAME);
}

/** Listens on the admin socket, after clearing a dead daemon's leftover, private (0600) from the start. */
export async function listenOnAdminSocket(server: Server, socketPath: string): Promise<void> {
  if (process.platform !== 'win32') {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
      throw new AdminSocketError(
        `The admin socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a Unix socket allows; choose a shorter --data-dir.`,
      );
    }
    await removeStaleSocket(socketPath);
  }
  // The socket file is created by bind() with mode 0777 & ~umask: a umask of 177 for that one call makes
  // it 0600 from its first instant, like every other file here (no chmod afterwards, no window). The
  // 0700 data dir already keeps others out; this says the same on the file itself.
  const previousUmask = process.platform === 'win32' ? undefined : process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(socketPath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (stats.isSymbolicLink()) throw new AdminSocketError(symlinkRefusal(socketPath));
  const notOwned = ownerProblem(socketPath, stats.uid);
  if (notOwned) throw new AdminSocketError(notOwned);
  if (!stats.isSocket()) {
    throw new AdminSocketError(
      `${socketPath} is not a socket; Keysmith will not delete it. Move it away: mv ${shellQuote(socketPath)} ${shellQuote(`${socketPath}.old`)}`,
    );
  }
  if (await somethingAnswers(socketPath)) {
    throw new AdminSocketError(`Another process serves ${socketPath}; stop it before starting a daemon on this data dir.`);
  }
  await unlink(socketPath);
}

function somethingAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
