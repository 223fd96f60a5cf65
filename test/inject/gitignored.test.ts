// The secret leak guard: a key written into a file that sits in a git work tree, untracked and not
// ignored, is written but flagged (gitIgnored false + a NOT_GITIGNORED warning), because the next
// `git add .` would commit it. Real temp repositories, real git.
import assert from 'node:assert/strict';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { applyInjection, previewInjection } from '../../daemon/inject';
import { gitignoreLine } from '../../common/gitignoreLine';
import { git, tempWorkspace, testMaterial, type TempWorkspace } from './support/workspace';

const material = testMaterial();
const secretAt = (file: string) => ({ file, path: 'API_KEY', value: 'secret' as const });

describe('injection: files git would pick up with "git add ."', function () {
  let ws: TempWorkspace;
  beforeEach(async function () {
    ws = await tempWorkspace();
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('writes a new .env in a repository without a .gitignore line, and warns with the line to add', async function () {
    git(ws.root, 'init', '-q');
    const [preview] = await previewInjection(ws.root, [secretAt('.env')], material);
    assert.equal(preview!.gitIgnored, false);
    assert.deepEqual(
      preview!.warnings?.map((w) => w.code),
      ['NOT_GITIGNORED'],
      'the preview already warns',
    );

    const [result] = await applyInjection(ws.root, [secretAt('.env')], material);
    assert.equal(await readFile(ws.at('.env'), 'utf8'), `API_KEY=${material.secret}\n`, 'the write still happens');
    assert.equal(result!.gitTracked, false);
    assert.equal(result!.gitIgnored, false);
    assert.equal(result!.warnings?.length, 1);
    assert.equal(result!.warnings![0]!.code, 'NOT_GITIGNORED');
    assert.match(result!.warnings![0]!.message, /"\.env" is in a git repository but not ignored/);
    assert.ok(result!.warnings![0]!.message.includes(`Add the line "/.env" to "${ws.at('.gitignore')}"`), result!.warnings![0]!.message);
    assert.equal(result!.warnings![0]!.gitignoreFile, ws.at('.gitignore'));
    assert.equal(result!.warnings![0]!.gitignoreLine, '/.env');
    assert.ok(!JSON.stringify(result).includes(material.secret), 'a warning quoted the secret');
  });

  it('reports an ignored file as gitIgnored, without a warning', async function () {
    git(ws.root, 'init', '-q');
    await ws.write('.gitignore', '.env\n');
    const [result] = await applyInjection(ws.root, [secretAt('.env')], material);
    assert.equal(result!.gitIgnored, true);
    assert.equal(result!.warnings, undefined);
  });

  it('does not warn outside a git repository', async function () {
    const [result] = await applyInjection(ws.root, [secretAt('.env')], material);
    assert.equal(result!.gitIgnored, false);
    assert.equal(result!.warnings, undefined);
  });

  it('does not add this warning to a tracked file written with force (that one is refused unless forced)', async function () {
    git(ws.root, 'init', '-q');
    await ws.write('.env', 'API_KEY=old\n');
    git(ws.root, 'add', '.env');
    const [result] = await applyInjection(ws.root, [secretAt('.env')], material, { force: true });
    assert.equal(result!.gitTracked, true);
    assert.equal(result!.gitIgnored, false);
    assert.equal(result!.warnings, undefined);
  });

  it('warns for a file in a sub-folder, and the suggested line really makes git ignore it', async function () {
    git(ws.root, 'init', '-q');
    await mkdir(ws.at('config'));
    const file = 'config/app[1] *.env';
    const [before] = await previewInjection(ws.root, [secretAt(file)], material);
    const warning = before!.warnings![0]!;
    assert.equal(warning.gitignoreLine, gitignoreLine(file));
    assert.equal(warning.gitignoreFile, ws.at('.gitignore'));
    await appendFile(warning.gitignoreFile!, `${warning.gitignoreLine}\n`);
    const [after] = await applyInjection(ws.root, [secretAt(file)], material);
    assert.equal(after!.gitIgnored, true);
    assert.equal(after!.warnings, undefined);
    await ws.write('config/app1 x.env', '');
    assert.equal(
      git(ws.root, 'status', '--porcelain', '--untracked-files=all')
        .trim()
        .split('\n')
        .filter((l) => l.includes('config/')).length,
      1,
      'the escaped line ignores only that file',
    );
  });
});

describe('injection: the .gitignore a warning names', function () {
  let ws: TempWorkspace;
  beforeEach(async function () {
    ws = await tempWorkspace();
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('is the top-level one of the repository holding the file, also when that repository is below the workspace', async function () {
    await mkdir(ws.at('service'));
    git(ws.at('service'), 'init', '-q');
    const [result] = await previewInjection(ws.root, [secretAt('service/.env')], material);
    assert.equal(result!.warnings![0]!.gitignoreFile, ws.at('service/.gitignore'));
    assert.equal(result!.warnings![0]!.gitignoreLine, '/.env');
  });

  it('is the top-level one of the repository when the workspace is a sub-folder of it', async function () {
    git(ws.root, 'init', '-q');
    await mkdir(ws.at('app'));
    const [result] = await previewInjection(ws.at('app'), [secretAt('.env')], material);
    assert.equal(result!.warnings![0]!.gitignoreFile, ws.at('.gitignore'));
    assert.equal(result!.warnings![0]!.gitignoreLine, '/app/.env');
  });
});

describe('gitignoreLine', function () {
  it('anchors the path and escapes git pattern characters and trailing spaces', function () {
    assert.equal(gitignoreLine('.env'), '/.env');
    assert.equal(gitignoreLine('config\\app.env'), '/config/app.env');
    assert.equal(gitignoreLine('a*b?[c].env '), '/a\\*b\\?\\[c\\].env\\ ');
  });
});
