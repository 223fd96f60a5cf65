// How the daemon process stops on a signal: finish requests, write what is pending, then remove
// daemon.json so no client finds a daemon that is gone. When the disk refuses the last writes, the stop
// still completes: daemon.json and the lock are removed (left behind, they would point clients at a
// port anyone may take, and make the next start judge the lock), and the exit code and log say what
// could not be written.
import { removeDaemonFile } from './daemonFile';
import type { Logger } from './http/errorHandler';
import type { RunningServer } from './server';
import { StoreWriteError } from './store/errors';
import { errnoCode } from './store/storeFs';

/** The signals that mean "stop": Ctrl+C, a service manager, and the terminal closing under `npm start`. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Stops the server and removes daemon.json; resolves with the exit code (1 when something was lost). */
export async function stopDaemon(server: RunningServer, dataDir: string, log: Logger): Promise<number> {
  const problems: string[] = [];
  try {
    // Releases the store and its lock even when the final flush fails (see the store's close()).
    await server.close();
  } catch (error) {
    problems.push(`pending changes were not written: ${describeFailure(error)}`);
  }
  const unwrittenAudit = server.core.audit.pending;
  if (unwrittenAudit > 0) problems.push(`${unwrittenAudit} audit event(s) could not be written to the audit log`);
  try {
    await removeDaemonFile(dataDir);
  } catch (error) {
    problems.push(`daemon.json could not be removed (${errnoCode(error) ?? 'unknown error'}); delete it by hand`);
  }
  if (problems.length === 0) {
    log.info('Keysmith daemon stopped.');
    return 0;
  }
  log.error(`Keysmith daemon stopped, but ${problems.join('; ').replace(/\.$/, '')}.`);
  return 1;
}

/** Store and fs errors name a file and the disk's complaint, never content; anything else only by kind. */
function describeFailure(error: unknown): string {
  if (error instanceof StoreWriteError) return error.message;
  const code = errnoCode(error);
  if (code && error instanceof Error) return error.message;
  return error instanceof Error ? `${error.name} (see the lines above)` : 'unknown error';
}
