// list() filters and sorts records and builds views only for the page it returns; this checks, for
// random stores and queries, that it answers exactly what building every view first would answer.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { CoreContext } from '../../daemon/core/context';
import { KeyQueries } from '../../daemon/core/keyQueries';
import { ManualClock } from '../../daemon/keys/clock';
import { toKeyView } from '../../daemon/keys/keyState';
import type { KeyList, KeyState, KeyStatus, KeyView } from '../../daemon/protocol';
import { selectKeys } from '../../daemon/store/keyListQuery';
import type { KeyListQuery, Stored } from '../../daemon/store/repositories';
import type { KeyRecord } from '../../daemon/store/types';
import type { KeyQueryInput } from '../../daemon/validation/schemas';

const NOW = '2030-06-01T00:00:00.000Z';
// Few distinct values, so ties (same date, same name) and every derived state are common.
const dates = ['2030-01-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z', '2030-09-01T00:00:00.000Z'];

const recordArbitrary = fc.record({
  n: fc.nat(999),
  serviceId: fc.constantFrom('cloudmc', 'payline'),
  environment: fc.constantFrom<KeyRecord['environment']>('test', 'production'),
  name: fc.constantFrom('Alpha', 'alpha', 'Béta shop', 'CRM', 'crm backend'),
  reference: fc.constantFrom('ref-one', 'REF-two', 'shop-3'),
  status: fc.constantFrom<KeyStatus>('active', 'inactive', 'revoked'),
  startsAt: fc.constantFrom(...dates),
  createdAt: fc.constantFrom(...dates),
  expiresAt: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  graceUntil: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  sealed: fc.option(fc.constant('iv.tag.data'), { nil: undefined }),
});

type RecordFields = typeof recordArbitrary extends fc.Arbitrary<infer T> ? T : never;

function toRecord(fields: RecordFields, index: number): KeyRecord {
  const record: KeyRecord = {
    id: `key_${String(fields.n).padStart(3, '0')}_${index}`,
    serviceId: fields.serviceId,
    environment: fields.environment,
    name: fields.name,
    reference: fields.reference,
    hint: 'abcd',
    status: fields.status,
    origin: 'generated',
    startsAt: fields.startsAt,
    permissions: [],
    companies: [],
    ipAllowList: [],
    createdAt: fields.createdAt,
    createdBy: 'tester',
    updatedAt: fields.createdAt,
    useCount: 0,
    secretHash: `hash${index}`,
  };
  if (fields.expiresAt !== undefined) record.expiresAt = fields.expiresAt;
  if (fields.graceUntil !== undefined) record.graceUntil = fields.graceUntil;
  if (fields.sealed !== undefined) record.sealed = fields.sealed;
  return record;
}

const queryArbitrary = fc.record({
  serviceId: fc.option(fc.constantFrom('cloudmc', 'payline'), { nil: undefined }),
  environment: fc.option(fc.constantFrom<KeyRecord['environment']>('test', 'production'), { nil: undefined }),
  status: fc.option(fc.constantFrom<KeyState>('active', 'inactive', 'revoked', 'scheduled', 'expired'), { nil: undefined }),
  q: fc.option(fc.constantFrom('alp', 'CRM', 'ref-t', 'béta', 'zzz'), { nil: undefined }),
  sort: fc.constantFrom<KeyQueryInput['sort']>('startsAt', 'createdAt', 'name'),
  order: fc.constantFrom<KeyQueryInput['order']>('asc', 'desc'),
  page: fc.integer({ min: 1, max: 4 }),
  pageSize: fc.integer({ min: 1, max: 7 }),
});

/** The semantics list() had when it built a view for every key: views filtered, sorted, then paged. */
function listByBuildingEveryView(keys: readonly KeyRecord[], query: KeyQueryInput, now: Date): KeyList {
  const needle = query.q?.normalize('NFC').toLowerCase();
  const matches: KeyView[] = keys
    .filter((key) => query.serviceId === undefined || key.serviceId === query.serviceId)
    .filter((key) => query.environment === undefined || key.environment === query.environment)
    .filter((key) => !needle || key.name.toLowerCase().includes(needle) || key.reference.toLowerCase().includes(needle))
    .map((key) => toKeyView({ ...key, version: 1 }, now))
    .filter((view) => query.status === undefined || view.state === query.status);
  const direction = query.order === 'asc' ? 1 : -1;
  const field = query.sort;
  matches.sort((a, b) => {
    const byField = field === 'name' ? a.name.localeCompare(b.name) : a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
    return (byField || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * direction;
  });
  const start = (query.page - 1) * query.pageSize;
  return { items: matches.slice(start, start + query.pageSize), total: matches.length, page: query.page, pageSize: query.pageSize };
}

/** The core over a store whose key list is the embedded store's (selectKeys), on these records. */
function queriesOver(stored: Stored<KeyRecord>[], clock: ManualClock): KeyQueries {
  const keys = { list: async (query: KeyListQuery) => selectKeys(stored, query) };
  return new KeyQueries({ clock, store: { keys } } as unknown as CoreContext);
}

describe('KeyQueries.list', () => {
  it('answers exactly what filtering and sorting every key view would answer, for any store and query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { maxLength: 30 }), queryArbitrary, async (fields, rawQuery) => {
        const keys = fields.map(toRecord);
        const query = Object.fromEntries(Object.entries(rawQuery).filter(([, value]) => value !== undefined)) as KeyQueryInput;
        const clock = new ManualClock(NOW);
        const stored = keys.map((key) => ({ ...structuredClone(key), version: 1 }));
        assert.deepEqual(await queriesOver(stored, clock).list(query), listByBuildingEveryView(keys, query, clock.now()));
        assert.deepEqual(
          stored,
          keys.map((key) => ({ ...key, version: 1 })),
          'listing never changes or reorders the stored records',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never puts the secret hash or the sealed secret in a listed view', async () => {
    const record = toRecord(
      {
        n: 1,
        serviceId: 'cloudmc',
        environment: 'test',
        name: 'Alpha',
        reference: 'ref-one',
        status: 'active',
        startsAt: dates[0]!,
        createdAt: dates[0]!,
        expiresAt: undefined,
        graceUntil: undefined,
        sealed: 'iv.tag.data',
      },
      0,
    );
    const queries = queriesOver([{ ...record, version: 1 }], new ManualClock(NOW));
    const [view] = (await queries.list({ sort: 'startsAt', order: 'desc', page: 1, pageSize: 50 } as KeyQueryInput)).items;
    assert.ok(view && !('secretHash' in view) && !('sealed' in view));
    assert.equal(view.retrievable, true);
  });
});
