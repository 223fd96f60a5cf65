// Reading `<dataDir>/daemon.json`, the daemon's calling card (socket, port, pid, admin token, version):
// the same checks as the daemon's own reader (daemon/daemonFile.ts), since the extension sends the token.
import { promises as fs } from 'node:fs';
import { daemonFilePath, parseDaemonInfo } from '../common/daemonJson';
import type { DaemonInfo } from '../daemon/protocol';
import { readOwnPrivateFile, UntrustedFileError } from '../common/privateFile';

export { UntrustedFileError };

/**
 * The daemon's card, or undefined when there is none or it is not a card a daemon wrote. Throws
 * UntrustedFileError when the file exists but is not the user's own private file: its token must
 * not be used, and a daemon started now would refuse it too, so the user has to act.
 */
export async function readDaemonFile(dataDir: string): Promise<DaemonInfo | undefined> {
  let text: string;
  try {
    text = await readOwnPrivateFile(daemonFilePath(dataDir));
  } catch (error) {
    if (error instanceof UntrustedFileError) throw error;
    return undefined; // absent or unreadable
  }
  // Caught mid-write by a non-atomic writer, or hand-edited: treat as absent.
  return parseDaemonInfo(text);
}

/** The last lines of the daemon's own log, to explain why a start failed. */
export async function tailDaemonLog(logPath: string, lines = 6): Promise<string> {
  try {
    const text = await fs.readFile(logPath, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
