// A minimal JSON-over-HTTP caller for the benches' own requests to the daemon (creating a verify token,
// creating keys: admin calls, so on its socket), with a keep-alive agent sized to the concurrency being
// measured. The extension's
// DaemonClient is used where the extension's behaviour is what is measured (bench/extension.ts).
import * as http from 'node:http';

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

export class JsonCaller {
  private readonly agent: http.Agent;

  constructor(
    /** The admin socket path, or a TCP port on 127.0.0.1 (the verify port, or a baseline server). */
    private readonly where: string | number,
    private readonly token: string,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request<T>(method: string, path: string, body?: unknown): Promise<JsonAnswer<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          ...(typeof this.where === 'string' ? { socketPath: this.where } : { host: '127.0.0.1', port: this.where }),
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request, but an answer other than `expected` is an error naming the daemon's error code. */
  async expect<T>(expected: number, method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.request<T>(method, path, body);
    if (answer.status !== expected) {
      const code = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new Error(`${method} ${path} answered ${answer.status} (${code?.code ?? '?'}: ${code?.message ?? ''}), expected ${expected}`);
    }
    return answer.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
