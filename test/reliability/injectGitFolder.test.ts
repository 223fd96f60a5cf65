// git's own files (config, hooks) are never a place for a key: a secret in .git/config ends up in every
// backup and in every tool that reads it. The refusal must hold however .git is reached: named in the
// target, as the workspace itself or a folder inside it, or through a symbolic link, in any letter case.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { countKeys, createKey, expectStillServing, validKeyBody } from './support/api';
import { expectApiError } from './support/expectations';
import { send } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { useTempDirs } from '../support/tempDirs';

const GIT_CONFIG = '[core]\n\trepositoryformatversion = 0\n';

describe('reliability: injection never writes inside a .git folder', function () {
  const daemon = useTestDaemon({ defaults: 'daemon' });
  let keyId: string;
  const temp = useTempDirs();
  let repo: string;

  before(async function () {
    keyId = (await createKey(daemon, { name: 'injected' })).key.id;
  });
  beforeEach(async function () {
    repo = await temp.make('repo');
    await mkdir(path.join(repo, '.git', 'hooks'), { recursive: true });
    await writeFile(path.join(repo, '.git', 'config'), GIT_CONFIG);
  });

  async function expectGitUntouched(): Promise<void> {
    assert.equal(await readFile(path.join(repo, '.git', 'config'), 'utf8'), GIT_CONFIG);
    assert.deepEqual((await readdir(path.join(repo, '.git'))).sort(), ['config', 'hooks']);
    assert.deepEqual(await readdir(path.join(repo, '.git', 'hooks')), []);
  }

  /** Refused with a 4xx on preview, write and create-with-inject (no key kept); nothing in .git changed. */
  async function expectRefused(workspace: string, file: string, path_ = 'core.secret'): Promise<void> {
    const target = { file, path: path_, value: 'secret', format: 'ini' };
    for (const route of ['/v1/inject/preview', '/v1/inject']) {
      const answer = await send(daemon, 'POST', route, { json: { keyId, workspace, targets: [target] } });
      expectApiError(answer, 400);
      assert.match(answer.body.error.message, /\.git/, `the refusal should say why: ${answer.body.error.message}`);
    }
    const keysBefore = await countKeys(daemon);
    const create = await send(daemon, 'POST', '/v1/keys', { json: { ...validKeyBody(), workspace, inject: [target] } });
    expectApiError(create, 400);
    assert.equal(await countKeys(daemon), keysBefore, 'a create whose injection was refused still stored a key');
    await expectGitUntouched();
    await expectStillServing(daemon);
  }

  it('refuses the .git folder itself as the workspace', async function () {
    await expectRefused(path.join(repo, '.git'), 'config');
  });

  it('refuses a folder inside .git as the workspace', async function () {
    await expectRefused(path.join(repo, '.git', 'hooks'), 'pre-commit');
  });

  it('refuses a workspace that is a symbolic link to .git', async function () {
    await symlink(path.join(repo, '.git'), path.join(repo, 'gitdir'));
    await expectRefused(path.join(repo, 'gitdir'), 'config');
  });

  it('refuses a new file in a folder that is a symbolic link into .git', async function () {
    await symlink(path.join(repo, '.git'), path.join(repo, 'settings'));
    await expectRefused(repo, 'settings/keys.ini');
  });

  it('refuses .git named in the target in any letter case', async function () {
    await expectRefused(repo, '.GIT/config');
  });

  it('still writes a file beside .git in the workspace', async function () {
    const answer = await send(daemon, 'POST', '/v1/inject', {
      json: { keyId, workspace: repo, targets: [{ file: 'app.ini', path: 'api.key', value: 'reference', format: 'ini' }] },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.match(await readFile(path.join(repo, 'app.ini'), 'utf8'), /key/);
    await expectGitUntouched();
  });
});
