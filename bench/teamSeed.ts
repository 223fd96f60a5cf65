// Fills a team store (PostgreSQL) with N keys, fast: after the daemon's own migrations and service
// presets ran once (a daemon was started on the empty database), keys go straight into the schema in
// multi-row INSERTs of 5,000 rows (unnest of one array per column), one transaction per batch. The rows
// are the daemon's own: `keyRecord` (storeSeed.ts: real key format, SHA-256 hashes, AES-GCM sealed test
// secrets under the team's master key) turned into columns by the store's own KEY_COLUMNS. Going through
// the daemon (one create per request) would take hours at 1M keys.
//
// Triggers are off while seeding (session_replication_role = replica): a million change notifications
// would wake nobody (no daemon runs) and only slow the load. `version` keeps its default, 1, as the
// version trigger would set it.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import type { Environment, Service } from '../daemon/protocol';
import { generateSecret } from '../daemon/keys/keyFormat';
import { createSealer } from '../daemon/keys/sealing';
import { initialStoreData } from '../daemon/server';
import { toValues } from '../daemon/store/postgres/columns';
import { KEY_COLUMNS } from '../daemon/store/postgres/keyColumns';
import type { KeyRecord } from '../daemon/store/types';
import type { BaselineEntry } from './baselineServer';
import { keyRecord, type SeededKey } from './storeSeed';

const BATCH = 5_000;
/** Columns left to their default ('{}'): unnest cannot take an array of arrays, and seeded keys have none. */
const DEFAULTED = new Set(['permissions', 'companies', 'ip_allow_list']);
const SEEDED_COLUMNS = KEY_COLUMNS.filter(({ column }) => !DEFAULTED.has(column));

export interface TeamSeed {
  keyCount: number;
  /** The first `keepSecrets` keys, secrets included (verify load, revoke propagation). */
  keys: SeededKey[];
  /** [hash, entry] pairs of every key, for the bare verify baseline (never secrets). */
  hashesFile: string;
}

/** Seeds `count` active keys, spread over the enabled services in the database and both environments. */
export async function seedTeamStore(
  url: string,
  masterKey: Buffer,
  count: number,
  options: { keepSecrets: number; hashesFile: string; log?: (line: string) => void },
): Promise<TeamSeed> {
  const sealer = createSealer(masterKey);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const hashes = createWriteStream(options.hashesFile, { mode: 0o600 });
  const kept: SeededKey[] = [];
  try {
    const services = await enabledServices(client);
    const columnTypes = await typesOf(client);
    const insert = `INSERT INTO keys (${SEEDED_COLUMNS.map(({ column }) => column).join(', ')})
      SELECT * FROM unnest(${SEEDED_COLUMNS.map(({ column }, i) => `$${i + 1}::${columnTypes.get(column)}[]`).join(', ')})`;
    await client.query('SET session_replication_role = replica');
    const now = Date.now();
    hashes.write('[');
    for (let first = 0; first < count; first += BATCH) {
      const records: KeyRecord[] = [];
      for (let i = first; i < Math.min(count, first + BATCH); i += 1) {
        const service = services[i % services.length]!;
        const environment: Environment = Math.floor(i / services.length) % 2 === 0 ? 'production' : 'test';
        const secret = generateSecret(service.prefix, environment);
        const record = keyRecord(service, environment, i, secret, sealer, new Date(now - (count - i) * 1_000));
        records.push(record);
        if (i < options.keepSecrets) {
          kept.push({ secret, keyId: record.id, serviceId: service.id, environment, permissions: [], secretHash: record.secretHash });
        }
        const entry: BaselineEntry = { keyId: record.id, serviceId: record.serviceId, environment, permissions: record.permissions };
        if (!hashes.write(`${i === 0 ? '' : ','}${JSON.stringify([record.secretHash, entry])}`)) await once(hashes, 'drain');
      }
      const rows = records.map((record) => toValues(record, SEEDED_COLUMNS));
      await client.query('BEGIN');
      await client.query(
        insert,
        SEEDED_COLUMNS.map((_, c) => rows.map((row) => row[c])),
      );
      await client.query('COMMIT');
      if (options.log && (first / BATCH) % 40 === 39) options.log(`  ${(first + BATCH).toLocaleString('en-US')} keys...`);
    }
    hashes.write(']');
    await client.query('SET session_replication_role = DEFAULT');
    // Fresh statistics, as autovacuum would have gathered on a store that grew over months.
    await client.query('VACUUM ANALYZE keys');
  } finally {
    hashes.end();
    await once(hashes, 'close');
    await client.end();
  }
  return { keyCount: count, keys: kept, hashesFile: options.hashesFile };
}

/** The built-in services the daemon stored at its first start, as the key format needs them. */
async function enabledServices(client: pg.Client): Promise<Service[]> {
  const { rows } = await client.query<{ id: string }>('SELECT id FROM services WHERE enabled ORDER BY id');
  const stored = new Set(rows.map((row) => row.id));
  const services = initialStoreData().services.filter((service) => service.enabled && stored.has(service.id));
  if (services.length === 0) throw new Error('no enabled service in the database: start a daemon on it once before seeding');
  return services;
}

/** Each keys column's SQL type, for the unnest casts. */
async function typesOf(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'keys'",
  );
  return new Map(rows.map((row) => [row.column_name, row.data_type === 'timestamp with time zone' ? 'timestamptz' : row.data_type]));
}
