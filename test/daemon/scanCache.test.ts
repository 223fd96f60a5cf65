// keysmith scan's blob cache (.git/keysmith-scan-cache): a repeated scan skips files git reports
// unchanged, and must never miss a key because of it.
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateSecret } from '../../daemon/keys/keyFormat';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

describe('keysmith scan blob cache (real git repository, no daemon)', function () {
  this.timeout(30_000);
  let repo: string;
  let noDaemon: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' });
  const scan = (...args: string[]) =>
    new Promise<{ code: number; findings: Array<{ file: string; line: number }> }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'scan', '--json', ...args],
        { cwd: repo, env: { ...GIT_ENV, KEYSMITH_DATA_DIR: noDaemon } },
        (error, stdout) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, findings: JSON.parse(stdout).findings });
        },
      );
    });
  const cacheFile = () => path.join(repo, '.git', 'keysmith-scan-cache');

  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'keysmith-cache-repo-'));
    noDaemon = await mkdtemp(path.join(tmpdir(), 'keysmith-cache-nodaemon-'));
    git('init', '-q');
    for (let i = 0; i < 20; i += 1) await writeFile(path.join(repo, `f${i}.conf`), `setting.${i} = value\n`);
    git('add', '.');
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
    await rm(noDaemon, { recursive: true, force: true });
  });

  it('finds a key written into a file the cache knows as clean, modified or staged', async () => {
    assert.deepEqual((await scan()).findings, []);
    const cached = await readFile(cacheFile(), 'utf8');
    assert.equal(cached.trim().split('\n').length, 1 + 20, 'a header and the 20 clean blobs');
    const key = generateSecret('cmc', 'production');
    await writeFile(path.join(repo, 'f3.conf'), `setting.3 = value\nkey = ${key}\n`);
    const modified = await scan();
    assert.equal(modified.code, 2);
    assert.deepEqual(
      modified.findings.map((f) => [f.file, f.line]),
      [['f3.conf', 2]],
    );
    git('add', 'f3.conf');
    assert.deepEqual(
      (await scan()).findings.map((f) => [f.file, f.line]),
      [['f3.conf', 2]],
    );
    assert.ok(!(await readFile(cacheFile(), 'utf8')).includes(key.slice(0, 12)));
  });

  it("finds a key in a file restored to a clean blob's content only when it truly has it", async () => {
    await scan();
    // Same bytes as the clean blob: git says unmodified, and the cache is right to skip it.
    await writeFile(path.join(repo, 'f1.conf'), 'setting.1 = value\n');
    assert.deepEqual((await scan()).findings, []);
  });

  it('ignores a cache written by another version, and keeps it after scanning some paths only', async () => {
    await writeFile(cacheFile(), 'keysmith-scan-cache v0\nnot-a-blob\n');
    await writeFile(path.join(repo, 'f5.conf'), `k=${generateSecret('pay', 'test')}\n`);
    git('add', '.');
    assert.deepEqual(
      (await scan()).findings.map((f) => f.file),
      ['f5.conf'],
    );
    const full = await readFile(cacheFile(), 'utf8');
    assert.match(full, /^keysmith-scan-cache v1\n/);
    await scan('f1.conf');
    assert.equal((await readFile(cacheFile(), 'utf8')).split('\n').length, full.split('\n').length, 'a partial scan forgets nothing');
  });
});
