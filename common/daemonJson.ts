// `<dataDir>/daemon.json`: how clients find the running daemon (admin socket, verify port, pid, admin
// token), and where it is. Read only when it is the current user's own private file, not reached through
// a link. The daemon writes it (daemon/daemonFile.ts); the CLI and the extension read it with this.
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { DaemonInfo } from '../daemon/protocol';
import { readOwnPrivateFile } from './privateFile';

export const DAEMON_FILE_NAME = 'daemon.json';

export function daemonFilePath(dataDir: string): string {
  return path.join(dataDir, DAEMON_FILE_NAME);
}

/** `--data-dir`, else KEYSMITH_DATA_DIR, else `$XDG_DATA_HOME/keysmith`, else `~/.local/share/keysmith`. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.KEYSMITH_DATA_DIR;
  if (chosen) return path.resolve(chosen);
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share');
  return path.join(xdg, 'keysmith');
}

export async function readDaemonFile(dataDir: string): Promise<DaemonInfo> {
  const file = daemonFilePath(dataDir);
  const info = parseDaemonInfo(await readOwnPrivateFile(file));
  if (!info) throw new Error(`${file} is not a Keysmith daemon file`);
  return info;
}

/** The card's fields, or undefined when the text is not a card a daemon of this version wrote. */
export function parseDaemonInfo(text: string): DaemonInfo | undefined {
  let data: Partial<DaemonInfo>;
  try {
    data = JSON.parse(text) as Partial<DaemonInfo>;
  } catch {
    return undefined;
  }
  const valid =
    typeof data.socket === 'string' &&
    data.socket.length > 0 &&
    Number.isInteger(data.port) &&
    (data.port as number) > 0 &&
    Number.isInteger(data.pid) &&
    typeof data.token === 'string' &&
    data.token.length > 0;
  return valid ? (data as DaemonInfo) : undefined;
}
