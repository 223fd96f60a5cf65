// Verify, several daemon builds against the same bare node:http baseline in one session: how a change to
// the verify path is judged on a shared machine. One seeded store (10k keys) is copied for each build, every
// build runs as its own process, and the rounds alternate over all of them (baseline, build A, build B, then
// the reverse order), so each sees the same background load and the ratios stay comparable.
//   npx tsx bench/verifyBuilds.ts --bundles=dist/daemon.js,/tmp/old/daemon.js [--rounds=6] [--seconds=12] [--keys=10000] [--team]
// --team: the builds' daemons are members of one team store (a throwaway PostgreSQL 15, the keys seeded as
// bench/team.ts seeds them), each serving verify from its own index, as daemons A and B of the team bench.
// Prints, per server: requests/s, p50 / p99, the share of the baseline's requests/s, correct answers, and
// the server's own CPU time per request (from /proc): on a machine whose cores are also taken by other
// work, the CPU a request costs moves much less than the requests/s a share of a core can serve.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TokenCreated, VerifyResponse } from '../daemon/protocol';
import { readDaemonInfo, UNSET_DAEMON_ENV } from '../test/support/childDaemon';
import { sendExpecting } from '../test/support/http';
import { startPostgresServer } from '../test/support/postgresServer';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import type { BaselineEntry } from './baselineServer';
import { rawJsonPost, runLoad, summarize, type LoadOptions, type LoadRecording } from './loadClient';
import { cpuMsOf } from './processCpu';
import { seedStore, type SeededKey } from './storeSeed';
import { seedTeamStore } from './teamSeed';
import { startBaselineServer } from './verify';

interface Server {
  name: string;
  pid: number;
  load: LoadOptions;
  recordings: LoadRecording[];
  cpuMs: number;
}

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

/** One build's daemon on its own data dir; the same environment scrubbing as the test harness. */
async function startBuild(bundle: string, dataDir: string, teamEnv: Record<string, string>) {
  const env = { ...process.env, ...UNSET_DAEMON_ENV, ...teamEnv };
  const nodeArgs = (process.env.KEYSMITH_BENCH_DAEMON_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, bundle, '--data-dir', dataDir, '--port', '0'], { env, stdio: 'ignore' });
  for (let waited = 0; waited < 60_000; waited += 20) {
    const info = await readDaemonInfo(dataDir);
    if (info && info.pid === child.pid) {
      return { port: info.port, socket: info.socket, token: info.token, pid: child.pid, stop: () => void child.kill('SIGTERM') };
    }
    await delay(20);
  }
  child.kill('SIGKILL');
  throw new Error(`${bundle} did not start within 60 s`);
}

async function main(): Promise<void> {
  const bundles = option('bundles', 'dist/daemon.js')
    .split(',')
    .map((bundle) => path.resolve(bundle));
  const rounds = Number(option('rounds', '6'));
  const roundMs = (Number(option('seconds', '12')) * 1000) / rounds;
  const keyCount = Number(option('keys', '10000'));
  const team = process.argv.includes('--team');
  const root = await makeTempDir('verify-builds');
  const stops: Array<() => void | Promise<void>> = [];
  try {
    const seededDir = path.join(root, 'seeded');
    await mkdir(seededDir, { mode: 0o700 });
    const hashesFile = path.join(root, 'baseline-hashes.json');
    let key: SeededKey;
    let teamEnv: Record<string, string> = {};
    if (team) {
      const postgres = await startPostgresServer({ fsync: true });
      stops.push(() => postgres.dispose());
      const url = await postgres.createDatabase('verify_builds');
      teamEnv = { KEYSMITH_STORE_URL: url, KEYSMITH_MASTER_KEY: randomBytes(32).toString('base64') };
      // The daemon's own migrations and service presets first, as the team bench does.
      const migrationsDir = path.join(root, 'migrations');
      await mkdir(migrationsDir, { mode: 0o700 });
      (await startBuild(bundles[0]!, migrationsDir, teamEnv)).stop();
      await delay(1_000);
      const masterKey = Buffer.from(teamEnv.KEYSMITH_MASTER_KEY!, 'base64');
      key = (await seedTeamStore(url, masterKey, keyCount, { keepSecrets: 1, hashesFile })).keys[0]!;
    } else {
      const seeded = await seedStore(seededDir, keyCount);
      key = seeded.keys[0]!;
      const entries: Array<[string, BaselineEntry]> = seeded.state.keys.map((record) => [
        record.secretHash,
        { keyId: record.id, serviceId: record.serviceId, environment: record.environment, permissions: record.permissions },
      ]);
      await writeFile(hashesFile, JSON.stringify(entries), { mode: 0o600 });
    }
    const baseline = await startBaselineServer(hashesFile);
    stops.push(baseline.stop);

    const isCorrect = (status: number, body: Buffer) =>
      status === 200 && (JSON.parse(body.toString('utf8')) as VerifyResponse & { keyId?: string }).keyId === key.keyId;
    const server = (name: string, pid: number, port: number, headers: Record<string, string>): Server => ({
      name,
      pid,
      load: {
        port,
        connections: 50,
        durationMs: roundMs,
        request: rawJsonPost(port, '/v1/verify', { key: key.secret }, headers),
        isCorrect,
      },
      recordings: [],
      cpuMs: 0,
    });
    const servers = [server('bare node:http', baseline.pid, baseline.port, {})];
    for (const [i, bundle] of bundles.entries()) {
      // A copy of the same seeded store for each build (cp -a keeps the private modes the daemon checks).
      const dataDir = path.join(root, `build-${i}`);
      execFileSync('cp', ['-a', seededDir, dataDir]);
      const daemon = await startBuild(bundle, dataDir, teamEnv);
      stops.push(daemon.stop);
      const created = await sendExpecting<TokenCreated>(daemon, 201, 'POST', '/v1/tokens', { json: { name: 'bench', role: 'verify' } });
      servers.push(server(path.relative(process.cwd(), bundle), daemon.pid, daemon.port, { Authorization: `Bearer ${created.token}` }));
    }

    const load = () =>
      os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(' ');
    const loadBefore = load();
    for (const { load: options } of servers) await runLoad({ ...options, durationMs: 1_000 });
    for (let round = 0; round < rounds; round += 1) {
      for (const target of round % 2 === 0 ? servers : [...servers].reverse()) {
        const cpuBefore = cpuMsOf(target.pid);
        target.recordings.push(await runLoad(target.load));
        target.cpuMs += cpuMsOf(target.pid) - cpuBefore;
      }
    }
    console.log(
      `${new Date().toISOString()}: ${keyCount} keys${team ? ' (team store)' : ''}, ${rounds} rounds of ${roundMs / 1000} s, load average ${loadBefore} -> ${load()}`,
    );
    const bare = summarize(servers[0]!.recordings);
    const bareCpu = servers[0]!.cpuMs / bare.requests;
    for (const target of servers) {
      const result = summarize(target.recordings);
      const cpuPerRequest = target.cpuMs / result.requests;
      console.log(
        `${target.name}: ${Math.round(result.perSecond)} req/s (${((result.perSecond / bare.perSecond) * 100).toFixed(1)}%), ` +
          `CPU ${(cpuPerRequest * 1000).toFixed(1)} µs/request (baseline's ${((bareCpu / cpuPerRequest) * 100).toFixed(1)}%), ` +
          `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, correct ${result.correct} / ${result.requests}, ` +
          `socket errors ${result.socketErrors}, client CPU ${Math.round(result.clientCpuPercent)}%`,
      );
    }
  } finally {
    // Daemons and the baseline first, the database last.
    for (const stop of stops.slice(1).reverse()) await stop();
    await delay(500);
    await stops[0]?.();
    await removeDir(root);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
