// The creates baseline of the team bench: a plain node-postgres pool inserting rows like the daemon's
// into an equivalent table — `bench_keys`, LIKE keys INCLUDING ALL (same columns, collations, defaults,
// checks and indexes, the unique secret hash included) plus the same foreign key to services, filled
// with the same rows as `keys` — at the server's default durability (synchronous_commit on, fsync on):
// each INSERT commits on its own and answers once its WAL is flushed. No triggers, no transaction
// around it, no audit event: the least any durable create can cost on this server.
import pg from 'pg';
import type { Environment } from '../daemon/protocol';
import { generateSecret } from '../daemon/keys/keyFormat';
import { createSealer } from '../daemon/keys/sealing';
import { initialStoreData } from '../daemon/server';
import { placeholders, toValues } from '../daemon/store/postgres/columns';
import { KEY_COLUMNS } from '../daemon/store/postgres/keyColumns';
import { runClosedLoop, type ClosedLoopResult, type PhaseLimits } from './closedLoop';
import { keyRecord } from './storeSeed';

const COLUMN_LIST = KEY_COLUMNS.map(({ column }) => column).join(', ');
const INSERT = `INSERT INTO bench_keys (${COLUMN_LIST}) VALUES (${placeholders(KEY_COLUMNS.length)})`;

export type BareInsertPhase = ClosedLoopResult;

/** Makes `bench_keys` the twin of `keys`, with the same rows (call once the store is seeded). */
export async function createTwinTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE bench_keys (LIKE keys INCLUDING ALL)');
    await client.query('ALTER TABLE bench_keys ADD CONSTRAINT bench_keys_service_fkey FOREIGN KEY (service_id) REFERENCES services (id)');
    await client.query('INSERT INTO bench_keys SELECT * FROM keys');
    await client.query('VACUUM ANALYZE bench_keys');
    // The seeding's and the twin's pages written out now, not by the checkpointer during a measured phase.
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

export interface BareInserter {
  /** `clients` loops inserting one row per statement until the count or the time is used up. */
  run(clients: number, limits: PhaseLimits): Promise<BareInsertPhase>;
  close(): Promise<void>;
}

/** A pool of `connections` (opened before timing starts) inserting rows built as the daemon builds them. */
export async function openBareInserter(url: string, masterKey: Buffer, connections: number): Promise<BareInserter> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  pool.on('error', () => {});
  // Connections are opened up front, as the daemon's pool is warm by the time it is measured.
  const held = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  for (const client of held) client.release();
  const sealer = createSealer(masterKey);
  const service = initialStoreData().services.find((candidate) => candidate.id === 'payline')!;
  let serial = 0;
  return {
    run: (clients, limits) =>
      runClosedLoop(clients, limits, async () => {
        serial += 1;
        // The same work per row as a create: a fresh secret, its hash, a sealed copy for test keys.
        const environment: Environment = serial % 2 === 0 ? 'test' : 'production';
        const record = keyRecord(service, environment, serial, generateSecret(service.prefix, environment), sealer, new Date());
        return pool.query(INSERT, toValues(record, KEY_COLUMNS)).then(
          () => true,
          () => false,
        );
      }),
    close: () => pool.end(),
  };
}
