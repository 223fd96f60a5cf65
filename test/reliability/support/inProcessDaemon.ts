// The daemon served in this process (daemon/server.ts startServer: real HTTP on its admin socket and on
// port 0, real files in a temp dir). Fast to start, so attack and bad-input tests get a fresh one per describe block. Its log
// lines are captured, not printed, so tests can prove no secret ever reaches them.
import { rm } from 'node:fs/promises';
import { startServer, type StartServerOptions } from '../../../daemon/server';
import { makeTempDir } from './tempDir';

export interface InProcessDaemon {
  /** The admin socket, where `send` goes by default. */
  socket: string;
  port: number;
  token: string;
  url: string;
  dataDir: string;
  /** Every line the daemon logged, info and error. */
  logs: string[];
  stop(): Promise<void>;
}

export type InProcessOptions = Partial<StartServerOptions>;

/** Starts a daemon on port 0; without a `dataDir` it uses a fresh temp dir that `stop()` removes. */
export async function startInProcessDaemon(options: InProcessOptions = {}): Promise<InProcessDaemon> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir('daemon'));
  const logs: string[] = [];
  const logger = { info: (line: string) => void logs.push(line), error: (line: string) => void logs.push(line) };
  const server = await startServer({ logger, ...options, dataDir, port: 0 });
  return {
    socket: server.socket,
    port: server.port,
    token: server.token,
    url: server.url,
    dataDir,
    logs,
    async stop() {
      await server.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
