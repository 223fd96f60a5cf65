// Bench 4: the extension's numbers.
//  - Size of dist/extension.js as `node esbuild.mjs --production` builds it, and of the vsix when the
//    e2e harness's vsce is installed. Built in a scratch folder (esbuild.mjs run there, sources linked),
//    so the team's dist/ is never replaced by a minified build mid-session.
//  - Time for the extension's own DaemonClient to fetch what the tree shows first — the catalogue, then
//    page 1 of every service x environment, as KeyTreeProvider.loadRoot does — with 10,000 keys in the
//    daemon, against a bare GET /v1/health round trip through the same client.
import { execFile } from 'node:child_process';
import { cp, mkdir, stat, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Environment } from '../daemon/protocol';
import { DaemonClient, type DaemonEndpoint, type EndpointSource } from '../extension/client';
import { REPO_ROOT } from '../test/support/childDaemon';
import type { SeededDaemon } from './seededDaemon';
import { formatBytes, formatCount, formatFactor, formatMs, percentile, verdict } from './stats';
import type { Row } from './table';
import { vscePackageArgs } from '../scripts/vsce.mjs';

const run = promisify(execFile);
/** The tree's page size (extension/tree/keyTreeProvider.ts PAGE_SIZE; that module needs vscode, so it is mirrored). */
const TREE_PAGE_SIZE = 50;
const TREE_ENVIRONMENTS: readonly Environment[] = ['production', 'test'];
const WARM_REPEATS = 20;
const BUNDLE_GOAL_BYTES = 300 * 1024;
const VSCE = path.join(REPO_ROOT, 'test', 'e2e', 'node_modules', '.bin', 'vsce');
/** Sources esbuild.mjs reads; linked, not copied, into the scratch build folder. */
const SOURCE_DIRS = ['daemon', 'extension', 'media', 'test'];
/**
 * Left out of the packaging folder's copy of the repository: dependencies, build output and test
 * scratch (vsce applies the real .vscodeignore to the rest, so the vsix is the one `npm run package` makes).
 */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.e2e', 'test/e2e/out', 'bench/out']);

export interface ExtensionBenchResult {
  rows: Row[];
  notes: string[];
}

export async function benchTreeLoad(target: SeededDaemon): Promise<ExtensionBenchResult> {
  const endpoint: DaemonEndpoint = { socket: target.daemon.socket, token: target.daemon.token };
  const source: EndpointSource = { current: () => endpoint, refresh: async () => endpoint, lost: () => undefined };

  const timeCold = async (work: (client: DaemonClient) => Promise<unknown>) => {
    const client = new DaemonClient(source);
    try {
      const started = performance.now();
      await work(client);
      return performance.now() - started;
    } finally {
      client.dispose();
    }
  };
  const timeWarm = async (work: (client: DaemonClient) => Promise<unknown>) => {
    const client = new DaemonClient(source);
    const times: number[] = [];
    try {
      await work(client);
      for (let i = 0; i < WARM_REPEATS; i += 1) {
        const started = performance.now();
        await work(client);
        times.push(performance.now() - started);
      }
    } finally {
      client.dispose();
    }
    return percentile(times, 50);
  };

  let rowsShown = 0;
  const firstTreePage = async (client: DaemonClient) => {
    const services = await client.listServices();
    const pages = await Promise.all(
      services.flatMap((service) =>
        TREE_ENVIRONMENTS.map((environment) => client.listKeys({ serviceId: service.id, environment, page: 1, pageSize: TREE_PAGE_SIZE })),
      ),
    );
    rowsShown = pages.reduce((sum, page) => sum + page.items.length, 0);
  };
  const health = (client: DaemonClient) => client.health();

  const treeCold = await timeCold(firstTreePage);
  const healthCold = await timeCold(health);
  const treeWarm = await timeWarm(firstTreePage);
  const healthWarm = await timeWarm(health);
  const rows: Row[] = [
    {
      Measure: 'GET /v1/health round trip (baseline)',
      'First call (new client)': formatMs(healthCold),
      [`Median of ${WARM_REPEATS} (warm)`]: formatMs(healthWarm),
      'vs baseline': '1x',
    },
    {
      Measure: `First tree page: catalogue + page 1 of each service x environment (${rowsShown} rows)`,
      'First call (new client)': formatMs(treeCold),
      [`Median of ${WARM_REPEATS} (warm)`]: formatMs(treeWarm),
      'vs baseline': `${formatFactor(treeCold, healthCold)} cold, ${formatFactor(treeWarm, healthWarm)} warm`,
    },
  ];
  const notes = [
    `${formatCount(target.seeded.keyCount)} keys in the daemon; the tree asks for ${TREE_PAGE_SIZE} keys per service x environment and shows "Load more" for the rest.`,
    `Activation-to-populated-tree in a real VS Code (goal < 1 s) is the activation section (the e2e harness); the data part of it is the "first call" figure above.`,
  ];
  return { rows, notes };
}

export async function benchExtensionSize(root: string): Promise<ExtensionBenchResult> {
  const build = path.join(root, 'extension-build');
  await mkdir(build, { recursive: true });
  for (const dir of SOURCE_DIRS) {
    if (existsSync(path.join(REPO_ROOT, dir))) await symlink(path.join(REPO_ROOT, dir), path.join(build, dir));
  }
  await run(process.execPath, [path.join(REPO_ROOT, 'esbuild.mjs'), '--production'], { cwd: build });
  const bundle = (await stat(path.join(build, 'dist', 'extension.js'))).size;
  const rows: Row[] = [
    {
      Artifact: 'dist/extension.js (esbuild --production)',
      Size: formatBytes(bundle),
      Goal: '< 300 KB',
      'vs goal': `${Math.round((bundle / BUNDLE_GOAL_BYTES) * 100)}% — ${verdict(bundle < BUNDLE_GOAL_BYTES)}`,
    },
  ];
  const notes: string[] = [];
  if (!existsSync(VSCE)) {
    notes.push('vsix size not measured: test/e2e/node_modules/.bin/vsce is not installed (npm ci in test/e2e installs it).');
    return { rows, notes };
  }
  try {
    const vsix = await packageVsix(root, path.join(build, 'dist'));
    rows.push({ Artifact: 'keysmith.vsix (vsce package --no-dependencies)', Size: formatBytes(vsix), Goal: '', 'vs goal': '' });
  } catch (error) {
    notes.push(`vsix size not measured: vsce failed (${describeFailure(error)}).`);
  }
  return { rows, notes };
}

/** The last line vsce printed on stderr (its reason), else the error's own first line. */
function describeFailure(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '')
    .trim()
    .split('\n')
    .filter(Boolean);
  return stderr.at(-1) ?? (error as Error).message.split('\n')[0]!;
}

/** Copies the repository (sources, no dependencies) with the production dist/ into a clean folder and packages it. */
async function packageVsix(root: string, productionDist: string): Promise<number> {
  const folder = path.join(root, 'extension-package');
  await cp(REPO_ROOT, folder, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(REPO_ROOT, source);
      return !NOT_COPIED.has(relative) && !NOT_COPIED.has(path.basename(source)) && !relative.endsWith('.vsix');
    },
  });
  await cp(productionDist, path.join(folder, 'dist'), { recursive: true });
  const out = path.join(root, 'keysmith.vsix');
  // The same vsce arguments as `npm run package` (scripts/package.mjs), so the size is the shipped one;
  // --skip-license only keeps vsce from prompting if LICENSE is missing.
  await run(VSCE, vscePackageArgs(out), { cwd: folder, timeout: 120_000 });
  return (await stat(out)).size;
}
