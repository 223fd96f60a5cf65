// Start-up time and memory of a daemon on the team store (PostgreSQL), alone: seeds one database per
// size once (teamSeed.ts), then starts and stops a daemon on it several times, alternating the bundles
// given (e.g. the build before a change and after it), so that both are measured on the same data under
// the same load. Each start runs in a child process that names its bundle (KEYSMITH_DAEMON_BUNDLE).
//   npx tsx bench/teamStartup.ts [--sizes=10000,100000,1000000] [--rounds=3] [--bundles=dist/daemon.js,/tmp/old/daemon.js]
// Prints, per size and bundle: start-up (spawn to daemon.json), RSS right after start and 2 s later,
// and the peak (VmHWM).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import { startPostgresServer } from '../test/support/postgresServer';
import { startDaemon } from './benchDaemon';
import { seedTeamStore } from './teamSeed';

interface StartMeasure {
  startupMs: number;
  rssMiB: number;
  rssLaterMiB: number;
  peakMiB: number;
}

async function memoryOf(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** In the child: one start of the bundle named by KEYSMITH_DAEMON_BUNDLE, printed as JSON. */
async function measureOneStart(dataDir: string, url: string, masterKey: string): Promise<void> {
  const daemon = await startDaemon(dataDir, { env: { KEYSMITH_STORE_URL: url, KEYSMITH_MASTER_KEY: masterKey } });
  try {
    const after = await memoryOf(daemon.pid);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const later = await memoryOf(daemon.pid);
    const measure: StartMeasure = { startupMs: daemon.startupMs, rssMiB: after.rssMiB, rssLaterMiB: later.rssMiB, peakMiB: later.peakMiB };
    console.log(JSON.stringify(measure));
  } finally {
    await daemon.stop();
  }
}

function option(name: string, fallback: string): string {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given === undefined ? fallback : given.slice(name.length + 3);
}

async function main(): Promise<void> {
  const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
  const rounds = Number(option('rounds', '3'));
  const bundles = option('bundles', 'dist/daemon.js')
    .split(',')
    .map((bundle) => path.resolve(bundle));
  const root = await makeTempDir('team-startup');
  const server = await startPostgresServer({ fsync: false });
  try {
    for (const size of sizes) {
      const url = await server.createDatabase(`startup_${size}`);
      const masterKey = randomBytes(32).toString('base64');
      const start = (bundle: string, dataDir: string) =>
        JSON.parse(
          execFileSync(process.execPath, ['--import', 'tsx', __filename, '--measure', dataDir, url, masterKey], {
            env: { ...process.env, KEYSMITH_DAEMON_BUNDLE: bundle },
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
          }).trim(),
        ) as StartMeasure;
      // The daemon's own migrations and presets, then the keys straight into the schema.
      start(bundles[0]!, await mkdtemp(path.join(root, 'first-')));
      const seedStarted = performance.now();
      await seedTeamStore(url, Buffer.from(masterKey, 'base64'), size, {
        keepSecrets: 1,
        hashesFile: path.join(root, `hashes-${size}.json`),
      });
      console.log(`${size.toLocaleString('en-US')} keys seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
      for (let round = 0; round < rounds; round += 1) {
        // Alternating which bundle goes first, so neither always starts on a warmer database.
        const order = round % 2 === 0 ? bundles : [...bundles].reverse();
        for (const bundle of order) {
          const measure = start(bundle, await mkdtemp(path.join(root, 'daemon-')));
          console.log(
            `${size.toLocaleString('en-US')} keys, ${path.relative(process.cwd(), bundle)}: start-up ${(measure.startupMs / 1000).toFixed(2)} s, ` +
              `RSS ${measure.rssMiB.toFixed(0)} MB after start, ${measure.rssLaterMiB.toFixed(0)} MB 2 s later, peak ${measure.peakMiB.toFixed(0)} MB`,
          );
        }
      }
    }
  } finally {
    await server.dispose();
    await removeDir(root);
  }
}

if (process.argv[2] === '--measure') {
  void measureOneStart(process.argv[3]!, process.argv[4]!, process.argv[5]!).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
