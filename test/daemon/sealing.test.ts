import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile, chmod } from 'node:fs/promises';
import * as path from 'node:path';
import { loadMasterKey } from '../../daemon/keys/masterKey';
import { createSealer, SealError } from '../../daemon/keys/sealing';
import { makeTempDir, removeDir } from '../support/tempDirs';

describe('sealing (AES-256-GCM)', () => {
  const sealer = createSealer(randomBytes(32));

  it('round-trips a secret bound to its key id', () => {
    const sealed = sealer.seal('pay_test_secret', 'key_1');
    assert.equal(sealer.unseal(sealed, 'key_1'), 'pay_test_secret');
    assert.ok(!sealed.includes('pay_test_secret'));
  });

  it('uses a fresh 12-byte IV every time', () => {
    const first = sealer.seal('same', 'key_1');
    const second = sealer.seal('same', 'key_1');
    assert.notEqual(first, second);
    assert.equal(Buffer.from(first.split('.')[0]!, 'base64').length, 12);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const sealed = sealer.seal('a secret worth stealing', 'key_1');
    for (let part = 0; part < 3; part += 1) {
      const parts = sealed.split('.');
      const bytes = Buffer.from(parts[part]!, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      parts[part] = bytes.toString('base64');
      assert.throws(() => sealer.unseal(parts.join('.'), 'key_1'), SealError);
    }
  });

  it('refuses a sealed copy moved to another key id or opened with another master key', () => {
    const sealed = sealer.seal('secret', 'key_1');
    assert.throws(() => sealer.unseal(sealed, 'key_2'), SealError);
    assert.throws(() => createSealer(randomBytes(32)).unseal(sealed, 'key_1'), SealError);
  });

  it('refuses master keys that are not 32 bytes', () => {
    assert.throws(() => createSealer(randomBytes(16)), /32 bytes/);
  });
});

describe('master key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('master');
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('is created as 32 random bytes in master.key with mode 0600, then reused', async () => {
    const first = await loadMasterKey(dir, {});
    const file = path.join(dir, 'master.key');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(first.length, 32);
    assert.deepEqual(await loadMasterKey(dir, {}), first);
  });

  it('comes from KEYSMITH_MASTER_KEY (base64) when set, writing no file', async () => {
    const key = randomBytes(32);
    assert.deepEqual(await loadMasterKey(dir, { KEYSMITH_MASTER_KEY: key.toString('base64') }), key);
    await assert.rejects(readFile(path.join(dir, 'master.key')), { code: 'ENOENT' });
  });

  it('refuses a KEYSMITH_MASTER_KEY that is not 32 bytes of base64', async () => {
    await assert.rejects(loadMasterKey(dir, { KEYSMITH_MASTER_KEY: 'c2hvcnQ=' }), /32 bytes in base64/);
  });

  it('refuses a master.key readable by other users', async () => {
    const file = path.join(dir, 'master.key');
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`);
    await chmod(file, 0o644);
    await assert.rejects(loadMasterKey(dir, {}), /accessible by other users.*chmod 600/);
  });
});
