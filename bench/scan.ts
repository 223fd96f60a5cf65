// `keysmith scan` over a 10,000-file git repository against ripgrep with the same key pattern over the
// same files: both as a user runs them (one process each, startup included). Goal: at most 2x ripgrep.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyCreated } from '../daemon/protocol';
import { REPO_ROOT } from '../test/support/childDaemon';
import { send } from '../test/support/http';
import { startDaemon } from './benchDaemon';
import { formatCount, formatMs, percentile } from './stats';
import { section, type Row } from './table';

const FILES = 10_000;
const FILES_WITH_KEYS = 50;
const RUNS = 7;
const GOAL_RATIO = 2;
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** The key shape without the checksum: what a regex tool can match. keysmith scan also checks the CRC. */
export const KEY_PATTERN = '[a-z][a-z0-9]{1,15}_(?:test|live)_[0-9A-Za-z]{38}';

/** Config-like text of about 2 KB, with `_test_` in ordinary identifiers so the byte prefilter is not free. */
function fillerText(seed: number): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 2000; i += 1) {
    lines.push(i % 9 === 0 ? `run_test_suite_${seed}_${i} = true` : `setting.${seed}.${i} = value-${(seed * 31 + i) % 997} # comment`);
  }
  return `${lines.join('\n')}\n`;
}

function timeProcess(command: string, args: string[], cwd: string): Promise<{ ms: number; code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout }));
  });
}

export async function benchScanSection(root: string, progress: (line: string) => void): Promise<string> {
  const title = 'keysmith scan over 10,000 files vs ripgrep';
  try {
    execFileSync('rg', ['--version'], { stdio: 'ignore' });
  } catch {
    return section(title, 'Not measured: ripgrep (`rg`) is not installed here.', []);
  }
  progress(`scan: writing ${formatCount(FILES)} files into a git repository...`);
  const dataDir = await mkdtemp(path.join(root, 'scan-data-'));
  const repo = await mkdtemp(path.join(root, 'scan-repo-'));
  const daemon = await startDaemon(dataDir);
  try {
    const secrets: string[] = [];
    for (let i = 0; i < FILES_WITH_KEYS; i += 1) {
      const created = await send<KeyCreated>(daemon, 'POST', '/v1/keys', {
        json: { serviceId: 'cloudmc', environment: i % 2 ? 'test' : 'production', name: `bench ${i}` },
      });
      secrets.push(created.body.secret.secret);
    }
    for (let dir = 0; dir < FILES / 100; dir += 1) {
      await mkdir(path.join(repo, `pkg${dir}`));
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const n = dir * 100 + i;
          const keyLine = n % (FILES / FILES_WITH_KEYS) === 0 ? `API_KEY=${secrets[n / (FILES / FILES_WITH_KEYS)]}\n` : '';
          return writeFile(path.join(repo, `pkg${dir}`, `file${i}.conf`), fillerText(n) + keyLine);
        }),
      );
    }
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '-m', 'bench'], { cwd: repo });
    // As in a checkout worked in: an index written after the files (as any git status leaves it), not
    // one written in the same second, whose "racily clean" entries git would re-read on every command.
    await sleep(1_100);
    execFileSync('git', ['update-index', '-q', '--really-refresh'], { cwd: repo });

    const rgArgs = ['-n', '--no-heading', '-e', KEY_PATTERN, '.'];
    const scanArgs = [CLI, 'scan', '--data-dir', dataDir];
    // One warm-up each (page cache, git index), then alternate so both see the same background load.
    const rgCheck = await timeProcess('rg', rgArgs, repo);
    const scanCheck = await timeProcess(process.execPath, scanArgs, repo);
    const rgHits = rgCheck.stdout.split('\n').filter(Boolean).length;
    const scanHits = scanCheck.stdout.split('\n').filter((line) => line.includes('BLOCKED')).length;
    const rg: number[] = [];
    const scan: number[] = [];
    const cold: number[] = [];
    const nodeStart: number[] = [];
    const cacheFile = path.join(repo, '.git', 'keysmith-scan-cache');
    progress(`scan: ${RUNS} timed runs each of rg and keysmith scan...`);
    for (let run = 0; run < RUNS; run += 1) {
      const order = run % 2 === 0 ? ['rg', 'scan'] : ['scan', 'rg'];
      for (const which of order) {
        if (which === 'rg') rg.push((await timeProcess('rg', rgArgs, repo)).ms);
        else scan.push((await timeProcess(process.execPath, scanArgs, repo)).ms);
      }
      nodeStart.push((await timeProcess(process.execPath, ['-e', '0'], repo)).ms);
      // The first scan of a checkout reads every file; later ones skip the blobs known to be key-free.
      await rm(cacheFile, { force: true });
      cold.push((await timeProcess(process.execPath, scanArgs, repo)).ms);
    }
    const rgMedian = percentile(rg, 50);
    const scanMedian = percentile(scan, 50);
    const ratio = scanMedian / rgMedian;
    const coldMedian = percentile(cold, 50);
    const rows: Row[] = [
      { command: `rg -n -e '<key pattern>' .`, 'median wall time': formatMs(rgMedian), 'keys reported': rgHits, ratio: '1.00x (baseline)' },
      {
        command: 'keysmith scan',
        'median wall time': formatMs(scanMedian),
        'keys reported': scanHits,
        ratio: `${ratio.toFixed(2)}x ${ratio <= GOAL_RATIO ? '(goal <= 2x: met)' : '(goal <= 2x: MISSED)'}`,
      },
      {
        command: 'keysmith scan, first run (no blob cache)',
        'median wall time': formatMs(coldMedian),
        'keys reported': scanHits,
        ratio: `${(coldMedian / rgMedian).toFixed(2)}x`,
      },
    ];
    return section(
      title,
      `${formatCount(FILES)} files of ~2 KB, committed in a git repository, ${FILES_WITH_KEYS} holding a key the daemon knows; median of ${RUNS} runs each, alternating, wall time of the whole process.`,
      rows,
      [
        'keysmith scan lists the files with git ls-files, reads each file git reports changed or that is not known key-free (.git/keysmith-scan-cache, keyed by blob id), checks the CRC of every candidate and asks the running daemon about the hashes (POST /v1/keys/lookup); ripgrep reads every file and matches the shape only, on all cores.',
        `Of keysmith's time, ${formatMs(percentile(nodeStart, 50))} is starting Node itself (median of \`node -e 0\` in the same run).`,
      ],
    );
  } finally {
    await daemon.stop();
  }
}
