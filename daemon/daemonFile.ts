// Writing and removing `<dataDir>/daemon.json` (reading it is common/daemonJson.ts, shared with the
// clients). Private and written atomically, so a reader never sees half a token and no other user sees
// any of it.
import { rm } from 'node:fs/promises';
import { daemonFilePath } from '../common/daemonJson';
import type { DaemonInfo } from './protocol';
import { assertPrivateFile, writePrivateFileAtomic } from './store/secureFiles';

export async function writeDaemonFile(dataDir: string, info: DaemonInfo): Promise<void> {
  await writePrivateFileAtomic(daemonFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

export async function removeDaemonFile(dataDir: string): Promise<void> {
  await rm(daemonFilePath(dataDir), { force: true });
}

/** Refuses a daemon.json or master.key that other users could read (a leaked admin token or master key). */
export async function assertPrivateIfPresent(file: string): Promise<void> {
  try {
    await assertPrivateFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
}
