// Where a sequential create on the team store spends its time: four ways of storing a key one after
// another, each a step closer to the bare INSERT, measured in alternating rounds in one session (a
// throwaway PostgreSQL 15 at fsync on, daemons A and B members of one store, as in the team bench):
//   daemon        POST /v1/keys on daemon A (createClient.ts): the product;
//   store         the same store code in this process, `keys.insert` with its audit event and service
//                 check (the daemon's statement, its NOTIFY and its listener), no HTTP;
//   http+INSERT   node:http on a Unix socket in this process, one bare INSERT per request: what the
//                 HTTP exchange alone adds to a bare INSERT;
//   bare INSERT   bareInsert.ts, the team bench's baseline.
// Daemon B listens throughout, so every NOTIFY reaches two daemons, as in the team bench.
//   npx tsx bench/createPath.ts [--rounds=6] [--creates=1000]
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import * as path from 'node:path';
import type { Environment } from '../daemon/protocol';
import { generateSecret, newId } from '../daemon/keys/keyFormat';
import { createSealer } from '../daemon/keys/sealing';
import { initialStoreData } from '../daemon/server';
import { openPostgresStore } from '../daemon/store/postgres/postgresStore';
import type { KeyRecord } from '../daemon/store/types';
import { startPostgresServer } from '../test/support/postgresServer';
import { makeTempDir, removeDir } from '../test/support/tempDirs';
import { createTwinTable, openBareInserter } from './bareInsert';
import { startDaemon } from './benchDaemon';
import { runClosedLoop, type ClosedLoopResult, type PhaseLimits } from './closedLoop';
import { openCreateClient } from './createClient';
import { keyRecord } from './storeSeed';

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

async function main(): Promise<void> {
  const rounds = Number(option('rounds', '6'));
  const limits: PhaseLimits = { maxCreates: Number(option('creates', '1000')), maxMs: 5_000 };
  const root = await makeTempDir('create-path');
  const server = await startPostgresServer();
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const url = await server.createDatabase('create_path');
    const masterKey = randomBytes(32);
    const env = { KEYSMITH_STORE_URL: url, KEYSMITH_MASTER_KEY: masterKey.toString('base64') };
    const first = await startDaemon(await mkdtemp(path.join(root, 'first-')), { env });
    await first.stop();
    await createTwinTable(url);
    const [a, b] = [
      await startDaemon(await mkdtemp(path.join(root, 'a-')), { env }),
      await startDaemon(await mkdtemp(path.join(root, 'b-')), { env }),
    ];
    stops.push(
      () => a.stop(),
      () => b.stop(),
    );

    const sealer = createSealer(masterKey);
    const service = initialStoreData().services.find((candidate) => candidate.id === 'payline')!;
    let serial = 0;
    const nextRecord = (): KeyRecord => {
      serial += 1;
      const environment: Environment = serial % 2 === 0 ? 'test' : 'production';
      return keyRecord(service, environment, serial, generateSecret(service.prefix, environment), sealer, new Date());
    };

    const daemonClient = await openCreateClient(a, 1);
    stops.push(() => daemonClient.close());
    const store = await openPostgresStore({ url });
    stops.push(() => store.close());
    const bare = await openBareInserter(url, masterKey, 10);
    stops.push(() => bare.close());
    const front = await startHttpFront(path.join(root, 'front.sock'), await openBareInserter(url, masterKey, 10));
    stops.push(() => front.close());
    const frontClient = await openCreateClient({ socket: front.socket, token: 'unused' }, 1);
    stops.push(() => frontClient.close());

    const sides: Record<string, (limits: PhaseLimits) => Promise<ClosedLoopResult>> = {
      daemon: (phase) => runClosedLoop(1, phase, (n) => daemonClient.create(n)),
      store: (phase) =>
        runClosedLoop(1, phase, async () => {
          const record = nextRecord();
          const event = { id: newId('evt'), at: record.createdAt, actor: 'bench', action: 'key.created', keyId: record.id };
          return store.keys.insert(record, { events: [event], requireEnabledService: true }).then(
            () => true,
            () => false,
          );
        }),
      'http+INSERT': (phase) => runClosedLoop(1, phase, (n) => frontClient.create(n)),
      'bare INSERT': (phase) => bare.run(1, phase),
    };
    const names = Object.keys(sides);
    for (const name of names) await sides[name]!({ maxCreates: 300, maxMs: 30_000 });
    const rates = new Map<string, number[]>(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const name of round % 2 === 0 ? names : [...names].reverse()) {
        const result = await sides[name]!(limits);
        if (result.failed > 0) throw new Error(`${name}: ${result.failed} creates failed`);
        rates.get(name)!.push(result.perSecond);
      }
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const bareRate = median(rates.get('bare INSERT')!);
    console.log(`Sequential creates, ${rounds} alternating rounds of up to ${limits.maxCreates} (median, then every round):`);
    for (const name of names) {
      const values = rates.get(name)!;
      console.log(
        `${name.padEnd(12)} ${median(values).toFixed(0).padStart(6)}/s  ${((100 * median(values)) / bareRate).toFixed(0).padStart(4)}% of bare  [${values.map((value) => value.toFixed(0)).join(', ')}]`,
      );
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    await server.dispose();
    await removeDir(root);
  }
}

/** node:http answering each POST with one bare INSERT (the request's body read and parsed, as a create's). */
async function startHttpFront(socket: string, inserter: Awaited<ReturnType<typeof openBareInserter>>) {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      void inserter.run(1, { maxCreates: 1, maxMs: 60_000 }).then((result) => {
        const body = JSON.stringify({ created: result.created });
        response.writeHead(result.created === 1 ? 201 : 500, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    close: async () => {
      server.close();
      await inserter.close();
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
