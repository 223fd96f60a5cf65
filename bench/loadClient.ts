// A small keep-alive HTTP/1.1 load generator over raw sockets: N connections, one request in flight on
// each (no pipelining), for a fixed time. Raw sockets rather than node:http's client because the client
// must stay much cheaper than the servers it measures, or the baseline would be capped by the client and
// the ratio would flatter the daemon. Latency is timed per request with hrtime, in microseconds.
import * as net from 'node:net';
import { readAnswer } from './rawAnswer';
import { percentile } from './stats';

export interface LoadOptions {
  port: number;
  connections: number;
  durationMs: number;
  /** The complete raw request, sent as is on every turn (it must not ask for `Connection: close`). */
  request: Buffer;
  /** Whether an answer is correct; the count of correct answers is reported. */
  isCorrect?: (status: number, body: Buffer) => boolean;
}

export interface LoadResult {
  requests: number;
  correct: number;
  /** Status code -> count, for the report when something other than 200 came back. */
  statuses: Map<number, number>;
  /** Socket errors and connections the server closed (each one is reopened). */
  socketErrors: number;
  durationMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of one core the load generator itself used: near 100% means the client, not the server, was the limit. */
  clientCpuPercent: number;
}

/** What one run of load recorded, before summarising; runs can be combined (see `summarize`). */
export interface LoadRecording {
  latenciesMs: number[];
  statuses: Map<number, number>;
  correct: number;
  socketErrors: number;
  durationMs: number;
  clientCpuMs: number;
}

/**
 * Runs `warmupMs` of load on each target (discarded), then `rounds` rounds of `durationMs / rounds`,
 * alternating which target goes first (A B, B A, ...). On a machine shared with other work, both
 * targets then see the same background load, so their ratio stays meaningful even if the totals move.
 */
export async function compareLoads(targets: readonly LoadOptions[], warmupMs: number, rounds: number): Promise<LoadResult[]> {
  for (const target of targets) await runLoad({ ...target, durationMs: warmupMs });
  const recordings: LoadRecording[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) recordings[i]!.push(await runLoad({ ...targets[i]!, durationMs: targets[i]!.durationMs / rounds }));
  }
  return recordings.map(summarize);
}

/** One target: `warmupMs` of load (discarded), then `durationMs` measured in one go. */
export async function measureLoad(options: LoadOptions, warmupMs: number): Promise<LoadResult> {
  if (warmupMs > 0) await runLoad({ ...options, durationMs: warmupMs });
  return summarize([await runLoad(options)]);
}

export function summarize(recordings: readonly LoadRecording[]): LoadResult {
  const latencies = Float64Array.from(recordings.flatMap((r) => r.latenciesMs));
  const statuses = new Map<number, number>();
  for (const recording of recordings) {
    for (const [status, count] of recording.statuses) statuses.set(status, (statuses.get(status) ?? 0) + count);
  }
  const durationMs = recordings.reduce((sum, r) => sum + r.durationMs, 0);
  return {
    requests: latencies.length,
    correct: recordings.reduce((sum, r) => sum + r.correct, 0),
    statuses,
    socketErrors: recordings.reduce((sum, r) => sum + r.socketErrors, 0),
    durationMs,
    perSecond: latencies.length / (durationMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    clientCpuPercent: (recordings.reduce((sum, r) => sum + r.clientCpuMs, 0) / durationMs) * 100,
  };
}

/** One run: `options.connections` connections for `options.durationMs`. */
export function runLoad(options: LoadOptions): Promise<LoadRecording> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let correct = 0;
  let socketErrors = 0;
  let protocolErrors = 0;
  let stopped = false;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();

  return new Promise<LoadRecording>((resolve) => {
    const sockets = new Set<net.Socket>();
    let endedAt = started;

    const open = (): void => {
      const socket = net.connect({ port: options.port, host: '127.0.0.1', noDelay: true });
      sockets.add(socket);
      let pending: Buffer = Buffer.alloc(0);
      let sentAt = 0n;
      const send = () => {
        if (stopped) return void socket.end();
        sentAt = process.hrtime.bigint();
        socket.write(options.request);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        for (;;) {
          const answer = readAnswer(pending);
          if (answer === undefined) return;
          if (answer === 'unframed') {
            // Only Content-Length framing is read; anything else is counted and the connection dropped.
            protocolErrors += 1;
            return void socket.destroy();
          }
          const { status, body } = answer;
          pending = pending.subarray(answer.end);
          if (stopped) return void socket.end();
          latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (options.isCorrect?.(status, body) ?? status === 200) correct += 1;
          send();
        }
      });
      socket.on('error', () => {
        socketErrors += 1;
      });
      socket.on('close', () => {
        sockets.delete(socket);
        if (!stopped) {
          socketErrors += 1;
          open();
        } else if (sockets.size === 0) {
          finish();
        }
      });
    };

    const finish = () => {
      const cpu = process.cpuUsage(cpuBefore);
      resolve({
        latenciesMs: latencies,
        statuses,
        correct,
        socketErrors: socketErrors + protocolErrors,
        durationMs: Number(endedAt - started) / 1e6,
        clientCpuMs: (cpu.user + cpu.system) / 1000,
      });
    };

    for (let i = 0; i < options.connections; i += 1) open();
    setTimeout(() => {
      stopped = true;
      endedAt = process.hrtime.bigint();
      // Answers still in flight are not counted; give them a moment, then cut the connections.
      for (const socket of sockets) socket.end();
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2_000).unref();
      if (sockets.size === 0) finish();
    }, options.durationMs);
  });
}

/** A raw `POST` with a JSON body, keep-alive, for `runLoad`. */
export function rawJsonPost(port: number, path: string, body: unknown, headers: Record<string, string> = {}): Buffer {
  const payload = Buffer.from(JSON.stringify(body));
  const lines = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: keep-alive',
    'Content-Type: application/json',
    `Content-Length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}
