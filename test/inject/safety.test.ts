// Every refusal of an injection leaves the file's bytes and mode exactly as they were, and writes
// nothing anywhere else; the writes that are allowed are atomic and keep the file's mode.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { applyInjection, previewInjection, type PlannedTarget } from '../../daemon/inject';
import { KeysmithError } from '../../daemon/errors';
import { statusOf } from '../../daemon/http/errorStatus';
import { fileState, git, tempWorkspace, testMaterial, type TempWorkspace } from './support/workspace';

const material = testMaterial();

async function expectRefused(run: () => Promise<unknown>, status: number, code: string, naming?: string): Promise<KeysmithError> {
  let caught: unknown;
  await run().catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof KeysmithError, `expected a KeysmithError, got ${String(caught)}`);
  assert.equal(statusOf(caught), status, caught.message);
  assert.equal(caught.code, code, caught.message);
  if (naming) assert.ok(caught.message.includes(naming), `message should name ${naming}: ${caught.message}`);
  assert.ok(!caught.message.includes(material.secret), 'a refusal quoted the secret');
  return caught;
}

describe('injection safety', function () {
  let ws: TempWorkspace;
  beforeEach(async function () {
    ws = await tempWorkspace();
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  /** Both entry points refuse, and the watched files keep bytes and mode. */
  async function refusedBoth(targets: PlannedTarget[], status: number, code: string, watched: string[], naming?: string) {
    const before = await Promise.all(watched.map(fileState));
    const outsideBefore = (await readdir(ws.outside)).sort();
    await expectRefused(() => previewInjection(ws.root, targets, material), status, code, naming);
    await expectRefused(() => applyInjection(ws.root, targets, material), status, code, naming);
    assert.deepEqual(await Promise.all(watched.map(fileState)), before);
    assert.deepEqual((await readdir(ws.outside)).sort(), outsideBefore, 'something was written outside the workspace');
  }

  const secretAt = (file: string, p = 'API_KEY'): PlannedTarget => ({ file, path: p, value: 'secret' });

  it('refuses a path climbing out with ".." even when it would land back inside', async function () {
    const victim = await ws.write('.env', 'API_KEY=old\n', 0o640);
    await refusedBoth([secretAt('../outside/victim.env')], 400, 'INVALID_TARGET', [victim], '../outside/victim.env');
    await refusedBoth([secretAt('config/../.env')], 400, 'INVALID_TARGET', [victim], 'config/../.env');
    assert.deepEqual(await readdir(ws.outside), []);
  });

  it('refuses an absolute path and a path with a NUL byte', async function () {
    const victim = await ws.write('.env', 'API_KEY=old\n', 0o600);
    await refusedBoth([secretAt(victim)], 400, 'INVALID_TARGET', [victim], victim);
    await refusedBoth([secretAt('.env\0.txt')], 400, 'INVALID_TARGET', [victim], '.env.txt');
  });

  it('refuses a symlink to a file outside, and a symlinked folder leading outside', async function () {
    const outsideFile = path.join(ws.outside, 'victim.env');
    await writeFile(outsideFile, 'API_KEY=outside\n');
    await symlink(outsideFile, ws.at('link.env'));
    await symlink(ws.outside, ws.at('linked'));
    await refusedBoth([secretAt('link.env')], 400, 'INVALID_TARGET', [outsideFile], 'link.env');
    await refusedBoth([secretAt('linked/victim.env')], 400, 'INVALID_TARGET', [outsideFile], 'linked/victim.env');
    await refusedBoth([secretAt('linked/new.env')], 400, 'INVALID_TARGET', [outsideFile], 'linked/new.env');
    assert.deepEqual(await readdir(ws.outside), ['victim.env']);
  });

  it('refuses a file inside .git, directly or through a symlink', async function () {
    git(ws.root, 'init', '-q');
    const config = ws.at('.git/config');
    await symlink('.git/config', ws.at('git.ini'));
    await refusedBoth([secretAt('.git/config', 'core.key')], 400, 'INVALID_TARGET', [config], '.git/config');
    await refusedBoth([secretAt('git.ini', 'core.key')], 400, 'INVALID_TARGET', [config], 'git.ini');
  });

  it('refuses a dangling symlink and creates nothing where it points', async function () {
    await symlink(path.join(ws.outside, 'created.env'), ws.at('app.env'));
    await refusedBoth([secretAt('app.env')], 400, 'INVALID_TARGET', [], 'app.env');
    assert.deepEqual(await readdir(ws.outside), []);
  });

  it('refuses a directory, a FIFO and a file in a missing folder', async function () {
    await mkdir(ws.at('config.env'));
    execFileSync('mkfifo', [ws.at('pipe.env')]);
    await refusedBoth([secretAt('config.env')], 400, 'INVALID_TARGET', [], 'config.env');
    await refusedBoth([secretAt('pipe.env')], 400, 'INVALID_TARGET', [], 'pipe.env');
    await refusedBoth([secretAt('missing/dir/.env')], 400, 'INVALID_TARGET', [], 'missing/dir/.env');
    assert.ok((await stat(ws.at('pipe.env'))).isFIFO());
  });

  it('refuses a workspace that is not an existing absolute folder', async function () {
    await expectRefused(() => applyInjection('relative/ws', [secretAt('.env')], material), 400, 'INVALID_WORKSPACE');
    await expectRefused(() => applyInjection(path.join(ws.root, 'nope'), [secretAt('.env')], material), 400, 'INVALID_WORKSPACE');
  });

  it('refuses a file git tracks, saying how to ignore it, and writes it with force', async function () {
    git(ws.root, 'init', '-q');
    await mkdir(ws.at('config'));
    const tracked = await ws.write('config/app.env', 'API_KEY=old\n', 0o640);
    git(ws.root, 'add', 'config/app.env');
    git(ws.root, 'commit', '-qm', 'config');
    const error = await expectRefused(
      () => applyInjection(ws.root, [secretAt('config/app.env')], material),
      409,
      'TRACKED_BY_GIT',
      'config/app.env',
    );
    assert.match(error.message, /\.gitignore/);
    assert.match(error.message, /git rm --cached -- "config\/app\.env"/);
    await refusedBoth([secretAt('config/app.env')], 409, 'TRACKED_BY_GIT', [tracked]);

    const [result] = await applyInjection(ws.root, [secretAt('config/app.env')], material, { force: true });
    assert.equal(result!.gitTracked, true);
    assert.equal(result!.changed, true);
    assert.equal(await readFile(tracked, 'utf8'), `API_KEY=${material.secret}\n`);
    assert.equal((await stat(tracked)).mode & 0o7777, 0o640);
  });

  it('writes an ignored file in a repository and reports it as not tracked', async function () {
    git(ws.root, 'init', '-q');
    await ws.write('.gitignore', '.env\n');
    await ws.write('.env', 'API_KEY=old\n');
    const [result] = await applyInjection(ws.root, [secretAt('.env')], material);
    assert.equal(result!.gitTracked, false);
    assert.equal(await readFile(ws.at('.env'), 'utf8'), `API_KEY=${material.secret}\n`);
  });

  it('refuses with 409 FILE_CHANGED when the file no longer has the previewed hash', async function () {
    const file = await ws.write('.env', 'API_KEY=old\n', 0o600);
    const [preview] = await previewInjection(ws.root, [secretAt('.env')], material);
    assert.match(preview!.hash!, /^[0-9a-f]{64}$/);
    await ws.write('.env', 'API_KEY=old\nDEBUG=1\n', 0o600);
    await refusedBoth([{ ...secretAt('.env'), expectedHash: preview!.hash! }], 409, 'FILE_CHANGED', [file], '.env');
    assert.equal(await readFile(file, 'utf8'), 'API_KEY=old\nDEBUG=1\n');
  });

  it('writes when the expected hash still matches', async function () {
    await ws.write('.env', 'API_KEY=old\n');
    const [preview] = await previewInjection(ws.root, [secretAt('.env')], material);
    await applyInjection(ws.root, [{ ...secretAt('.env'), expectedHash: preview!.hash! }], material);
    assert.equal(await readFile(ws.at('.env'), 'utf8'), `API_KEY=${material.secret}\n`);
  });

  it('refuses an unparsable file with line and column, quoting none of it', async function () {
    const oldSecret = `ks_${'test'}_previousvalue0000000000000000000000`;
    const file = await ws.write('app.yaml', `apiKey: "${oldSecret}\nnext: [\n`, 0o644);
    const error = await expectRefused(
      () => applyInjection(ws.root, [secretAt('app.yaml', 'apiKey')], material),
      400,
      'UNPARSABLE_FILE',
      'app.yaml',
    );
    assert.match(error.message, /line \d+, column \d+/);
    assert.ok(!error.message.includes(oldSecret) && !JSON.stringify(error.details).includes(oldSecret));
    await refusedBoth([secretAt('app.yaml', 'apiKey')], 400, 'UNPARSABLE_FILE', [file]);
  });

  it('refuses every target when one is refused: nothing is written', async function () {
    const good = await ws.write('.env', 'API_KEY=old\n');
    const bad = await ws.write('bad.json', '{ "a": ', 0o600);
    await refusedBoth([secretAt('.env'), secretAt('bad.json', 'a')], 400, 'UNPARSABLE_FILE', [good, bad]);
  });

  it('refuses an unknown format, authorization for a scheme without one, and a pair without referencePath', async function () {
    const file = await ws.write('notes.txt', 'x\n');
    await refusedBoth([secretAt('notes.txt')], 400, 'UNKNOWN_FORMAT', [file], 'notes.txt');
    const env = await ws.write('.env', 'A=1\n');
    const noHeader = { reference: material.reference, secret: material.secret };
    await expectRefused(
      () => applyInjection(ws.root, [{ file: '.env', path: 'A', value: 'authorization' }], noHeader),
      400,
      'NO_AUTHORIZATION',
    );
    await refusedBoth([{ file: '.env', path: 'A', value: 'pair' }], 400, 'INVALID_TARGET', [env]);
  });

  it('keeps the mode of an existing file, creates new files 0600 and leaves no temp file behind', async function () {
    await ws.write('shared.env', 'API_KEY=old\n', 0o644);
    await applyInjection(ws.root, [secretAt('shared.env'), secretAt('new.env')], material);
    assert.equal((await stat(ws.at('shared.env'))).mode & 0o7777, 0o644);
    assert.equal((await stat(ws.at('new.env'))).mode & 0o7777, 0o600);
    assert.deepEqual((await readdir(ws.root)).sort(), ['new.env', 'shared.env']);
    assert.equal(await readFile(ws.at('new.env'), 'utf8'), `API_KEY=${material.secret}\n`);
  });

  it('writes through a symlink inside the workspace into the real file, leaving the link a link', async function () {
    await mkdir(ws.at('real'));
    await ws.write('real/app.env', 'API_KEY=old\n', 0o640);
    await symlink('real/app.env', ws.at('app.env'));
    await applyInjection(ws.root, [secretAt('app.env')], material);
    assert.equal(await readFile(ws.at('real/app.env'), 'utf8'), `API_KEY=${material.secret}\n`);
    assert.ok((await lstat(ws.at('app.env'))).isSymbolicLink());
  });
});
