// The CLI's connection to a running daemon: reads daemon.json from the data dir, sends JSON requests
// with the admin token, and turns API errors into messages for a terminal.
import { request } from 'node:http';
import { readDaemonFile } from './daemonFile';
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
  const { port, token } = info;
  return {
    call: <T>(method: string, urlPath: string, body?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (payload !== undefined) {
          headers['content-type'] = 'application/json';
          headers['content-length'] = String(Buffer.byteLength(payload));
        }
        const req = request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new CliError(`The daemon on port ${port} broke off its answer (${error.message}).`)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              // A throw here would escape the promise and crash the CLI with a stack trace.
              reject(new CliError(`What answers on port ${port} is not a Keysmith daemon (HTTP ${res.statusCode}, not JSON); is daemon.json in ${dataDir} stale?`));
              return;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const error = (parsed as ErrorBody | undefined)?.error;
              const details = error?.details && typeof error.details === 'object'
                ? Object.entries(error.details as Record<string, string>).map(([field, why]) => `\n  ${field}: ${why}`).join('')
                : '';
              reject(new CliError(`${error?.message ?? `HTTP ${res.statusCode}`}${details}`));
            } else resolve(parsed as T);
          });
        });
        req.on('error', (error) => reject(new CliError(`Cannot reach the daemon on port ${port} (${error.message}); is it still running?`)));
        req.end(payload);
      }),
  };
}
