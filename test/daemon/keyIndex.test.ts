// The verify index on its own (daemon/core/keyIndex.ts): what each change of a key does to lookups, the
// valid answer it builds, the state it derives, and the profiles keys share. The verify suites check the
// same index through the API; these pin down the bookkeeping of slots, hashes and profiles.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { KeyIndex } from '../../daemon/core/keyIndex';
import { SlotTable } from '../../daemon/core/slotTable';
import { sha256Binary, sha256Hex } from '../../daemon/keys/hashing';
import { deriveState } from '../../daemon/keys/keyState';
import type { KeyRecord, VerifyKey } from '../../daemon/store/types';
import { verifyKeyOf } from '../../daemon/store/verifyKey';
import { keyRecord } from '../store/support/records';

let serial = 0;
/** A key whose secret is `secret-<serial>` (secretOf below), so a test can present it. */
function record(overrides: Partial<KeyRecord> = {}): KeyRecord {
  serial += 1;
  return keyRecord({
    id: `key_index${serial}`,
    serviceId: 'svc_a',
    secretHash: sha256Hex(`secret-${serial}`),
    permissions: ['read'],
    ...overrides,
  });
}

const secretOf = (key: KeyRecord) => `secret-${key.id.slice('key_index'.length)}`;
/** The key id verify would find for this secret, or undefined. */
function found(index: KeyIndex, secret: string): string | undefined {
  const slot = index.find(sha256Binary(secret));
  return slot < 0 ? undefined : index.idAt(slot);
}

describe('verify index', () => {
  it('finds a key by the binary hash of its secret, and by its hex hash', () => {
    const index = new KeyIndex();
    const key = record();
    index.apply(key.id, key);
    assert.equal(found(index, secretOf(key)), key.id);
    assert.deepEqual(index.lookup(key.secretHash), { id: key.id });
    assert.equal(found(index, 'another secret'), undefined);
    assert.equal(index.lookup(sha256Hex('another secret')), undefined);
    assert.equal(index.size, 1);
  });

  it('answers a valid verify with exactly the key, service, environment, permissions and organization', () => {
    const index = new KeyIndex();
    const plain = record({ permissions: ['read', 'write'] });
    const withOrg = record({ environment: 'production', organization: 'ACME SAS', permissions: [] });
    index.apply(plain.id, plain);
    index.apply(withOrg.id, withOrg);
    const answer = index.validAnswerAt(index.find(sha256Binary(secretOf(plain))));
    assert.equal(
      JSON.stringify(answer),
      JSON.stringify({ valid: true, keyId: plain.id, serviceId: 'svc_a', environment: 'test', permissions: ['read', 'write'] }),
    );
    assert.ok(Object.isFrozen(answer.permissions), 'the permissions handed out are the shared profile’s: frozen');
    const slot = index.find(sha256Binary(secretOf(withOrg)));
    assert.equal(
      JSON.stringify(index.validAnswerAt(slot)),
      JSON.stringify({
        valid: true,
        keyId: withOrg.id,
        serviceId: 'svc_a',
        environment: 'production',
        permissions: [],
        organization: 'ACME SAS',
      }),
    );
  });

  it('writes the valid answer as JSON exactly as JSON.stringify writes the answer object, for any profile', () => {
    // What the verify fast path sends is the index's text; the answer object is what the Express route sends.
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(
        text,
        text,
        fc.constantFrom('test', 'production' as const),
        fc.array(text, { maxLength: 3 }),
        fc.option(text, { nil: undefined }),
        (id, serviceId, environment, permissions, organization) => {
          const index = new KeyIndex();
          const key = record({ id: `key_${id}`, secretHash: sha256Hex('the secret'), serviceId, environment, permissions, organization });
          index.apply(key.id, key);
          const slot = index.find(sha256Binary('the secret'));
          assert.equal(index.validAnswerJsonAt(slot), JSON.stringify(index.validAnswerAt(slot)));
          assert.deepEqual(JSON.parse(index.validAnswerJsonAt(slot)), {
            valid: true,
            keyId: key.id,
            serviceId,
            environment,
            permissions,
            ...(organization === undefined ? {} : { organization }),
          });
        },
      ),
    );
  });

  it('derives the state as the key rules do, from dates held as epoch ms', () => {
    const index = new KeyIndex();
    const keys = [
      record({ expiresAt: '2030-06-01T00:00:00.001Z' }),
      record({ status: 'inactive' }),
      record({ graceUntil: '2030-03-01T12:00:00.000Z' }),
      record({ status: 'revoked', expiresAt: '2031-01-01T00:00:00.000Z' }),
    ];
    for (const key of keys) index.apply(key.id, key);
    for (const now of ['2029-12-31T23:59:59.999Z', '2030-01-01T00:00:00.000Z', '2030-03-01T12:00:00.000Z', '2030-06-01T00:00:00.001Z']) {
      for (const key of keys) {
        assert.equal(
          index.stateAt(index.find(sha256Binary(secretOf(key))), Date.parse(now)),
          deriveState(key, new Date(now)),
          `${key.id} at ${now}`,
        );
      }
    }
  });

  it('follows a regenerated hash: the new one finds the key, the old one nothing', () => {
    const index = new KeyIndex();
    const key = record();
    index.apply(key.id, key);
    const rehashed = { ...key, secretHash: sha256Hex('the new secret') };
    index.apply(key.id, rehashed);
    assert.equal(found(index, secretOf(key)), undefined);
    assert.equal(found(index, 'the new secret'), key.id);
    assert.equal(index.size, 1);
  });

  it('applies an update: a new status, reference and restrictions, and a valid answer built again', () => {
    const index = new KeyIndex();
    const key = record();
    index.apply(key.id, key);
    const slot = index.find(sha256Binary(secretOf(key)));
    assert.deepEqual(index.validAnswerAt(slot).permissions, ['read']);
    index.apply(key.id, { ...key, permissions: ['admin'], reference: 'ref_new', status: 'inactive' });
    assert.equal(index.find(sha256Binary(secretOf(key))), slot);
    assert.deepEqual(index.validAnswerAt(slot).permissions, ['admin']);
    assert.equal(index.referenceIs(slot, 'ref_new'), true);
    assert.equal(index.referenceIs(slot, key.reference), false);
    assert.equal(index.stateAt(slot, Date.parse('2030-02-01T00:00:00Z')), 'inactive');
  });

  it('forgets a deleted key, and a key taking its place later answers as itself', () => {
    const index = new KeyIndex();
    const [gone, kept] = [record({ organization: 'Gone Org' }), record()];
    index.apply(gone.id, gone);
    index.apply(kept.id, kept);
    index.validAnswerAt(index.find(sha256Binary(secretOf(gone))));
    index.apply(gone.id, undefined);
    index.apply(gone.id, undefined); // a delete heard twice (own write, then the feed)
    assert.equal(found(index, secretOf(gone)), undefined);
    assert.equal(index.size, 1);
    const next = record();
    index.apply(next.id, next);
    const slot = index.find(sha256Binary(secretOf(next)));
    assert.equal(index.validAnswerAt(slot).keyId, next.id);
    assert.equal(index.validAnswerAt(slot).organization, undefined);
    assert.equal(found(index, secretOf(kept)), kept.id);
  });

  it('keeps a hash another key took first: a change arriving late does not unmap it', () => {
    const index = new KeyIndex();
    const [first, second] = [record(), record()];
    index.apply(first.id, first);
    index.apply(second.id, second);
    // The feed announced second taking first's old hash before first's own change to a new hash.
    index.apply(second.id, { ...second, secretHash: first.secretHash });
    index.apply(first.id, { ...first, secretHash: sha256Hex('first, regenerated') });
    assert.equal(found(index, secretOf(first)), second.id);
    assert.equal(found(index, 'first, regenerated'), first.id);
    index.apply(first.id, undefined);
    assert.equal(found(index, secretOf(first)), second.id);
  });

  it('replaces everything on replaceAll: keys not in the new set are gone', () => {
    const index = new KeyIndex();
    const [old, both] = [record(), record()];
    index.apply(old.id, old);
    index.apply(both.id, both);
    const added = record();
    index.replaceAll([verifyKeyOf({ ...both, status: 'revoked' }), verifyKeyOf(added)]);
    assert.equal(found(index, secretOf(old)), undefined);
    assert.equal(index.stateAt(index.find(sha256Binary(secretOf(both))), Date.parse('2030-02-01T00:00:00Z')), 'revoked');
    assert.equal(found(index, secretOf(added)), added.id);
    assert.equal(index.size, 2);
    index.replaceAll([]);
    assert.equal(index.size, 0);
    assert.equal(found(index, secretOf(added)), undefined);
  });

  it('builds from pages aside, leaving the index in use as it is until replaceWith', async () => {
    const index = new KeyIndex();
    const inUse = record();
    index.apply(inUse.id, inUse);
    const [a, b] = [record(), record()];
    async function* pages(): AsyncGenerator<VerifyKey[]> {
      yield [verifyKeyOf(a)];
      yield [verifyKeyOf(b)];
    }
    const built = await KeyIndex.fromPages(pages());
    assert.equal(found(index, secretOf(inUse)), inUse.id);
    assert.equal(found(index, secretOf(a)), undefined);
    index.replaceWith(built);
    assert.deepEqual([found(index, secretOf(a)), found(index, secretOf(b)), found(index, secretOf(inUse))], [a.id, b.id, undefined]);
  });

  it('holds more keys than it made room for, and finds each (room made for 3, then 3,000 keys)', async () => {
    const keys = Array.from({ length: 3000 }, () => record());
    async function* pages(): AsyncGenerator<VerifyKey[]> {
      for (let start = 0; start < keys.length; start += 500) yield keys.slice(start, start + 500).map((key) => verifyKeyOf(key));
    }
    const index = await KeyIndex.fromPages(pages(), 3);
    assert.equal(index.size, keys.length);
    for (const key of keys) assert.equal(found(index, secretOf(key)), key.id);
    for (const key of keys.slice(0, 10)) assert.ok(index.referenceIs(index.find(sha256Binary(secretOf(key))), key.reference));
  });

  it('builds key by key as a read hands them over (fromEach), answering every key as an index fed change by change does', async () => {
    const keys = Array.from({ length: 5000 }, (_, n) =>
      record({
        status: n % 7 === 0 ? 'revoked' : 'active',
        expiresAt: n % 3 === 0 ? '2031-01-01T00:00:00.000Z' : undefined,
        organization: n % 5 === 0 ? 'Org A' : undefined,
      }),
    );
    const fed = new KeyIndex();
    for (const key of keys) fed.apply(key.id, key);
    const built = await KeyIndex.fromEach(async (each) => {
      for (const key of keys) each(verifyKeyOf(key));
    }, 10);
    assert.equal(built.size, keys.length);
    const now = Date.parse('2030-06-01T00:00:00.000Z');
    for (const key of keys) {
      const slot = built.find(sha256Binary(secretOf(key)));
      const fedSlot = fed.find(sha256Binary(secretOf(key)));
      assert.ok(slot >= 0, key.id);
      assert.equal(built.idAt(slot), key.id);
      assert.ok(built.referenceIs(slot, key.reference));
      assert.equal(built.stateAt(slot, now), fed.stateAt(fedSlot, now));
      assert.equal(built.validAnswerJsonAt(slot), fed.validAnswerJsonAt(fedSlot));
    }
    // Its tables take changes as any: a third deleted, a third given a new secret.
    for (const [n, key] of keys.entries()) {
      if (n % 3 === 0) built.apply(key.id, undefined);
      if (n % 3 === 1) built.apply(key.id, { ...key, secretHash: sha256Hex(`renewed-${key.id}`) });
    }
    assert.equal(built.size, keys.length - Math.ceil(keys.length / 3));
    for (const [n, key] of keys.entries()) {
      assert.equal(found(built, secretOf(key)), n % 3 === 2 ? key.id : undefined, key.id);
      if (n % 3 === 1) assert.equal(found(built, `renewed-${key.id}`), key.id);
    }
  });

  it('keeps a key handed over twice by a read once, as its later copy (fromEach and fromPages)', async () => {
    const keys = Array.from({ length: 300 }, () => record());
    const twice = keys[120]!;
    const later = { ...twice, secretHash: sha256Hex('later-copy'), reference: 'ks_later_ref', status: 'revoked' as const };
    const handed = [...keys, later].map((key) => verifyKeyOf(key));
    async function* pages(): AsyncGenerator<VerifyKey[]> {
      for (let start = 0; start < handed.length; start += 50) yield handed.slice(start, start + 50);
    }
    const fromEach = await KeyIndex.fromEach(async (each) => handed.forEach((key) => each(key)));
    for (const index of [fromEach, await KeyIndex.fromPages(pages())]) {
      assert.equal(index.size, keys.length);
      assert.equal(found(index, secretOf(twice)), undefined, 'the earlier copy is gone');
      const slot = index.find(sha256Binary('later-copy'));
      assert.equal(index.idAt(slot), twice.id);
      assert.ok(index.referenceIs(slot, 'ks_later_ref'));
      assert.equal(index.stateAt(slot, Date.now()), 'revoked');
      for (const key of keys) if (key !== twice) assert.equal(found(index, secretOf(key)), key.id);
      index.apply(twice.id, undefined);
      assert.equal(found(index, 'later-copy'), undefined, 'deleted, no copy left behind');
      assert.equal(index.size, keys.length - 1);
    }
  });

  it("fails to build when the read fails, with the read's error", async () => {
    await assert.rejects(
      KeyIndex.fromEach(async (each) => {
        each(verifyKeyOf(record()));
        throw new Error('read broke');
      }),
      /read broke/,
    );
  });

  it('shares one profile between keys that have the same one, and drops it when no key has it', () => {
    const index = new KeyIndex();
    const restricted = { permissions: ['read'], companies: ['ACME'], ipAllowList: ['10.0.0.0/8'] };
    const keys = [record(restricted), record(restricted), record({ ...restricted, organization: 'Other' })];
    for (const key of keys) index.apply(key.id, key);
    const profileOf = (key: KeyRecord) => index.profileAt(index.find(sha256Binary(secretOf(key))));
    assert.equal(profileOf(keys[0]!), profileOf(keys[1]!));
    assert.notEqual(profileOf(keys[0]!), profileOf(keys[2]!));
    assert.equal(index.profileCount, 2);
    assert.equal(profileOf(keys[0]!).ipAllowed('10.1.2.3'), true);
    assert.equal(profileOf(keys[0]!).ipAllowed('192.168.0.1'), false);
    index.apply(keys[2]!.id, undefined);
    assert.equal(index.profileCount, 1);
    index.apply(keys[0]!.id, { ...keys[0]!, companies: [] });
    assert.equal(index.profileCount, 2);
    assert.deepEqual(profileOf(keys[1]!).companies, ['ACME'], 'a key changing its profile leaves the shared one as it was');
  });

  it('copies what it keeps: changing a record after it was applied changes nothing in the index', () => {
    const index = new KeyIndex();
    const key = record({ permissions: ['read'] });
    index.apply(key.id, key);
    key.permissions.push('write');
    const slot = index.find(sha256Binary(secretOf(key)));
    assert.deepEqual(index.profileAt(slot).permissions, ['read']);
  });

  it('tracks a key whose stored hash no secret can have (not lowercase hex SHA-256) without ever finding it', () => {
    const index = new KeyIndex();
    const key = record();
    const upper = { ...key, secretHash: key.secretHash.toUpperCase() };
    index.apply(key.id, upper);
    assert.equal(found(index, secretOf(key)), undefined);
    assert.equal(index.lookup(upper.secretHash), undefined);
    assert.equal(index.size, 1);
    index.apply(key.id, key);
    assert.equal(found(index, secretOf(key)), key.id);
    index.apply(key.id, undefined);
    assert.equal(index.size, 0);
  });
  it('keeps ids and references that are not ASCII, and tells a reference apart by its exact text', () => {
    const index = new KeyIndex();
    const key = record({ id: 'key_ünï_ℂ😀', reference: 'réf-ℂ😀' });
    index.apply(key.id, key);
    const slot = index.find(sha256Binary(secretOf({ ...key, id: `key_index${serial}` })));
    assert.equal(index.idAt(slot), 'key_ünï_ℂ😀');
    assert.equal(index.referenceIs(slot, 'réf-ℂ😀'), true);
    for (const other of ['réf-ℂ', 'ref-ℂ😀', 'réf-ℂ😀 ', '', 'r\u00e9f']) assert.equal(index.referenceIs(slot, other), false, other);
    index.apply(key.id, { ...key, status: 'inactive' });
    assert.equal(index.size, 1, 'the same id, found again by its text');
    index.apply(key.id, undefined);
    assert.equal(index.size, 0);
  });

  it('keeps the ids and references of the keys left after most were deleted (their bytes compacted)', () => {
    const index = new KeyIndex();
    const keys = Array.from({ length: 6000 }, (_, n) => record({ reference: `reference-of-key-${n}-${'x'.repeat(20)}` }));
    for (const key of keys) index.apply(key.id, key);
    const kept = keys.filter((_, n) => n % 5 === 0);
    for (const [n, key] of keys.entries()) if (n % 5 !== 0) index.apply(key.id, undefined);
    for (const key of kept) {
      const slot = index.find(sha256Binary(secretOf(key)));
      assert.equal(index.idAt(slot), key.id);
      assert.equal(index.referenceIs(slot, key.reference), true);
    }
    for (const key of kept) index.apply(key.id, { ...key, reference: `${key.reference}-renamed` });
    assert.equal(index.size, kept.length);
    for (const key of kept) assert.equal(index.referenceIs(index.find(sha256Binary(secretOf(key))), `${key.reference}-renamed`), true);
  });
});

describe('verify index tables', () => {
  it('finds every slot through crowded buckets, wrap-around and growth while slots come and go (SlotTable)', () => {
    // Few distinct hashes near the end of the table: long walks that wrap, and backward shifts on remove.
    const hashOf = (slot: number) => 1020 + (slot % 7);
    const table = new SlotTable(hashOf);
    const present = new Set<number>();
    const random = seeded(7);
    const holds = (slot: number) => {
      for (let cell = hashOf(slot) & table.mask; table.cells[cell] !== 0; cell = (cell + 1) & table.mask) {
        if (table.cells[cell] === slot + 1) return true;
      }
      return false;
    };
    for (let step = 0; step < 5000; step += 1) {
      const slot = Math.floor(random() * 1500);
      if (present.has(slot)) {
        table.remove(slot);
        present.delete(slot);
      } else {
        table.insert(slot);
        present.add(slot);
      }
      if (step % 250 === 0 || step === 4999) {
        for (let probe = 0; probe < 1500; probe += 1) assert.equal(holds(probe), present.has(probe), `slot ${probe} at step ${step}`);
        assert.equal(table.size, present.size);
      }
    }
  });

  it('files many slots at once in any bucket order, through crowding and wrap-around, each found as if inserted one by one (SlotTable.insertMany)', () => {
    // Hashes crowded into few home cells, some near the table's end so that their walks wrap around.
    const hashOf = (slot: number) => (slot % 5 === 0 ? 1023 - (slot % 3) : (slot * 2654435761) % 97);
    const many = new SlotTable(hashOf);
    const slots = Int32Array.from({ length: 3000 }, (_, slot) => slot);
    many.insertMany(slots.subarray(0, 100));
    many.insertMany(slots.subarray(100));
    assert.equal(many.size, 3000);
    const cellOf = (table: SlotTable, slot: number) => {
      for (let cell = hashOf(slot) & table.mask; table.cells[cell] !== 0; cell = (cell + 1) & table.mask)
        if (table.cells[cell] === slot + 1) return cell;
      return -1;
    };
    for (let slot = 0; slot < 3000; slot += 1) assert.ok(cellOf(many, slot) >= 0, `slot ${slot} on its walk`);
    for (let slot = 0; slot < 3000; slot += 2) many.remove(slot);
    assert.equal(many.size, 1500);
    for (let slot = 0; slot < 3000; slot += 1) assert.equal(cellOf(many, slot) >= 0, slot % 2 === 1, `slot ${slot} after removals`);
  });

  it('files a slot that is another copy of one already in the table in its place, handing the first over (SlotTable.insertMany)', () => {
    // Slots 0-9 and 10-19 are copies of one another (slot % 10), all in crowded cells.
    const table = new SlotTable((slot) => (slot % 10) % 3);
    const displaced: number[] = [];
    table.insertMany(
      Int32Array.from({ length: 20 }, (_, slot) => slot),
      (held, slot) => held % 10 === slot % 10,
      (held) => displaced.push(held),
    );
    assert.equal(table.size, 10);
    assert.deepEqual(
      displaced.sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      [...table.cells]
        .filter((entry) => entry !== 0)
        .map((entry) => entry - 1)
        .sort((a, b) => a - b),
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    );
  });

  it('makes room for the entries it expects at once, still at most half full (SlotTable)', () => {
    const table = new SlotTable((slot) => slot, 100_000);
    assert.equal(table.cells.length, 262_144);
    for (let slot = 0; slot < 100_000; slot += 1) table.insert(slot);
    assert.equal(table.cells.length, 262_144, 'no growth for the entries it made room for');
    assert.equal(table.size, 100_000);
  });

  for (const room of [0, 5_000]) {
    it(`answers as a Map would through thousands of random creates, new hashes and deletes (room made for ${room})`, () => {
      checkAgainstMap(new KeyIndex(room));
    });
  }
});

/** Thousands of random creates, new hashes and deletes: the index finds exactly what a Map would. */
function checkAgainstMap(index: KeyIndex): void {
  const random = seeded(11);
  const live = new Map<string, { key: KeyRecord; secret: string }>();
  const retired: string[] = [];
  let secrets = 0;
  for (let step = 0; step < 4000; step += 1) {
    const ids = [...live.keys()];
    const pick = ids[Math.floor(random() * ids.length)];
    const roll = random();
    if (pick === undefined || roll < 0.5) {
      const secret = `random-secret-${secrets++}`;
      const key = record({ secretHash: sha256Hex(secret), organization: roll < 0.25 ? 'Org A' : undefined });
      index.apply(key.id, key);
      live.set(key.id, { key, secret });
    } else if (roll < 0.75) {
      const { key, secret } = live.get(pick)!;
      const next = `random-secret-${secrets++}`;
      const changed = { ...key, secretHash: sha256Hex(next) };
      index.apply(key.id, changed);
      live.set(key.id, { key: changed, secret: next });
      retired.push(secret);
    } else {
      index.apply(pick, undefined);
      retired.push(live.get(pick)!.secret);
      live.delete(pick);
    }
  }
  assert.equal(index.size, live.size);
  for (const [id, { secret }] of live) assert.equal(found(index, secret), id);
  for (const secret of retired) assert.equal(found(index, secret), undefined);
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}
