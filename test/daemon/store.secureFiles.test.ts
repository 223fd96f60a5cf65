import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { assertPrivateFile, writeFileAtomic, writePrivateFileAtomic } from '../../daemon/store/secureFiles';
import { useStoreDir } from './support/storeDir';
import { isTemp, ScriptedFs } from './support/scriptedFs';

describe('store: private atomic files', () => {
  const scratch = useStoreDir();

  it('writes the file with mode 0600 and leaves no temp file behind', async () => {
    const file = path.join(scratch.dir, 'daemon.json');
    await writePrivateFileAtomic(file, '{"port":1234}');
    assert.equal(await fsp.readFile(file, 'utf8'), '{"port":1234}');
    assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await fsp.readdir(scratch.dir), ['daemon.json']);
  });

  it('writes content given as slices exactly, multi-byte characters included', async () => {
    const file = path.join(scratch.dir, 'store.json');
    await writePrivateFileAtomic(file, ['{"name":"Zoë', ' — ', 'café"}']);
    assert.equal(await fsp.readFile(file, 'utf8'), '{"name":"Zoë — café"}');
  });

  it('creates the temp file exclusively with mode 0600 (private from its first byte, no chmod)', async () => {
    const fs = new ScriptedFs();
    const file = path.join(scratch.dir, 'master.key');
    await writeFileAtomic(fs, file, 'secret material');
    const tempOpen = fs.calls.find((call) => call.op === 'open' && isTemp(call.path));
    assert.ok(tempOpen, 'a temp file was opened');
    assert.equal(path.dirname(tempOpen.path), scratch.dir, 'temp file is in the same directory, so rename is atomic');
    assert.equal(tempOpen.flags, 'wx');
    assert.equal(tempOpen.mode, 0o600);
  });

  it('fsyncs the file before the rename and the directory after it', async () => {
    const fs = new ScriptedFs();
    const file = path.join(scratch.dir, 'master.key');
    await writeFileAtomic(fs, file, 'x');
    const order = fs.calls
      .filter((c) => c.op === 'sync' || c.op === 'rename')
      .map((c) => `${c.op}:${c.path === scratch.dir ? 'dir' : isTemp(c.path) ? 'temp' : 'target'}`);
    assert.deepEqual(order, ['sync:temp', 'rename:target', 'sync:dir']);
  });

  it('replaces an existing file whole and keeps the old content when the disk is full', async () => {
    const file = path.join(scratch.dir, 'daemon.json');
    await writePrivateFileAtomic(file, 'old');
    const fs = new ScriptedFs();
    fs.fail('write', 'ENOSPC');
    await assert.rejects(writeFileAtomic(fs, file, 'new'), { code: 'ENOSPC' });
    assert.equal(await fsp.readFile(file, 'utf8'), 'old');
    assert.deepEqual(await fsp.readdir(scratch.dir), ['daemon.json'], 'the failed temp file is removed');
  });

  it('accepts a file only its owner can access', async () => {
    const file = path.join(scratch.dir, 'master.key');
    await writePrivateFileAtomic(file, 'k');
    await assertPrivateFile(file);
  });

  for (const mode of [0o640, 0o604, 0o660, 0o644, 0o601]) {
    it(`refuses a file with mode ${mode.toString(8)}, naming the file and the chmod fix`, async () => {
      const file = path.join(scratch.dir, 'master.key');
      await fsp.writeFile(file, 'k');
      await fsp.chmod(file, mode);
      await assert.rejects(assertPrivateFile(file), (error: Error) => {
        assert.ok(error.message.startsWith(file), error.message);
        assert.ok(error.message.includes(`chmod 600 ${file}`), error.message);
        return true;
      });
    });
  }
});
