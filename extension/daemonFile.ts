// Reading `<dataDir>/daemon.json`, the daemon's calling card (port, pid, admin token, version).
import { promises as fs } from 'node:fs';
import { daemonFilePath } from '../daemon/daemonFile';
import type { DaemonInfo } from '../daemon/protocol';

/** The daemon's card, or undefined when there is none or it is not a card a daemon wrote. */
export async function readDaemonFile(dataDir: string): Promise<DaemonInfo | undefined> {
  let text: string;
  try {
    text = await fs.readFile(daemonFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<DaemonInfo>;
    const valid =
      Number.isInteger(data.port) && (data.port as number) > 0 &&
      Number.isInteger(data.pid) && typeof data.token === 'string' && data.token.length > 0;
    return valid ? (data as DaemonInfo) : undefined;
  } catch {
    // Caught mid-write by a non-atomic writer, or hand-edited: treat as absent.
    return undefined;
  }
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
