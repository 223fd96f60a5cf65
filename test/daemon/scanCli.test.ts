// `keysmith scan` and `keysmith hooks install` (dist/cli.js) in real git repositories against a real
// daemon process: what a developer relies on before a key reaches a commit.
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { checksumOf } from '../../common/keyChecksum';
import type { KeyCreated } from '../../daemon/protocol';
import { startDaemonProcess, type RunningDaemon } from '../support/childDaemon';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
type Run = { code: number; stdout: string; stderr: string };

// Commits need an identity; the user's own git config (hooksPath, templates) must not leak in.
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: GIT_ENV, encoding: 'utf8', stdio: 'pipe' });
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: { ...GIT_ENV, KEYSMITH_DATA_DIR: '', ...env }, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('keysmith scan (CLI, real git repository, real daemon)', function () {
  this.timeout(30_000);
  let dataDir: string;
  let daemon: RunningDaemon;
  let repo: string;
  const keysmith = (cwd: string, ...args: string[]) => run(process.execPath, [CLI, ...args, '--data-dir', dataDir], cwd);
  const createKey = async (name: string, serviceId = 'cloudmc', env = 'production') => {
    const created = await keysmith(repo, 'keys', 'create', '--service', serviceId, '--env', env, '--name', name, '--json');
    assert.equal(created.code, 0, created.stderr);
    return JSON.parse(created.stdout) as KeyCreated;
  };
  const noSecretIn = (result: Run, ...secrets: string[]) => {
    for (const secret of secrets) assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), 'a secret was printed');
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'keysmith-scan-data-'));
    daemon = await startDaemonProcess(dataDir);
  });
  after(async () => {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'keysmith-scan-repo-'));
    git(repo, 'init', '-q');
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('lists each key in tracked and addable files with file, line, name and state, skips git-ignored files, and exits 2', async () => {
    const billing = await createKey('billing');
    const local = await createKey('local only');
    await mkdir(path.join(repo, 'config'));
    await writeFile(path.join(repo, 'config/app.json'), `{\n  "cloudmc": {\n    "key": "${billing.secret.secret}"\n  }\n}\n`);
    await writeFile(path.join(repo, '.gitignore'), '.env\n');
    await writeFile(path.join(repo, '.env'), `CLOUDMC_KEY=${local.secret.secret}\n`);
    await writeFile(path.join(repo, 'notes.txt'), `old: ${billing.secret.secret}\n`);
    git(repo, 'add', 'config', '.gitignore');
    const result = await keysmith(repo, 'scan');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stdout, /config\/app\.json:3:13\s+billing\s+cloudmc\s+production\s+active\s+\*{4}\w{4}\s+tracked\s+BLOCKED/);
    assert.match(result.stdout, /notes\.txt:1:6\s+billing\s+cloudmc\s+production\s+active\s+\*{4}\w{4}\s+untracked\s+BLOCKED/);
    assert.ok(!result.stdout.includes('.env'), 'a git-ignored file is not walked');
    assert.match(result.stderr, /2 live Keysmith keys in files git tracks, has staged or would add/);
    noSecretIn(result, billing.secret.secret, local.secret.secret);
  });

  it('scans a git-ignored file named on the command line without blocking, and passes for a revoked key', async () => {
    const revoked = await createKey('retired');
    assert.equal((await keysmith(repo, 'keys', 'revoke', revoked.key.id)).code, 0);
    await writeFile(path.join(repo, '.gitignore'), '.env\n');
    await writeFile(path.join(repo, '.env'), `A=${revoked.secret.secret}\n`);
    await writeFile(path.join(repo, 'app.env'), `A=${revoked.secret.secret}\n`);
    git(repo, 'add', '.');
    const named = await keysmith(repo, 'scan', '.env', '--json');
    assert.equal(named.code, 0, named.stderr);
    const report = JSON.parse(named.stdout);
    assert.deepEqual(
      report.findings.map((f: any) => [f.file, f.git, f.state, f.key.name, f.blocks]),
      [['.env', 'ignored', 'revoked', 'retired', false]],
    );
    const all = await keysmith(repo, 'scan');
    assert.equal(all.code, 0, 'a revoked key can never verify again: it does not block');
    assert.match(all.stdout, /app\.env:1:3\s+retired\s+cloudmc\s+production\s+revoked\s+\S+\s+tracked\s+ok/);
  });

  it('--staged scans the staged blobs, not the working tree', async () => {
    const staged = await createKey('staged');
    const unstaged = await createKey('unstaged');
    await writeFile(path.join(repo, 'settings.yaml'), `key: ${staged.secret.secret}\n`);
    git(repo, 'add', 'settings.yaml');
    // The working tree no longer holds the key, but the commit would: the index is what counts.
    await writeFile(path.join(repo, 'settings.yaml'), `key: ${unstaged.secret.secret}\n`);
    const result = await keysmith(repo, 'scan', '--staged', '--json');
    assert.equal(result.code, 2);
    assert.deepEqual(
      JSON.parse(result.stdout).findings.map((f: any) => [f.file, f.line, f.git, f.key.name, f.state]),
      [['settings.yaml', 1, 'staged', 'staged', 'active']],
    );
    noSecretIn(result, staged.secret.secret, unstaged.secret.secret);
  });

  it('still reports the keys, as "unknown", when no daemon runs, and says so (KEYSMITH_DATA_DIR)', async () => {
    const key = await createKey('orphan', 'payline', 'test');
    await writeFile(path.join(repo, 'kit.properties'), `payline.key=${key.secret.secret}\n`);
    git(repo, 'add', '.');
    const empty = await mkdtemp(path.join(tmpdir(), 'keysmith-scan-nodaemon-'));
    try {
      const result = await run(process.execPath, [CLI, 'scan'], repo, { KEYSMITH_DATA_DIR: empty });
      assert.equal(result.code, 2, 'an unknown Keysmith key blocks: nothing says it is dead');
      assert.match(result.stdout, /kit\.properties:1:13\s+\(daemon unreachable\)\s+pay\s+test\s+unknown/);
      assert.match(result.stderr, /could not ask the daemon .* "unknown": No Keysmith daemon runs for /);
      noSecretIn(result, key.secret.secret);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('names a Keysmith key of another store "not in this store", and ignores look-alikes with a bad checksum', async () => {
    const key = await createKey('real');
    const otherStore = key.secret.secret.replace(/^cmc_/, 'zzz_').slice(0, -6);
    const lookalike = `${key.secret.secret.slice(0, -1)}${key.secret.secret.endsWith('A') ? 'B' : 'A'}`;
    await writeFile(path.join(repo, 'a.txt'), `${lookalike}\n`);
    git(repo, 'add', '.');
    assert.equal((await keysmith(repo, 'scan')).code, 0, 'a wrong checksum is not a key');
    await writeFile(path.join(repo, 'b.txt'), `${otherStore}${checksumOf(otherStore)}\n`);
    const result = await keysmith(repo, 'scan', '--json');
    assert.equal(result.code, 2);
    assert.deepEqual(
      JSON.parse(result.stdout).findings.map((f: any) => [f.file, f.prefix, f.state, f.key]),
      [['b.txt', 'zzz', 'unknown', undefined]],
    );
  });

  it('skips binary files and files over 10 MiB, and says which large files it skipped', async () => {
    const key = await createKey('hidden');
    await writeFile(path.join(repo, 'image.bin'), Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(key.secret.secret)]));
    await writeFile(path.join(repo, 'dump.sql'), `${'x'.repeat(10 * 1024 * 1024)}\n${key.secret.secret}\n`);
    git(repo, 'add', '.');
    const result = await keysmith(repo, 'scan');
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /No Keysmith keys in 2 files\.\nSkipped 1 binary and 1 over 10 MiB \(dump\.sql\) file\(s\)\./);
  });

  it('walks the given folder outside a git repository and never blocks there', async () => {
    const key = await createKey('loose');
    const plain = await mkdtemp(path.join(tmpdir(), 'keysmith-scan-plain-'));
    try {
      await mkdir(path.join(plain, 'deep/er'), { recursive: true });
      await writeFile(path.join(plain, 'deep/er/x.ini'), `[api]\nkey = ${key.secret.secret}\n`);
      const result = await keysmith(plain, 'scan', 'deep', '--json');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        JSON.parse(result.stdout).findings.map((f: any) => [f.file, f.line, f.column, f.git, f.state]),
        [[path.join('deep', 'er', 'x.ini'), 2, 7, 'outside', 'active']],
      );
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });

  it("--gitleaks-config prints a gitleaks TOML rule for this store's prefixes that matches its keys", async () => {
    const result = await keysmith(repo, 'scan', '--gitleaks-config');
    assert.equal(result.code, 0, result.stderr);
    const config = parseToml(result.stdout) as any;
    assert.equal(config.extend.useDefault, true);
    const [rule] = config.rules;
    assert.equal(rule.id, 'keysmith-api-key');
    assert.ok(rule.keywords.includes('pay_live_') && rule.keywords.includes('cmc_test_'));
    const pattern = new RegExp(rule.regex);
    for (const [service, env] of [
      ['payline', 'production'],
      ['cloudmc', 'test'],
      ['ingeneo', 'test'],
    ] as const) {
      assert.ok(pattern.test(`KEY=${(await createKey('gl', service, env)).secret.secret}`), service);
    }
    assert.ok(!pattern.test('KEY=abc_live_short'));
  });
});

describe('keysmith hooks install (CLI, real git repository)', function () {
  this.timeout(30_000);
  let repo: string;
  let dataDir: string;
  let daemon: RunningDaemon;
  const keysmith = (...args: string[]) => run(process.execPath, [CLI, ...args, '--data-dir', dataDir], repo);
  const hook = () => path.join(repo, '.git/hooks/pre-commit');

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'keysmith-hook-data-'));
    daemon = await startDaemonProcess(dataDir);
  });
  after(async () => {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'keysmith-hook-repo-'));
    git(repo, 'init', '-q');
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('installs an executable pre-commit hook that refuses a commit carrying a live key and lets a revoked one through', async () => {
    const installed = await keysmith('hooks', 'install');
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal((await stat(hook())).mode & 0o111, 0o111);
    const created = JSON.parse(
      (await keysmith('keys', 'create', '--service', 'ingeneo', '--env', 'production', '--name', 'payroll', '--json')).stdout,
    ) as KeyCreated;
    await writeFile(path.join(repo, 'appsettings.json'), `{ "Ingeneo": { "ApiKey": "${created.secret.secret}" } }\n`);
    git(repo, 'add', '.');
    const refused = await run('git', ['commit', '-q', '-m', 'leak'], repo);
    assert.notEqual(refused.code, 0, 'the commit went through');
    assert.match(refused.stdout + refused.stderr, /appsettings\.json:1:\d+\s+payroll\s+ingeneo\s+production\s+active/);
    assert.throws(() => git(repo, 'rev-parse', 'HEAD'), 'no commit was made');
    assert.equal((await keysmith('keys', 'revoke', created.key.id)).code, 0);
    const allowed = await run('git', ['commit', '-q', '-m', 'revoked key only'], repo);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('is idempotent, and replaces a hook it did not write only with --force, keeping a backup', async () => {
    assert.equal((await keysmith('hooks', 'install')).code, 0);
    const first = await readFile(hook(), 'utf8');
    const again = await keysmith('hooks', 'install');
    assert.match(again.stdout, /already installed/);
    assert.equal(await readFile(hook(), 'utf8'), first);
    const foreign = '#!/bin/sh\necho lint\n';
    await writeFile(hook(), foreign, { mode: 0o755 });
    const refused = await keysmith('hooks', 'install');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists and was not written by Keysmith; nothing changed.*--force/);
    assert.equal(await readFile(hook(), 'utf8'), foreign);
    const forced = await keysmith('hooks', 'install', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await readFile(hook(), 'utf8'), first);
    assert.equal(await readFile(`${hook()}.keysmith-backup`, 'utf8'), foreign);
  });

  it('refuses outside a git repository', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'keysmith-hook-plain-'));
    try {
      const result = await run(process.execPath, [CLI, 'hooks', 'install'], plain, { GIT_CEILING_DIRECTORIES: path.dirname(plain) });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /must run inside a git repository/);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
