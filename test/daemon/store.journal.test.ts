import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { StoreCorruptError } from '../../daemon/store/errors';
import { openEmbeddedStore } from '../../daemon/store/embedded/embeddedStore';
import type { RecordWrite } from '../../daemon/store/embedded/recordState';
import type { StoreData } from '../../daemon/store/types';
import { useTempDirs } from '../support/tempDirs';
import { useStoreDir } from './support/storeDir';
import { commit, copyStoreFiles, dataWithKeys, drop, durableState, emptyData, put, sampleKey, snapshotOnDisk } from './support/storeData';
import { isTemp, named } from './support/scriptedFs';

describe('store: write-ahead journal (append per batch, replay, compaction)', () => {
  const scratch = useStoreDir();
  const temp = useTempDirs();
  const file = (name: string, inDir = scratch.dir) => path.join(inDir, name);
  const ids = (data: Readonly<StoreData>) => data.keys.map((k) => k.id);
  const open = async (options: { dataDir?: string; compactAfterBatches?: number; initialData?: () => StoreData } = {}) => {
    return scratch.keep(
      await openEmbeddedStore({
        dataDir: options.dataDir ?? scratch.dir,
        initialData: options.initialData ?? (() => dataWithKeys(3)),
        fs: scratch.fs,
        usageFlushMs: 60_000,
        compactAfterBatches: options.compactAfterBatches,
      }),
    );
  };
  /** The data dir as a kill -9 would leave it now, in a new dir: no close, no compaction. */
  const crashCopy = async () => {
    return temp.keep(await copyStoreFiles(scratch.dir));
  };
  const journalLines = async (inDir = scratch.dir) =>
    (await fsp.readFile(file('store.journal', inDir), 'utf8')).split('\n').filter(Boolean);

  it('appends one line per batch to the journal instead of rewriting store.json', async () => {
    const store = await open();
    const snapshotBefore = await fsp.readFile(file('store.json'));
    scratch.fs.calls.length = 0;
    for (let n = 10; n < 15; n++) await commit(store, [put(sampleKey(n))]);
    await Promise.all([20, 21, 22].map((n) => commit(store, [put(sampleKey(n))])));
    assert.equal(scratch.fs.count('write', named('store.journal')), 6, '5 sequential batches and 1 shared by 3 concurrent commits');
    assert.equal(scratch.fs.count('sync', named('store.journal')), 6);
    assert.equal(
      scratch.fs.count('open', (p) => isTemp(p) || path.basename(p) === 'store.json'),
      0,
      'no snapshot written',
    );
    assert.deepEqual(await fsp.readFile(file('store.json')), snapshotBefore);
    const lines = await journalLines();
    assert.deepEqual(
      lines.map((line) => JSON.parse(line).seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      JSON.parse(lines[0]!).changes,
      [{ op: 'put', collection: 'keys', record: { ...sampleKey(10), version: 1 } }],
      'a line holds the whole record it changed',
    );
  });

  it('writes only the records a change touched: an edit, a delete, a new service', async () => {
    const store = await open();
    scratch.fs.calls.length = 0;
    await commit(store, [put(sampleKey(1, { name: 'edited' })), drop('key_2'), put({ id: 'svc_x', name: 'X' }, 'services')]);
    const [line] = await journalLines();
    assert.deepEqual(JSON.parse(line!).changes, [
      { op: 'put', collection: 'keys', record: { ...sampleKey(1, { name: 'edited' }), version: 2 } },
      { op: 'delete', collection: 'keys', id: 'key_2' },
      { op: 'put', collection: 'services', record: { id: 'svc_x', name: 'X', version: 1 } },
    ]);
  });

  it('replays the journal after a crash: a store opened on the files left behind has every acknowledged change', async () => {
    const store = await open();
    await commit(store, [put(sampleKey(3))]);
    await commit(store, [put(sampleKey(0, { status: 'revoked' })), drop('key_1')]);
    store.recordUse({ keyId: 'key_2', at: '2026-05-01T00:00:00.000Z', ip: '192.0.2.9' });
    await store.flush();
    const expected = structuredClone(store.read());

    const copy = await crashCopy();
    const reopened = await open({ dataDir: copy, initialData: () => assert.fail('initialData must not be called') });
    assert.deepEqual(reopened.read(), expected);
    assert.deepEqual(await snapshotOnDisk(copy), expected, 'the replayed state became the new snapshot');
    assert.deepEqual(await snapshotOnDisk(copy, 'store.json.bak'), expected, 'and the backup is the store as loaded');
    assert.equal(await fsp.readFile(file('store.journal', copy), 'utf8'), '', 'the journal starts empty again');
  });

  it('ignores a torn last line (an append that never completed) and keeps the lines before it', async () => {
    const store = await open();
    await commit(store, [put(sampleKey(3))]);
    const copy = await crashCopy();
    await fsp.appendFile(file('store.journal', copy), '{"seq":2,"changes":[{"op":"put","collection":"keys","rec');
    const reopened = await open({ dataDir: copy });
    assert.deepEqual(ids(reopened.read()), ['key_0', 'key_1', 'key_2', 'key_3']);
    await commit(reopened, [put(sampleKey(4))]);
    assert.deepEqual(ids(await durableState(copy)), ['key_0', 'key_1', 'key_2', 'key_3', 'key_4']);
  });

  for (const [what, damage] of [
    ['a line that is not JSON', (lines: string[]) => [lines[0]!, '{"seq":2,"chan', lines[1]!]],
    ['a line that is not a journal entry', (lines: string[]) => [lines[0]!, '{"hello":1}', lines[1]!]],
    ['a gap in the sequence', (lines: string[]) => [lines[0]!, lines[1]!.replace('"seq":2', '"seq":3')]],
  ] as const) {
    it(`refuses to start on ${what} before the last line, naming the journal and the fix, and leaves it untouched`, async () => {
      const store = await open();
      await commit(store, [put(sampleKey(3))]);
      await commit(store, [put(sampleKey(4))]);
      const copy = await crashCopy();
      const damaged = `${damage(await journalLines(copy)).join('\n')}\n`;
      await fsp.writeFile(file('store.journal', copy), damaged);
      await assert.rejects(open({ dataDir: copy }), (error: StoreCorruptError) => {
        assert.ok(error instanceof StoreCorruptError, String(error));
        assert.ok(error.message.includes(file('store.journal', copy)), error.message);
        assert.match(error.message, /line 2 is damaged/);
        assert.ok(error.message.includes(`mv ${file('store.journal', copy)} ${file('store.journal.damaged', copy)}`), error.message);
        assert.ok(
          !error.message.includes('secretHash') && !error.message.includes(sampleKey(3).secretHash),
          'no store content in the message',
        );
        return true;
      });
      assert.equal(await fsp.readFile(file('store.journal', copy), 'utf8'), damaged);
      await assert.rejects(fsp.stat(file('daemon.lock', copy)), { code: 'ENOENT' }, 'the lock was released');
    });
  }

  it('refuses a journal whose store.json is missing instead of replaying it onto a new store', async () => {
    const store = await open();
    await commit(store, [put(sampleKey(3))]);
    const copy = await crashCopy();
    await fsp.rm(file('store.json', copy));
    await assert.rejects(open({ dataDir: copy }), /store\.journal.*does not exist.*mv /s);
  });

  it('compacts: past the bound it writes a snapshot with every change and empties the journal', async () => {
    const store = await open({ compactAfterBatches: 4 });
    for (let n = 3; n < 13; n++) await commit(store, [put(sampleKey(n))]);
    assert.equal(store.snapshotCount, 2, '10 batches with a bound of 4');
    assert.equal((await journalLines()).length, 2);
    const snapshot = JSON.parse(await fsp.readFile(file('store.json'), 'utf8')) as { journalSeq: number; keys: unknown[] };
    assert.equal(snapshot.journalSeq, 8);
    assert.equal(snapshot.keys.length, 11);
    assert.equal((await fsp.stat(file('store.journal'))).mode & 0o777, 0o600);
    assert.deepEqual(
      ids(await durableState(scratch.dir)),
      Array.from({ length: 13 }, (_, i) => `key_${i}`),
    );
  });

  it('compacts on close, leaving store.json complete and the journal empty', async () => {
    const store = await open();
    await commit(store, [put(sampleKey(3))]);
    await store.close();
    assert.deepEqual(ids(await snapshotOnDisk(scratch.dir)), ['key_0', 'key_1', 'key_2', 'key_3']);
    assert.equal(await fsp.readFile(file('store.journal'), 'utf8'), '');
  });

  it('replays correctly after a crash between writing the snapshot and emptying the journal', async () => {
    const store = await open({ compactAfterBatches: 3 });
    scratch.fs.failOnce('rename', 'EIO', named('store.journal')); // the snapshot lands, the journal keeps its lines
    for (let n = 3; n < 6; n++) await commit(store, [put(sampleKey(n))]);
    store.recordUse({ keyId: 'key_0', at: '2026-05-01T00:00:00.000Z' });
    await store.flush();
    assert.equal(store.snapshotCount, 1);
    assert.equal(JSON.parse(await fsp.readFile(file('store.json'), 'utf8')).journalSeq, 3);
    assert.deepEqual(
      (await journalLines()).map((line) => JSON.parse(line).seq),
      [1, 2, 3, 4],
      'lines 1-3 are also in the snapshot',
    );
    const copy = await crashCopy();
    const reopened = await open({ dataDir: copy });
    assert.deepEqual(ids(reopened.read()), ['key_0', 'key_1', 'key_2', 'key_3', 'key_4', 'key_5'], 'no record applied twice');
    assert.equal(reopened.read().keys[0]!.useCount, 1);
  });

  it('keeps later batches durable when emptying the journal fails after its rename (directory fsync refused)', async () => {
    const store = await open({ compactAfterBatches: 2 });
    let dirSyncs = 0;
    // The snapshot's directory fsync passes, the journal reset's (right after its rename) fails.
    scratch.fs.failOnce('sync', 'EIO', (p) => p === scratch.dir && ++dirSyncs === 2);
    for (let n = 3; n < 5; n++) await commit(store, [put(sampleKey(n))]);
    await store.flush(); // the compaction runs after the batch resolved; a flush waits for it
    assert.equal(dirSyncs, 2, 'the reset was attempted');
    scratch.fs.fail('write', 'ENOSPC', (p) => path.basename(p).startsWith('store.json.')); // no snapshot to hide a loss
    for (let n = 5; n < 8; n++) await commit(store, [put(sampleKey(n))]);
    const copy = await crashCopy();
    assert.deepEqual(
      ids(await durableState(copy)),
      Array.from({ length: 8 }, (_, i) => `key_${i}`),
    );
  });

  describe('rolling back a batch the disk refused, exactly', () => {
    const cases: Array<[string, () => RecordWrite[][]]> = [
      [
        'field edits of a record',
        () => {
          const { hint: _hint, ...edited } = sampleKey(1, { name: 'changed', status: 'revoked', permissions: ['read', 'write'] });
          return [[put(edited)]];
        },
      ],
      ['a new record', () => [[put(sampleKey(9))]]],
      ['a delete at the start (order comes back too)', () => [[drop('key_0')]]],
      ['a delete and a new record', () => [[drop('key_1'), put(sampleKey(7))]]],
      [
        'one record written by two racing commits of the batch (the second refused by its check)',
        () => [[put(sampleKey(2, { name: 'first' }))], [put(sampleKey(2, { name: 'second' }))]],
      ],
      [
        'records of other collections',
        () => [
          [
            put({ id: 'tok_1', name: 't', role: 'verify', tokenHash: 'h', createdAt: 'now' }, 'tokens'),
            put({ id: 'svc_x', name: 'X' }, 'services'),
          ],
        ],
      ],
    ];
    for (const [what, commits] of cases) {
      it(`undoes ${what}, in memory and on disk, and the next batch writes only its own changes`, async () => {
        const store = await open();
        const before = structuredClone(store.read());
        scratch.fs.failOnce('write', 'ENOSPC', named('store.journal'));
        const outcomes = await Promise.allSettled(commits().map((writes) => commit(store, writes)));
        assert.deepEqual(
          outcomes.map((outcome) => outcome.status),
          outcomes.map(() => 'rejected'),
        );
        assert.deepEqual(store.read(), before);
        assert.deepEqual(JSON.stringify(store.read()), JSON.stringify(before), 'same order and field order too');
        assert.deepEqual(await durableState(scratch.dir), before);
        for (const key of before.keys)
          assert.equal((await store.keys.findByHash(key.secretHash))?.id, key.id, 'the hash index is back too');

        await commit(store, [put(sampleKey(2, { name: 'mate' }))]);
        const expected = structuredClone(before);
        expected.keys[2] = { ...expected.keys[2]!, name: 'mate', version: 2 } as (typeof expected.keys)[number];
        assert.deepEqual(await durableState(scratch.dir), expected);
      });
    }
  });

  it('replays puts and deletes in order: a record deleted and put again comes back last, as in memory', async () => {
    const store = await open();
    await commit(store, [drop('key_0')]);
    await commit(store, [put(sampleKey(0))]);
    assert.deepEqual(ids(store.read()), ['key_1', 'key_2', 'key_0']);
    assert.deepEqual(ids(await durableState(scratch.dir)), ['key_1', 'key_2', 'key_0']);
  });

  it('replays a journal written before the store seam (whole collections, top-level fields)', async () => {
    await (await open()).close();
    const line = (seq: number, changes: unknown[]) => `${JSON.stringify({ seq, changes })}\n`;
    await fsp.writeFile(
      file('store.journal'),
      line(1, [
        { op: 'replace', collection: 'keys', records: [sampleKey(7), sampleKey(8)] },
        { op: 'set', field: 'note', value: 'kept' },
        { op: 'set', field: 'gone', value: 1 },
      ]) +
        line(2, [
          { op: 'put', collection: 'keys', record: sampleKey(9) },
          { op: 'delete', collection: 'keys', id: 'key_7' },
          { op: 'unset', field: 'gone' },
        ]),
      { mode: 0o600 },
    );
    const reopened = await open({ initialData: () => assert.fail('initialData must not be called') });
    assert.deepEqual(ids(reopened.read()), ['key_8', 'key_9']);
    assert.equal((reopened.read() as unknown as { note?: string }).note, 'kept');
    assert.ok(!('gone' in reopened.read()));
  });

  it('writes nothing for a commit that changes nothing', async () => {
    const store = await open();
    scratch.fs.calls.length = 0;
    assert.deepEqual(await commit(store, []), []);
    assert.equal(scratch.fs.count('write'), 0);
  });

  it('creates the journal private (0600 from its first byte)', async () => {
    await open({ initialData: emptyData });
    const creations = scratch.fs.calls.filter((c) => c.op === 'open' && path.basename(c.path).startsWith('store.journal'));
    assert.ok(creations.length > 0);
    for (const call of creations) assert.equal(call.mode, 0o600, `${call.path} opened with mode ${call.mode?.toString(8)}`);
    assert.equal((await fsp.stat(file('store.journal'))).mode & 0o777, 0o600);
  });
});
