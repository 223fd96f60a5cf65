// `keysmith-daemon [--data-dir DIR] [--port N]`: runs the daemon in the foreground until SIGINT/SIGTERM/SIGHUP.
// Refuses to start, with a message saying what to do, when another daemon holds the data dir, when the
// store is damaged, when daemon.json / master.key could be read by other users, or when the data dir is
// not private to the current user.
import * as path from 'node:path';
import { parseArgs, parsePort, UsageError } from './args';
import { assertPrivateIfPresent, writeDaemonFile } from './daemonFile';
import { daemonFilePath, resolveDataDir } from '../common/daemonJson';
import { consoleLogger } from './http/errorHandler';
import { MASTER_KEY_FILE } from './keys/masterKey';
import { startServer, type RunningServer } from './server';
import { collectGarbage } from './startupGarbage';
import { storeUrlFrom, StoreUrlError } from './store/openStore';
import { STOP_SIGNALS, stopDaemon } from './stopDaemon';
import { warmUpNextTick } from './nextTickWarmUp';
import { DAEMON_VERSION } from './version';

const USAGE = `Usage: keysmith-daemon [--data-dir DIR] [--port N] [--store URL] [--master-key-file FILE]

  --data-dir DIR  where keys, audit log and daemon.json live
                  (default: $KEYSMITH_DATA_DIR, else $XDG_DATA_HOME/keysmith, else ~/.local/share/keysmith)
  --port N        port on 127.0.0.1 for app servers' verify calls (default: $KEYSMITH_PORT, else any
                  free port); the admin API is on the socket <data dir>/daemon.sock
  --store URL     a team's PostgreSQL database, postgres://member:password@host:port/db (default:
                  $KEYSMITH_STORE_URL, else the embedded store in the data dir); see docs/team.md
  --master-key-file FILE
                  the key that seals retrievable secrets (default: $KEYSMITH_MASTER_KEY_FILE, else
                  <data dir>/master.key; $KEYSMITH_MASTER_KEY holds it inline). On a team store every
                  member uses the team's key, and the daemon never creates one.
`;

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['data-dir', 'port', 'store', 'master-key-file'], ['help', 'version']);
  if (args.flags.has('help')) return void process.stdout.write(USAGE);
  if (args.flags.has('version')) return void process.stdout.write(`${DAEMON_VERSION}\n`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const dataDir = resolveDataDir(args.options.get('data-dir'));
  const port = parsePort(args.options.get('port'), '--port') ?? parsePort(process.env.KEYSMITH_PORT, 'KEYSMITH_PORT') ?? 0;
  // While the store opens: the ticks every request queues then take V8's fast path (nextTickWarmUp.ts).
  warmUpNextTick();

  await assertPrivateIfPresent(daemonFilePath(dataDir));
  await assertPrivateIfPresent(path.join(dataDir, MASTER_KEY_FILE));
  const storeUrl = storeUrlFrom(args.options.get('store'), process.env);
  const server = await startServer({ dataDir, port, storeUrl, masterKeyFile: args.options.get('master-key-file') });
  // Said before daemon.json appears, in one write: whoever waits for the file (a script, the extension, a
  // test reading this output) then finds the whole start-up message, not part of it.
  console.log(
    [
      `Keysmith daemon ${DAEMON_VERSION}: admin API on ${server.socket}, verify on ${server.url}`,
      `Store: ${server.core.context.store.description}`,
      `Connection details (admin token) in ${daemonFilePath(dataDir)}`,
    ].join('\n'),
  );
  await writeDaemonFile(dataDir, {
    socket: server.socket,
    port: server.port,
    pid: process.pid,
    token: server.token,
    version: DAEMON_VERSION,
  });
  stopOnSignals(server, dataDir);
  // What was read to build the verify index is garbage now that the daemon serves; what stays is compacted.
  collectGarbage({ compact: true });
}

function stopOnSignals(server: RunningServer, dataDir: string): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}: stopping (finishing requests, writing pending changes).`);
    void stopDaemon(server, dataDir, consoleLogger).then((code) => process.exit(code));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Known refusals (lock, corrupt store, file modes, bad arguments) carry a message meant for a person.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`keysmith-daemon: ${message}`);
  if (error instanceof UsageError || error instanceof StoreUrlError) console.error(USAGE);
  process.exit(1);
});
