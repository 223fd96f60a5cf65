// Injection is the one place a secret is meant to leave the daemon, and only into the target file: the
// preview and write answers, the audit trail and the daemon log never carry it, the file keeps its
// mode, and the atomic write leaves no temp file in the workspace.
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createKey } from './support/api';
import { describeAnswer, send } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { useTempDirs } from '../support/tempDirs';

describe('reliability: injection keeps the secret to the target file', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  const temp = useTempDirs('all');

  it('writes the secret only into the file, keeping its mode, with no secret in answers, audit or log', async function () {
    const workspace = await temp.make('secrecy');
    const file = path.join(workspace, '.env');
    await writeFile(file, '# settings\nAPI_KEY=old\n');
    await chmod(file, 0o640);
    const { key, secret } = await createKey(daemon, { name: 'injected secretly' });
    const body = { keyId: key.id, workspace, targets: [{ file: '.env', path: 'API_KEY', value: 'secret' }] };

    const preview = await send(daemon, 'POST', '/v1/inject/preview', { json: body });
    assert.equal(preview.status, 200, describeAnswer(preview));
    const write = await send(daemon, 'POST', '/v1/inject', { json: body });
    assert.equal(write.status, 200, describeAnswer(write));

    assert.equal(await readFile(file, 'utf8'), `# settings\nAPI_KEY=${secret.secret}\n`);
    assert.equal((await stat(file)).mode & 0o777, 0o640, 'the file mode changed');
    assert.deepEqual(await readdir(workspace), ['.env'], 'the atomic write left files behind');

    const audit = await send(daemon, 'GET', `/v1/audit?keyId=${key.id}&limit=50`);
    const places: Array<[string, string]> = [
      ['the preview answer', preview.text],
      ['the write answer', write.text],
      ['the audit trail', audit.text],
      ['the daemon log', daemon.logs.join('\n')],
    ];
    for (const [place, text] of places) assert.ok(!text.includes(secret.secret), `the secret is in ${place}`);
    assert.ok(
      audit.body.items.some((event: { action: string }) => /inject/i.test(event.action)),
      'the injection was not audited',
    );
  });
});
