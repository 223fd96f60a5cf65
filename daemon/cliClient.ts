// The CLI's connection to a running daemon: reads daemon.json from the data dir (only the user's own
// private file), makes whatever answers on its admin socket prove it is this data dir's daemon, and only
// then sends JSON requests with the admin token; API errors become messages for a terminal.
import { request } from 'node:http';
import { proveDaemon } from '../common/daemonProof';
import { readDaemonFile } from '../common/daemonJson';
import type { ErrorBody } from './protocol';

export class CliError extends Error {}

export interface DaemonConnection {
  call<T>(method: string, urlPath: string, body?: unknown): Promise<T>;
}

export async function connect(dataDir: string): Promise<DaemonConnection> {
  let info;
  try {
    info = await readDaemonFile(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(`No Keysmith daemon runs for ${dataDir} (no daemon.json). Start one with: keysmith-daemon --data-dir ${dataDir}`);
    }
    throw new CliError((error as Error).message);
  }
  const { socket, token } = info;
  // Nothing secret (token, a secret to verify) leaves this process before the proof: after a crash,
  // daemon.json is stale and anything may answer where the daemon used to.
  const proof = await proveDaemon(socket, token);
  if (!proof.proved) {
    throw new CliError(
      proof.answered
        ? `What answers on ${socket} is not the Keysmith daemon of ${dataDir}: ${proof.reason}. Nothing was sent to it. ` +
            `If the daemon crashed, stop that process and start the daemon again: keysmith-daemon --data-dir ${dataDir}`
        : `Cannot reach the daemon on ${socket} (${proof.reason}); daemon.json in ${dataDir} is stale. Start it with: keysmith-daemon --data-dir ${dataDir}`,
    );
  }
  return {
    call: <T>(method: string, urlPath: string, body?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (payload !== undefined) {
          headers['content-type'] = 'application/json';
          headers['content-length'] = String(Buffer.byteLength(payload));
        }
        const req = request({ socketPath: socket, method, path: urlPath, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new CliError(`The daemon on ${socket} broke off its answer (${error.message}).`)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              // A throw here would escape the promise and crash the CLI with a stack trace.
              reject(
                new CliError(
                  `What answers on ${socket} is not a Keysmith daemon (HTTP ${res.statusCode}, not JSON); is daemon.json in ${dataDir} stale?`,
                ),
              );
              return;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const error = (parsed as ErrorBody | undefined)?.error;
              const details =
                error?.details && typeof error.details === 'object'
                  ? Object.entries(error.details as Record<string, string>)
                      .map(([field, why]) => `\n  ${field}: ${why}`)
                      .join('')
                  : '';
              reject(new CliError(`${error?.message ?? `HTTP ${res.statusCode}`}${details}`));
            } else resolve(parsed as T);
          });
        });
        req.on('error', (error) => reject(new CliError(`Cannot reach the daemon on ${socket} (${error.message}); is it still running?`)));
        req.end(payload);
      }),
  };
}
