// `npm run bench`: builds, then measures everything in one run on this machine and prints markdown
// tables (stdout) — each figure next to a baseline measured in the same run. Progress goes to stderr.
// Numbers, not pass/fail: a missed goal is reported as MISSED, and the run still exits 0.
//   tsx bench/run.ts [--only=verify,tree,create,inject,stall,extension,scan,diagnostics,activation,team] [--quick]
import * as os from 'node:os';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import { benchActivation } from './activation';
import { benchCreate, type CreateSize } from './create';
import { benchDiagnostics } from './diagnostics';
import { benchExtensionSize, benchTreeLoad } from './extension';
import { benchInject, RUNS as INJECT_RUNS } from './inject';
import { benchScanSection } from './scan';
import { startSeededDaemon } from './seededDaemon';
import { section, type Row } from './table';
import { benchTeam, TEAM_FULL, TEAM_QUICK } from './team';
import { benchVerify } from './verify';
import { benchVerifyDuringInjection } from './verifyDuringInjection';
import { benchWorstCaseWrites } from './worstCaseTiming';

const BENCHES = ['verify', 'tree', 'create', 'inject', 'stall', 'extension', 'scan', 'diagnostics', 'activation', 'team'] as const;
type BenchName = (typeof BENCHES)[number];

const FULL = {
  verify: { connections: 50, durationMs: 5_000, warmupMs: 1_000, rounds: 5 },
  create: [
    { storedKeys: 1_000, sequential: { maxCreates: 1_000, maxMs: 5_000 }, concurrent: { maxCreates: 3_000, maxMs: 5_000 } },
    { storedKeys: 10_000, sequential: { maxCreates: 1_000, maxMs: 8_000 }, concurrent: { maxCreates: 3_000, maxMs: 8_000 } },
    // Bounded: at 100k keys one durable write takes seconds, and the whole run must stay near 5 minutes.
    { storedKeys: 100_000, sequential: { maxCreates: 300, maxMs: 6_000 }, concurrent: { maxCreates: 1_000, maxMs: 6_000 } },
  ] satisfies CreateSize[],
  stall: { connections: 50, warmupMs: 1_000, windowMs: 1_500, rounds: 3, writeCapMs: 20_000 },
  diagnosticsRuns: 21,
  team: TEAM_FULL,
};
const QUICK = {
  verify: { connections: 50, durationMs: 2_000, warmupMs: 500, rounds: 2 },
  create: FULL.create.slice(0, 2).map((size) => ({
    ...size,
    sequential: { maxCreates: 200, maxMs: 2_000 },
    concurrent: { maxCreates: 500, maxMs: 2_000 },
  })),
  stall: { connections: 50, warmupMs: 500, windowMs: 1_000, rounds: 2, writeCapMs: 5_000 },
  diagnosticsRuns: 7,
  team: TEAM_QUICK,
};
const TREE_KEYS = 10_000;

function parseOptions(argv: readonly string[]): { only: Set<BenchName>; quick: boolean } {
  // The team store bench seeds up to 1M keys into PostgreSQL (many minutes): only when asked for.
  let only = new Set<BenchName>(BENCHES.filter((name) => name !== 'team'));
  let quick = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',');
      const unknown = names.filter((name) => !(BENCHES as readonly string[]).includes(name));
      if (unknown.length > 0) throw new Error(`unknown bench "${unknown.join(', ')}"; choose from ${BENCHES.join(', ')}`);
      only = new Set(names as BenchName[]);
    } else {
      throw new Error(`unknown argument "${arg}"; usage: tsx bench/run.ts [--only=${BENCHES.join(',')}] [--quick]`);
    }
  }
  return { only, quick };
}

const runStarted = performance.now();
const progress = (line: string) => process.stderr.write(`[bench +${Math.round((performance.now() - runStarted) / 1000)}s] ${line}\n`);
const print = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const { only, quick } = parseOptions(process.argv.slice(2));
  const settings = quick ? QUICK : FULL;
  const root = await makeTempDir('bench');
  const cpus = os.cpus();
  print(`## Keysmith benchmarks${quick ? ' (quick run: shorter phases, no 100k case)' : ''}\n`);
  print(
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      'Every ratio compares with a baseline measured in this same run.\n',
  );
  try {
    if (only.has('verify') || only.has('tree')) {
      progress(`seeding ${TREE_KEYS.toLocaleString('en-US')} keys and starting the daemon...`);
      const target = await startSeededDaemon(root, TREE_KEYS);
      try {
        if (only.has('verify')) {
          progress('verify: baseline then daemon...');
          const result = await benchVerify(target, settings.verify);
          print(
            section(
              'Verify (POST /v1/verify)',
              'The real daemon process (verify-only token, valid key) against a bare node:http server doing the same JSON read, SHA-256 and Map lookup in its own process.',
              result.rows,
              result.notes,
            ),
          );
        }
        if (only.has('tree')) {
          progress('tree: first page through the extension client...');
          const result = await benchTreeLoad(target);
          print(
            section(
              'Extension: first tree page with 10,000 keys',
              "The extension's DaemonClient fetching what the API Keys tree shows first, against a bare health round trip.",
              result.rows,
              result.notes,
            ),
          );
        }
      } finally {
        await target.daemon.stop();
      }
    }
    if (only.has('create')) {
      const result = await benchCreate(root, settings.create, progress);
      print(
        section(
          'Key creation (POST /v1/keys) by store size',
          'The real daemon process with the stall probe preloaded; each create answers once durable. Baseline: bare durable rewrites of a store file of the same size (stringify + temp file + fsync + rename + dir fsync).',
          result.rows,
          result.notes,
        ),
      );
    }
    if (only.has('inject')) {
      progress('inject...');
      const result = await runInjectBench();
      print(
        section(
          'Injection into 1 MB files (bench/inject.ts)',
          `Median CPU time of ${INJECT_RUNS} runs per write into a 1 MB file; ratios are to one raw parse of the same file with the same library (yaml parseDocument, jsonc-parser parseTree). Goal: a write within 3x of one parse.`,
          result.rows,
          result.notes,
        ),
      );
    }
    if (only.has('stall')) {
      const during = await benchVerifyDuringInjection(root, settings.stall, progress);
      print(
        section(
          'Verify while a 1 MB worst-case file is injected',
          'Per format, a fresh daemon process: verify alone, then verify while POST /v1/inject rewrites a worst-case file back to back (the injection runs in a worker thread).',
          during.rows,
          during.notes,
        ),
      );
      const writes = await benchWorstCaseWrites(settings.stall.writeCapMs, progress);
      print(
        section(
          'Worst-case injection vs one parse (1 MB)',
          "Per format, the writer on a 1 MB worst-case file next to one parse of a normal 1 MB file by the format's reference parser.",
          writes.rows,
          writes.notes,
        ),
      );
    }
    if (only.has('scan')) print(await benchScanSection(root, progress));
    if (only.has('diagnostics')) {
      progress('diagnostics: a 1 MB .env refreshed after an edit...');
      const result = await benchDiagnostics(root, settings.diagnosticsRuns);
      print(
        section(
          'Extension: diagnostics of a 1 MB .env after an edit',
          "The extension's refresh after an edit (key recognition, the cached lookup answer, positions, the Problems rules) against one readFile and one regex pass over the same file. Goal: at most 2x.",
          result.rows,
          result.notes,
        ),
      );
    }
    if (only.has('extension')) {
      progress('extension: production bundle and vsix...');
      const result = await benchExtensionSize(root);
      print(
        section(
          'Extension package size',
          'Built with `node esbuild.mjs --production` (in a scratch folder, so dist/ is untouched).',
          result.rows,
          result.notes,
        ),
      );
    }
    if (only.has('activation')) {
      const result = await benchActivation(root, quick, progress);
      print(
        section(
          'Extension: activation to populated tree with 10,000 keys (real VS Code)',
          'code-server driven by headless Chromium (the e2e harness, `node test/e2e/run.mjs activation`). Goal: under 1 s.',
          result.rows,
          result.notes,
        ),
      );
    }
    if (only.has('team')) {
      const result = await benchTeam(root, settings.team, progress);
      for (const part of result.sections) print(section(part.title, part.intro, part.rows, part.notes));
    }
  } finally {
    await removeDir(root);
  }
  print(`_Total bench run time: ${Math.round((performance.now() - runStarted) / 1000)} s (after the build)._`);
}

/** bench/inject.ts (the injection work's own bench) resolves to table rows. */
async function runInjectBench(): Promise<{ rows: Row[]; notes: string[] }> {
  return {
    rows: await benchInject(),
    notes: [
      '"replace a value" and "create a key" are the pure writers (text in, text out); "apply to disk" is the wall time of applyInjection (confinement, read, hash, git check, edit, atomic write with fsyncs) and swings with machine load.',
    ],
  };
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
