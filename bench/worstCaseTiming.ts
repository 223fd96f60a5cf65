// Goal (b) of the stall work: one worst-case 1 MB injection takes at most 3x one parse of a normal 1 MB
// file of that format. Each format is timed in a worker thread of its own, so a writer that is still
// quadratic (hours on 1 MB) is cut off at a cap and reported as such instead of hanging the bench.
// Times are CPU times (process.cpuUsage: the bench's main thread is idle while the worker runs).
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { WRITERS } from '../daemon/inject/formats';
import type { InjectFormat } from '../daemon/protocol';
import { formatBytes, formatFactor, formatMs, verdict } from './stats';
import type { Row } from './table';
import { FORMAT_CASES } from './worstCaseFiles';

export interface WorstCaseTiming {
  format: InjectFormat;
  normalBytes: number;
  worstBytes: number;
  parseMs: number;
  /** Undefined when the writer did not finish within the cap. */
  writeMs?: number;
}

const RUNS = 3;
// A first run over a second is not repeated: the point is the order of size, and the run must stay short.
const REPEAT_BELOW_MS = 1_000;

function cpuMs(run: () => unknown): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A warm-up, then the median of RUNS runs (or the warm-up alone when it was slow). */
function medianCpuMs(run: () => unknown): number {
  const first = cpuMs(run);
  if (first > REPEAT_BELOW_MS) return first;
  const times = Array.from({ length: RUNS }, () => cpuMs(run)).sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

function measure(format: InjectFormat): WorstCaseTiming {
  const c = FORMAT_CASES.find((candidate) => candidate.format === format)!;
  const normal = c.normal();
  const worst = c.worst();
  const parseMs = medianCpuMs(() => c.parse(normal));
  parentPort!.postMessage({ parseMs });
  const value = `bench-${'v'.repeat(40)}`;
  const writeMs = medianCpuMs(() => WRITERS[format](worst.text, { path: worst.path, value }));
  return { format, normalBytes: normal.length, worstBytes: worst.text.length, parseMs, writeMs };
}

if (!isMainThread && (workerData as { worstCaseFormat?: InjectFormat })?.worstCaseFormat) {
  parentPort!.postMessage(measure((workerData as { worstCaseFormat: InjectFormat }).worstCaseFormat));
}

/** Times one format in its own worker thread; past `capMs` the worker is terminated. */
export function timeWorstCase(format: InjectFormat, capMs: number): Promise<WorstCaseTiming> {
  const c = FORMAT_CASES.find((candidate) => candidate.format === format)!;
  // The bench runs from TypeScript through tsx, which the worker thread needs to load this file too.
  const bootstrap = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'worstCaseTiming.ts'))});`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { worstCaseFormat: format } });
  let parseMs = Number.NaN;
  return new Promise((resolve, reject) => {
    const cap = setTimeout(() => {
      void worker.terminate();
      resolve({ format, normalBytes: c.normal().length, worstBytes: c.worst().text.length, parseMs });
    }, capMs);
    worker.on('message', (message: Partial<WorstCaseTiming>) => {
      if (message.writeMs === undefined) {
        parseMs = message.parseMs!;
        return;
      }
      clearTimeout(cap);
      void worker.terminate();
      resolve(message as WorstCaseTiming);
    });
    worker.on('error', (error) => {
      clearTimeout(cap);
      reject(error);
    });
  });
}

const GOAL_FACTOR = 3;

/** Table rows for every format, timed one after another (capMs each). */
export async function benchWorstCaseWrites(capMs: number, progress: (line: string) => void): Promise<{ rows: Row[]; notes: string[] }> {
  const rows: Row[] = [];
  let met = 0;
  for (const c of FORMAT_CASES) {
    progress(`worst-case write: ${c.format}...`);
    const t = await timeWorstCase(c.format, capMs);
    const ok = t.writeMs !== undefined && t.writeMs <= GOAL_FACTOR * t.parseMs;
    if (ok) met += 1;
    rows.push({
      format: c.format,
      'normal file': formatBytes(t.normalBytes),
      'one parse': formatMs(t.parseMs),
      'worst-case file': formatBytes(t.worstBytes),
      'worst-case write':
        t.writeMs === undefined ? `> ${formatMs(capMs)} (stopped)` : `${formatMs(t.writeMs)} (${formatFactor(t.writeMs, t.parseMs)})`,
      goal: verdict(ok),
    });
  }
  const notes = [
    `Goal: the worst-case write within ${GOAL_FACTOR}x of one parse — met for ${met} of ${FORMAT_CASES.length} formats.`,
    "One parse: the format's reference parser (dotenv, jsonc-parser parseTree, yaml parseDocument, smol-toml, ini, dot-properties, fast-xml-parser) on a normal 1 MB file of many short entries. Worst-case write: the daemon's writer (text in, text out) on a 1 MB file of long blank runs, long escaped quoted values and deep nesting. CPU time, median of 3 after a warm-up (a first run over 1 s is reported alone).",
    `"stopped": the writer was still running after ${formatMs(capMs)} and its thread was terminated; quadratic on that input.`,
  ];
  return { rows, notes };
}
