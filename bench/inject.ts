// Injection into large config files: ms per write next to one raw parse of the same file with the
// same library (goal: a write within 3x of one parse). Run: npx tsx bench/inject.ts
// benchInject() returns the rows for a bench runner.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseTree } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import { applyInjection } from '../daemon/inject';
import { writeJson } from '../daemon/inject/formats/json';
import type { ConfigWriter } from '../daemon/inject/formats/types';
import { writeYaml } from '../daemon/inject/formats/yaml';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import { formatBytes, formatMs } from './stats';
import { section, type Row } from './table';

const TARGET_BYTES = 1024 * 1024;
/** Measured runs per CPU figure (after one warm-up); run.ts can print it next to the table. */
export const RUNS = 3;
// applyInjection on the 1 MB YAML is the slowest step of the whole bench under load (a parse, the
// edit, a re-parse and fsyncs per run): one measured run for it keeps npm run bench within minutes.
const APPLY_RUNS: Record<string, number> = { YAML: 1, JSON: RUNS };

function bigYaml(): { text: string; entries: number } {
  const parts = ['# services (generated for the injection bench)\n', 'defaults: &defaults\n  timeout: 30\n  retries: 3\n'];
  let size = parts.join('').length;
  let n = 0;
  while (size < TARGET_BYTES) {
    // A few merge keys, as real files have: yaml resolves each alias by walking the document.
    const merge = n % 100 === 0 ? '  <<: *defaults\n' : '';
    const entry = `# service ${n}\nservice_${n}:\n${merge}  url: https://api-${n}.example/v1   # endpoint\n  apiKey: "old-key-${n}"\n  tags: [billing, eu, tier-${n % 7}]\n  owner: {team: t${n % 13}, contact: 'ops-${n}@example.com'}\n`;
    parts.push(entry);
    size += entry.length;
    n++;
  }
  return { text: parts.join(''), entries: n };
}

function bigJson(): { text: string; entries: number } {
  const entry = (n: number) => ({
    url: `https://api-${n}.example/v1`,
    apiKey: `old-key-${n}`,
    tags: ['billing', 'eu'],
    owner: { team: `t${n % 13}` },
  });
  // Size of one entry as printed two levels deep, to land near 1 MB.
  const perEntry = JSON.stringify({ s: { service_00000: entry(0) } }, null, 2).length - 12;
  const entries = Math.ceil(TARGET_BYTES / perEntry);
  const services = Object.fromEntries(Array.from({ length: entries }, (_, n) => [`service_${n}`, entry(n)]));
  return { text: `${JSON.stringify({ services }, null, 2)}\n`, entries };
}

/** Median CPU time (user + system) of a synchronous run: steadier than wall time on a busy machine. */
function medianCpu(run: () => unknown): number {
  run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

/** Median wall time of `runs` runs. No warm-up of its own: the writer it calls was just warmed by medianCpu. */
async function medianAsync(run: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

interface Case {
  format: string;
  file: string;
  text: string;
  entries: number;
  parse: () => unknown;
  writer: ConfigWriter;
  existing: string;
  created: string;
}

export async function benchInject(): Promise<Row[]> {
  const yaml = bigYaml();
  const json = bigJson();
  const middle = (entries: number) => Math.floor(entries / 2);
  const cases: Case[] = [
    {
      format: 'YAML',
      file: 'big.yaml',
      ...yaml,
      parse: () => parseDocument(yaml.text),
      writer: writeYaml,
      existing: `service_${middle(yaml.entries)}.apiKey`,
      created: `service_${middle(yaml.entries)}.referenceId`,
    },
    {
      format: 'JSON',
      file: 'big.json',
      ...json,
      parse: () => parseTree(json.text),
      writer: writeJson,
      existing: `services.service_${middle(json.entries)}.apiKey`,
      created: `services.service_${middle(json.entries)}.referenceId`,
    },
  ];
  const rows: Row[] = [];
  const dir = await makeTempDir('bench-inject');
  try {
    for (const c of cases) {
      const parseMs = medianCpu(c.parse);
      const value = `ks_${'test'}_${'x'.repeat(38)}`;
      const replaceMs = medianCpu(() => c.writer(c.text, { path: c.existing, value }));
      const createMs = medianCpu(() => c.writer(c.text, { path: c.created, value }));
      // The whole apply: confine, read, hash, git check, edit, temp file + fsync + rename.
      const material = { reference: 'ref-1', secret: value };
      let round = 0;
      const applyRuns = APPLY_RUNS[c.format] ?? RUNS;
      const applyMs = await medianAsync(async () => {
        await writeFile(path.join(dir, c.file), c.text);
        material.secret = `${value}${round++}`;
        await applyInjection(dir, [{ file: c.file, path: c.existing, value: 'secret' }], material);
      }, applyRuns);
      const ratio = (ms: number) => `${(ms / parseMs).toFixed(2)}x`;
      rows.push({
        format: c.format,
        size: formatBytes(Buffer.byteLength(c.text)),
        'one parse': formatMs(parseMs),
        'replace a value': `${formatMs(replaceMs)} (${ratio(replaceMs)})`,
        'create a key': `${formatMs(createMs)} (${ratio(createMs)})`,
        'apply to disk (wall)': `${formatMs(applyMs)} (${applyRuns === 1 ? 'one run' : `median of ${applyRuns}`})`,
      });
    }
  } finally {
    await removeDir(dir);
  }
  return rows;
}

if (require.main === module) {
  benchInject()
    .then((rows) => {
      process.stdout.write(
        section(
          'Injection into 1 MB files',
          `Median CPU time of ${RUNS} runs; ratios are to one parse of the same file with the same library (yaml parseDocument, jsonc-parser parseTree). Goal: a write within 3x of one parse.`,
          rows,
          [
            '"replace a value" and "create a key" are the pure writers (text in, text out); the YAML writer re-parses its result before returning it.',
            '"apply to disk" is wall time of applyInjection: confinement, read, SHA-256, the git check (a child process), the edit and the atomic write with fsyncs; it swings with machine load.',
          ],
        ),
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
