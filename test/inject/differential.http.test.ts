// The differential suite end to end: a sample of its cases sent to a real daemon's POST /v1/inject
// must leave on disk exactly what the writer gives (and the judge passed), or be refused with the
// same 4xx and the file untouched. Multi-document YAML, the mapping-file cap and a pathological
// TOML key go through the daemon too.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestDaemon, type TestDaemon } from '../support/inProcessDaemon';
import { fixtureFiles, peerFiles, type CorpusFile } from './support/differential/corpus';
import { judgeFile, type Judged } from './support/differential/judge';
import { tempWorkspace, type TempWorkspace } from './support/workspace';

/** The two smallest files of each format, and every fixture: enough variety, little time. */
function sample(): CorpusFile[] {
  const peers = peerFiles() ?? [];
  const formats = [...new Set(peers.map((f) => f.format))];
  const smallest = formats.flatMap((format) =>
    peers
      .filter((f) => f.format === format)
      .sort((a, b) => a.text.length - b.text.length)
      .slice(0, 2),
  );
  return [...smallest, ...fixtureFiles()];
}

/** Per file: the first replacement and the first creation the HTTP API can name (one document, no dotted key). */
function pick(judged: Judged[]): Judged[] {
  const nameable = judged.filter((j) => j.case.document === undefined && j.case.path.every((s) => !s.includes('.') && s.length > 0));
  return [
    nameable.find((j) => j.case.kind === 'replace'),
    nameable.find((j) => j.case.kind !== 'replace'),
    nameable.find((j) => j.outcome.kind === 'refused'),
  ].filter((j): j is Judged => j !== undefined);
}

describe('differential injection through the daemon', function () {
  this.timeout(5 * 60_000);
  let daemon: TestDaemon;
  let ws: TempWorkspace;
  let keyId: string;
  let secret: string;
  before(async function () {
    daemon = await startTestDaemon();
    const created = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'differential' });
    assert.equal(created.status, 201, created.text);
    keyId = created.body.key.id;
    secret = created.body.secret.secret;
  });
  after(async function () {
    await daemon.stop();
  });
  beforeEach(async function () {
    ws = await tempWorkspace();
  });
  afterEach(async function () {
    await ws.cleanup();
  });

  it('writes on disk what the judged writer gives, or refuses with the same 4xx and leaves the file alone', async function () {
    let sent = 0;
    for (const file of sample()) {
      const name = path.basename(file.name);
      for (const { case: c, outcome } of pick(judgeFile(file, secret))) {
        await ws.write(name, Buffer.from(file.text, 'utf8'));
        const answer = await daemon.request('POST', '/v1/inject', {
          keyId,
          workspace: ws.root,
          targets: [{ file: name, format: file.format, path: c.path.join('.'), value: 'secret' }],
        });
        const onDisk = await readFile(ws.at(name), 'utf8');
        const what = `${file.name} ${c.kind} ${c.path.join('.')}`;
        assert.ok(!answer.text.includes(secret), `${what}: the answer holds the secret`);
        if (outcome.kind === 'applied') {
          assert.equal(answer.status, 200, `${what}: ${answer.text}`);
          assert.ok(onDisk === outcome.after, `${what}: the file differs from the judged writer output`);
        } else {
          assert.equal(outcome.kind, 'refused', `${what}: judged wrong`);
          assert.equal(answer.status, 400, `${what}: ${answer.text}`);
          assert.equal(answer.body.error.code, outcome.code);
          assert.ok(onDisk === file.text, `${what}: a refused write changed the file`);
        }
        sent++;
      }
    }
    // Fixtures alone give a dozen or so; with the peer corpus, two files of each format more.
    assert.ok(sent >= (peerFiles() ? 30 : 12), `only ${sent} cases went through the daemon`);
  });

  describe('multi-document YAML, through .vscode/keysmith.json', function () {
    const spring = () => fixtureFiles().find((f) => f.name === 'yaml/spring-profiles.yml')!.text;
    const mapping = (target: Record<string, unknown>) =>
      JSON.stringify({
        mappings: [{ serviceId: 'cloudmc', environment: 'production', targets: [{ file: 'application.yml', value: 'secret', ...target }] }],
      });
    const create = () =>
      daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'production', name: 'spring', workspace: ws.root });

    beforeEach(async function () {
      await mkdir(ws.at('.vscode'));
      await ws.write('application.yml', spring());
    });

    it('writes the prod profile picked by key and value; the other documents keep every byte', async function () {
      await ws.write(
        '.vscode/keysmith.json',
        mapping({ path: 'payline.access-key', document: { 'spring.config.activate.on-profile': 'prod' } }),
      );
      const created = await create();
      assert.equal(created.status, 201, created.text);
      const docs = (await readFile(ws.at('application.yml'), 'utf8')).split('\n---\n');
      const before = spring().split('\n---\n');
      assert.deepEqual([docs[0], docs[2]], [before[0], before[2]]);
      assert.equal(docs[1], before[1]!.replace('access-key: replace-me', `access-key: ${created.body.secret.secret}`));
    });

    it('takes "document" in a POST /v1/inject target too, and writes only that document', async function () {
      const key = await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'spring direct' });
      const target = {
        file: 'application.yml',
        path: 'payline.access-key',
        value: 'secret',
        document: { 'spring.config.activate.on-profile': 'prod' },
      };
      const injected = await daemon.request('POST', '/v1/inject', { keyId: key.body.key.id, workspace: ws.root, targets: [target] });
      assert.equal(injected.status, 200, injected.text);
      const docs = (await readFile(ws.at('application.yml'), 'utf8')).split('\n---\n');
      const before = spring().split('\n---\n');
      assert.deepEqual([docs[0], docs[2]], [before[0], before[2]]);
      assert.equal(docs[1], before[1]!.replace('access-key: replace-me', `access-key: ${key.body.secret.secret}`));
    });

    it('refuses a file of several documents without "document", and a selector matching none, with 400', async function () {
      for (const target of [
        { path: 'payline.access-key' },
        { path: 'payline.access-key', document: { 'spring.config.activate.on-profile': 'staging' } },
        { path: 'x', document: 7 },
      ]) {
        await ws.write('.vscode/keysmith.json', mapping(target));
        const created = await create();
        assert.equal(created.status, 400, created.text);
        assert.equal(created.body.error.code, 'INVALID_PATH');
        assert.match(created.body.error.message, /YAML document/);
        assert.equal(await readFile(ws.at('application.yml'), 'utf8'), spring());
      }
    });

    it('refuses "document" on a file that is not YAML', async function () {
      await ws.write('.env', 'A=1\n');
      await ws.write('.vscode/keysmith.json', mapping({ file: '.env', path: 'A', document: 0 }));
      const created = await create();
      assert.equal(created.status, 400, created.text);
      assert.equal(created.body.error.code, 'INVALID_TARGET');
    });
  });

  it('refuses a mapping file of 4,000 targets with 400 naming the cap', async function () {
    await mkdir(ws.at('.vscode'));
    const targets = Array.from({ length: 4000 }, (_, i) => ({ file: '.env', path: `K${i}`, value: 'secret' }));
    await ws.write('.vscode/keysmith.json', JSON.stringify({ mappings: [{ serviceId: 'cloudmc', environment: 'test', targets }] }));
    const started = Date.now();
    const created = await daemon.request('POST', '/v1/keys', {
      serviceId: 'cloudmc',
      environment: 'test',
      name: 'many',
      workspace: ws.root,
    });
    assert.equal(created.status, 400, created.text);
    assert.equal(created.body.error.code, 'INVALID_MAPPINGS');
    assert.match(created.body.error.message, /more than 200 targets/);
    assert.ok(Date.now() - started < 5000, 'the refusal took seconds');
  });

  it('answers 400, not 500, for a TOML file with a key of 20,000 dotted segments', async function () {
    const deep = Array.from({ length: 20_000 }, (_, i) => `k${i}`).join('.');
    await ws.write('Cargo.toml', `${deep} = "x"\n`);
    const answer = await daemon.request('POST', '/v1/inject', {
      keyId,
      workspace: ws.root,
      targets: [{ file: 'Cargo.toml', path: 'api_key', value: 'secret' }],
    });
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.body.error.code, 'INVALID_PATH');
    assert.match(answer.body.error.message, /more than 256 levels/);
  });
});
