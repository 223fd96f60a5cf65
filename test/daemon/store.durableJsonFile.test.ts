import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from '../../daemon/store/embedded/durableJsonFile';
import { StoreCorruptError } from '../../daemon/store/errors';
import { assertStoreShape } from '../../daemon/store/embedded/storeShape';
import type { StoreData } from '../../daemon/store/types';
import { useStoreDir } from './support/storeDir';
import { dataWithKeys, emptyData } from './support/storeData';
import { isTemp } from './support/scriptedFs';

describe('store: durable JSON file adapter', () => {
  const scratch = useStoreDir();
  let file: string;
  const adapter = () => new DurableJsonFile<StoreData>(file, { validate: assertStoreShape, backupFile: `${file}.bak`, fs: scratch.fs });

  beforeEach(() => {
    file = path.join(scratch.dir, 'store.json');
  });

  it('reads null when the file does not exist yet', async () => {
    assert.equal(await adapter().read(), null);
  });

  it('works as the adapter of lowdb Low: what one writes, the next reads', async () => {
    const writer = new Low<StoreData>(adapter(), emptyData());
    writer.data = dataWithKeys(3);
    await writer.write();
    const reader = new Low<StoreData>(adapter(), emptyData());
    await reader.read();
    assert.deepEqual(reader.data, dataWithKeys(3));
  });

  it('creates the file private: temp opened wx with mode 0600, final file 0600', async () => {
    await adapter().write(emptyData());
    const tempOpens = scratch.fs.calls.filter((c) => c.op === 'open' && isTemp(c.path));
    assert.equal(tempOpens.length, 1);
    assert.equal(tempOpens[0]!.flags, 'wx');
    assert.equal(tempOpens[0]!.mode, 0o600);
    assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
  });

  it('fsyncs the temp file, renames it over the target, then fsyncs the directory', async () => {
    await adapter().write(emptyData());
    const steps = scratch.fs.calls
      .filter((c) => c.op === 'sync' || c.op === 'rename')
      .map((c) => `${c.op}:${c.path === scratch.dir ? 'dir' : isTemp(c.path) ? 'temp' : path.basename(c.path)}`);
    assert.deepEqual(steps, ['sync:temp', 'rename:store.json', 'sync:dir']);
  });

  for (const [op, code] of [
    ['write', 'ENOSPC'],
    ['open', 'EROFS'],
    ['rename', 'EACCES'],
    ['sync', 'EIO'],
  ] as const) {
    it(`rejects with ${code} when ${op} fails, leaving the previous file intact and no temp file`, async () => {
      const store = adapter();
      await store.write(dataWithKeys(1));
      const before = await fsp.readFile(file);
      scratch.fs.fail(op, code, (p) => p !== scratch.dir);
      await assert.rejects(store.write(dataWithKeys(2)), { code });
      assert.deepEqual(await fsp.readFile(file), before);
      assert.deepEqual(await fsp.readdir(scratch.dir), ['store.json']);
    });
  }

  it('reads a file that starts with a byte-order mark', async () => {
    await fsp.writeFile(file, `\uFEFF${JSON.stringify(dataWithKeys(1))}`, { mode: 0o600 });
    assert.deepEqual(await adapter().read(), dataWithKeys(1));
  });

  it('reports a syntax error with its line and column, and leaves the file untouched', async () => {
    const text = '{\n  "version": 1,\n  "keys": [}\n';
    await fsp.writeFile(file, text, { mode: 0o600 });
    await assert.rejects(adapter().read(), (error: StoreCorruptError) => {
      assert.ok(error instanceof StoreCorruptError);
      assert.deepEqual(error.detail.position, { offset: 29, line: 3, column: 12 });
      assert.match(error.message, /at line 3, column 12/);
      return true;
    });
    assert.equal(await fsp.readFile(file, 'utf8'), text);
  });

  it('never quotes the file content in a corruption message (it may hold hashes)', async () => {
    // Built at run time so no secret-shaped literal sits in the repository.
    const secretLooking = `sk_live_${randomBytes(16).toString('hex')}`;
    await fsp.writeFile(file, `${secretLooking} trailing`, { mode: 0o600 });
    await assert.rejects(adapter().read(), (error: Error) => {
      assert.ok(!error.message.includes('sk_live'), error.message);
      return true;
    });
  });
});
