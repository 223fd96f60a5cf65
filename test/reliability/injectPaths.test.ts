// Injection writes secrets into files: a target path must never lead outside the workspace folder,
// whether by `..`, an absolute path, a NUL byte, a symlinked parent folder or a dangling symlink.
// Each is refused with a 400 naming the target, and nothing is written anywhere.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { countKeys, createKey, expectStillServing, validKeyBody } from './support/api';
import { expectApiError } from './support/expectations';
import { describeAnswer, send, type Answer } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { useTempDirs } from '../support/tempDirs';

/** 400 whose details name `field` (or a path inside it), or whose message names `mention`. */
function expectRefusedNaming(answer: Answer, field: string, mention: string): void {
  expectApiError(answer, 400);
  const { details, message } = answer.body.error as { details?: Record<string, unknown>; message: string };
  const named = Object.keys(details ?? {}).some((key) => key === field || key.startsWith(`${field}.`));
  assert.ok(named || message.includes(mention), `expected the refusal to name ${field} or "${mention}": ${describeAnswer(answer)}`);
}

describe('reliability: injection paths that escape the workspace', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  let keyId: string;
  const temp = useTempDirs();
  let workspace: string;
  let outside: string;

  before(async function () {
    keyId = (await createKey(daemon, { name: 'injected' })).key.id;
  });
  beforeEach(async function () {
    workspace = await temp.make('workspace');
    outside = await temp.make('outside');
    await writeFile(path.join(outside, 'victim.env'), 'UNTOUCHED=1\n');
  });

  async function expectOutsideUntouched(): Promise<void> {
    assert.deepEqual(await readdir(outside), ['victim.env']);
    assert.equal(await readFile(path.join(outside, 'victim.env'), 'utf8'), 'UNTOUCHED=1\n');
  }

  async function expectTargetRefused(file: string): Promise<void> {
    const target = { file, path: 'API_KEY', value: 'secret' };
    for (const route of ['/v1/inject/preview', '/v1/inject']) {
      const answer = await send(daemon, 'POST', route, { json: { keyId, workspace, targets: [target] } });
      expectRefusedNaming(answer, 'targets', file.replace(/\0/g, ''));
    }
    const keysBefore = await countKeys(daemon);
    const create = await send(daemon, 'POST', '/v1/keys', { json: { ...validKeyBody(), workspace, inject: [target] } });
    expectRefusedNaming(create, 'inject', file.replace(/\0/g, ''));
    assert.equal(await countKeys(daemon), keysBefore, 'a create whose injection was refused still stored a key');
    await expectOutsideUntouched();
    await expectStillServing(daemon);
  }

  it('refuses a target climbing out with ..', async function () {
    await expectTargetRefused(`../${path.basename(outside)}/victim.env`);
    await expectTargetRefused('config/../../escape.env');
  });

  it('refuses an absolute target path', async function () {
    await expectTargetRefused(path.join(outside, 'victim.env'));
  });

  it('refuses a target path with a NUL byte', async function () {
    await expectTargetRefused('app.env\0.txt');
  });

  it('refuses a target under a symlinked parent folder pointing outside', async function () {
    await symlink(outside, path.join(workspace, 'linked'));
    await expectTargetRefused('linked/victim.env');
    await expectTargetRefused('linked/new.env');
  });

  it('refuses a dangling symlink whose target lies outside', async function () {
    await symlink(path.join(outside, 'created-through-link.env'), path.join(workspace, 'app.env'));
    await expectTargetRefused('app.env');
  });

  it('refuses a relative workspace, naming the field', async function () {
    const answer = await send(daemon, 'POST', '/v1/inject', {
      json: { keyId, workspace: 'relative/folder', targets: [{ file: '.env', path: 'K', value: 'secret' }] },
    });
    expectRefusedNaming(answer, 'workspace', 'workspace');
  });

  it('still writes an ordinary target inside the workspace (the refusals above are not blanket)', async function () {
    await mkdir(path.join(workspace, 'config'));
    const answer = await send(daemon, 'POST', '/v1/inject', {
      json: { keyId, workspace, targets: [{ file: 'config/app.env', path: 'API_KEY', value: 'reference' }] },
    });
    assert.equal(answer.status, 200, describeAnswer(answer));
    assert.match(await readFile(path.join(workspace, 'config/app.env'), 'utf8'), /^API_KEY=/m);
  });
});

describe('reliability: a config file changed between preview and write', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  const temp = useTempDirs('all');

  it('answers 409 FILE_CHANGED and leaves the file as the other writer left it', async function () {
    const workspace = await temp.make('race');
    const file = path.join(workspace, '.env');
    await writeFile(file, '# app settings\nAPI_KEY=old\n');
    const { key } = await createKey(daemon, { name: 'raced' });
    const target = { file: '.env', path: 'API_KEY', value: 'reference' };

    const preview = await send(daemon, 'POST', '/v1/inject/preview', { json: { keyId: key.id, workspace, targets: [target] } });
    assert.equal(preview.status, 200, describeAnswer(preview));
    const hash = preview.body.results[0].hash as string;
    assert.match(hash, /^[0-9a-f]{64}$/);

    const editedMeanwhile = '# app settings\nAPI_KEY=old\nDEBUG=true\n';
    await writeFile(file, editedMeanwhile);

    const write = await send(daemon, 'POST', '/v1/inject', {
      json: { keyId: key.id, workspace, targets: [{ ...target, expectedHash: hash }] },
    });
    expectApiError(write, 409, 'FILE_CHANGED');
    assert.equal(await readFile(file, 'utf8'), editedMeanwhile);
  });
});
