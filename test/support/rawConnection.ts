// One TCP connection to a daemon, with requests sent on it one at a time and their answers read back: what
// a kept-alive app server does, and what a test needs to be sure two requests shared a connection (an
// http.Agent may open another one at any time).
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  body: unknown;
}

export class RawConnection {
  private received = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(
    private readonly port: number,
    private readonly socket: Socket,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(port, socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a JSON POST and reads its answer (Content-Length framing); throws once the daemon closed the connection. */
  async post(path: string, json: unknown, headers: Record<string, string>): Promise<RawAnswer> {
    if (this.closed) throw new Error('the daemon closed the connection');
    const payload = Buffer.from(JSON.stringify(json));
    const lines = [
      `POST ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${this.port}`,
      'Content-Type: application/json',
      `Content-Length: ${payload.length}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    this.socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]));
    for (;;) {
      const headEnd = this.received.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const head = this.received.toString('latin1', 0, headEnd);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
        const end = headEnd + 4 + length;
        if (this.received.length >= end) {
          const body = this.received.toString('utf8', headEnd + 4, end);
          this.received = this.received.subarray(end);
          return { status: Number(head.slice(9, 12)), body: JSON.parse(body) };
        }
      }
      if (this.closed) throw new Error('the daemon closed the connection before answering');
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
