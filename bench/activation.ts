// Bench: activation to a populated API Keys tree with 10,000 keys, in a real VS Code. The measuring
// belongs to the e2e harness (`node test/e2e/run.mjs activation`, test/e2e/lib/activationBench.mjs:
// code-server, headless Chromium, a data dir seeded before the daemon starts); this runs it as a child
// process and turns the JSON it writes into rows. The harness is its own ~450 MB install, so when it
// is missing the section says how to get it instead of installing it in the middle of a bench run.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../test/support/childDaemon';
import { formatCount, formatFactor, formatMs, percentile, verdict } from './stats';
import type { Row } from './table';

const E2E_DIR = path.join(REPO_ROOT, 'test', 'e2e');
/** Written by test/e2e/lib/install.mjs after a complete install: the hash of the lockfile it installed. */
const INSTALL_STAMP = path.join(E2E_DIR, 'node_modules', '.keysmith-e2e-installed');
const GOAL_MS = 1_000;
/** Packaging, code-server's start and 4 x runs reloads take 2-4 minutes; past this something hangs. */
const RUN_CAP_MS = 10 * 60_000;
/** run.mjs's closing summary ("=== Keysmith end-to-end summary ===", "FAIL ...", "e2e: 0 passed, 1 failed"). */
const SUMMARY_LINE = /^(=== |ok {3}|FAIL |screenshots and logs: |e2e: \d+ passed)/;
const KINDS = [
  { kind: 'daemon running', label: 'daemon already running (shared by every window)' },
  { kind: 'daemon started', label: 'daemon stopped (the extension starts it)' },
] as const;

interface ActivationRun {
  kind: (typeof KINDS)[number]['kind'];
  activationToRowsMs: number;
  loadToRowsMs: number;
  activationToConnectedMs?: number;
  connectedToRowsMs?: number;
  rows: number;
}

/** What test/e2e/lib/activationBench.mjs writes: the baseline store first, then the measured one. */
interface ActivationResult {
  loadAverage: number[];
  stores: { keyCount: number; seedMs: number; runs: ActivationRun[] }[];
}

export async function benchActivation(
  root: string,
  quick: boolean,
  progress: (line: string) => void,
): Promise<{ rows: Row[]; notes: string[] }> {
  const missing = harnessMissing();
  if (missing) return { rows: [], notes: [missing] };
  const resultFile = path.join(root, 'activation.json');
  const runs = quick ? 2 : 4;
  const { code, tail } = await runHarness(resultFile, runs, progress);
  if (code !== 0 || !existsSync(resultFile)) {
    return {
      rows: [],
      notes: [`Not measured: \`node test/e2e/run.mjs activation\` ended with ${code}. Its last lines: ${tail.join(' / ')}`],
    };
  }
  const result = JSON.parse(await readFile(resultFile, 'utf8')) as ActivationResult;
  const [baseline, measured] = result.stores;
  if (!baseline || !measured) return { rows: [], notes: ['Not measured: the harness wrote no figures for the two stores.'] };
  const rows = KINDS.flatMap(({ kind, label }) => {
    const baselineMedian = medianOf(baseline.runs.filter((r) => r.kind === kind).map((r) => r.activationToRowsMs));
    return [baseline, measured].map((store) =>
      row(
        `${formatCount(store.keyCount)} keys, ${label}`,
        store.runs.filter((r) => r.kind === kind),
        baselineMedian,
      ),
    );
  });
  const shown = Math.max(...measured.runs.map((r) => r.rows));
  const notes = [
    `Keys seeded into each data dir before any daemon opened it (${formatCount(measured.keyCount)} in ${formatMs(measured.seedMs)}, not counted). The window is reloaded with the API Keys view open, as a user reopening VS Code; the two kinds alternate, ${runs} of each per store; the baseline store runs first.`,
    `From the extension host's own log line as it starts activating Keysmith to the first key row in the tree's DOM (${shown} key rows then visible), stamped in the page. "activation to connected" and "connected to rows" split it at Keysmith's "Connected to the daemon" log line; "window load to rows" adds the workbench's own start-up.`,
    `Load average at the end: ${result.loadAverage.join(', ')}. The extension host activates git, JSON and TypeScript support in the same second as Keysmith, so every figure moves with the load; the ratio to the baseline is what the store's size costs.`,
  ];
  return { rows, notes };
}

function medianOf(values: readonly (number | undefined)[]): number {
  return percentile(
    values.filter((v): v is number => v !== undefined),
    50,
  );
}

function row(label: string, runs: readonly ActivationRun[], baselineMedian: number): Row {
  const times = runs.map((r) => r.activationToRowsMs);
  const median = medianOf(times);
  return {
    'Reopened window': label,
    'Activation to first key row': `${formatMs(median)} (${formatMs(Math.min(...times))} to ${formatMs(Math.max(...times))}, ${runs.length} runs)`,
    'vs baseline': formatFactor(median, baselineMedian),
    Goal: `< ${formatMs(GOAL_MS)}`,
    'vs goal': verdict(median < GOAL_MS),
    'activation to connected': formatMs(medianOf(runs.map((r) => r.activationToConnectedMs))),
    'connected to rows': formatMs(medianOf(runs.map((r) => r.connectedToRowsMs))),
    'window load to rows': formatMs(medianOf(runs.map((r) => r.loadToRowsMs))),
  };
}

/** Why the harness cannot run here, or undefined when it is installed and current. */
function harnessMissing(): string | undefined {
  const lockfile = createHash('sha256')
    .update(readFileSync(path.join(E2E_DIR, 'package-lock.json')))
    .digest('hex');
  const stamp = existsSync(INSTALL_STAMP) ? readFileSync(INSTALL_STAMP, 'utf8').trim() : '';
  if (stamp === lockfile) return undefined;
  return (
    'Not measured: the e2e harness (code-server, Playwright) is not installed in test/e2e/node_modules' +
    (stamp ? ' for the current lockfile' : '') +
    '. `node test/e2e/run.mjs activation` installs it (about 450 MB, a few minutes; see test/e2e/README.md for the system packages) and then measures; later bench runs include this section.'
  );
}

/** Runs the harness's activation mode; its `[e2e]` lines become progress, the last lines explain a failure. */
function runHarness(
  resultFile: string,
  runs: number,
  progress: (line: string) => void,
): Promise<{ code: number | string; tail: string[] }> {
  const child = spawn(process.execPath, [path.join(E2E_DIR, 'run.mjs'), 'activation'], {
    cwd: REPO_ROOT,
    // `npm run bench` has just built dist/; the harness packages that build as it is.
    env: {
      ...process.env,
      KEYSMITH_E2E_SKIP_BUILD: '1',
      KEYSMITH_E2E_ACTIVATION_RESULT: resultFile,
      KEYSMITH_E2E_ACTIVATION_RUNS: String(runs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const onLine = (line: string) => {
    if (line.startsWith('[e2e] ')) progress(`activation: ${line.slice('[e2e] '.length)}`);
    // The run's closing summary says only that it failed; the lines before it say why.
    if (!line.trim() || SUMMARY_LINE.test(line)) return;
    tail.push(line.trim());
    if (tail.length > 5) tail.shift();
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  // SIGTERM lets run.mjs stop code-server, Chromium and the daemon it started before it exits.
  const cap = setTimeout(() => child.kill('SIGTERM'), RUN_CAP_MS);
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: error.message, tail }));
    child.on('close', (code, signal) => {
      clearTimeout(cap);
      resolve({ code: code ?? `signal ${signal}`, tail });
    });
  });
}
