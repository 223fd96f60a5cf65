// File work must never stall verify: while the daemon injects into a file of several MB (seconds of
// parsing and planning), app servers' verify calls keep being answered. Judged by order, not by a
// clock: many verifies are answered, one after another, before the injection's answer arrives. On the
// main thread the parse would hold the event loop and nearly none would get through.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { WorkerInjector } from '../../daemon/inject/worker/workerInjector';
import { useTestDaemon } from '../support/hooks';
import { tempWorkspace, type TempWorkspace } from '../inject/support/workspace';

const FILE_BYTES = 1024 * 1024;
const parse = (text: string) => parseYaml(text) as Record<string, Record<string, string>>;
// One parse of this file takes over a second, so hundreds of verifies fit in; with the injection on the
// main thread only those slipping into its few awaits (file reads, the git check, fsync) got through: 19.
const VERIFIES_WHILE_INJECTING = 100;

/** A YAML file of many services, each with a quoted key and a long quoted value: slow to parse, as a big real one. */
function bigYaml(): { text: string; middle: string } {
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < FILE_BYTES) {
    const entry = `service_${n}:\n  url: "https://api-${n}.example/v1"\n  apiKey: "old-${n}"\n  notes: "${'x '.repeat(40)}"\n  tags: [a, b, c]\n`;
    parts.push(entry);
    size += entry.length;
    n++;
  }
  return { text: parts.join(''), middle: `service_${Math.floor(n / 2)}.apiKey` };
}

describe('reliability: file work never stalls verify', function () {
  this.timeout(60_000);
  const daemon = useTestDaemon({}, 'each');
  let ws: TempWorkspace;
  let target: string;
  let injectedKeyId: string;
  let verifyToken: string;
  let verifiedSecret: string;

  before(async function () {
    ws = await tempWorkspace();
    const yaml = bigYaml();
    target = yaml.middle;
    await ws.write('services.yaml', yaml.text);
    await ws.write('small.yaml', 'apiKey: old\n');
  });
  after(async function () {
    await ws.cleanup();
  });
  beforeEach(async function () {
    // A test key is retrievable: the daemon injects it from its sealed copy.
    injectedKeyId = (await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'injected' })).body.key.id;
    verifiedSecret = (await daemon.request('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'verified' })).body.secret
      .secret;
    verifyToken = (await daemon.request('POST', '/v1/tokens', { name: 'app server', role: 'verify' })).body.token;
  });

  const verify = () => daemon.request('POST', '/v1/verify', { key: verifiedSecret }, { token: verifyToken });
  const injectInto = (file: string, path: string, route = '/v1/inject') =>
    daemon.request('POST', route, { keyId: injectedKeyId, workspace: ws.root, targets: [{ file, path, value: 'secret' }] });

  it(`answers verify, one call after another, while a ${FILE_BYTES / 1024 ** 2} MB YAML file is injected`, async function () {
    // A first, tiny preview starts the worker, so what runs below is file work and nothing else.
    assert.equal((await injectInto('small.yaml', 'apiKey', '/v1/inject/preview')).status, 200);
    let injecting = true;
    const injection = injectInto('services.yaml', target).finally(() => (injecting = false));
    let answeredWhileInjecting = 0;
    while (injecting) {
      const answer = await verify();
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.valid, true);
      if (injecting) answeredWhileInjecting++;
    }
    const injected = await injection;
    assert.equal(injected.status, 200, injected.text);
    assert.equal(injected.body.results[0].changed, true);
    assert.match(await readFile(ws.at('services.yaml'), 'utf8'), /^ {2}apiKey: "[^"]{30,}"$/m, 'the secret was written');
    assert.ok(
      answeredWhileInjecting >= VERIFIES_WHILE_INJECTING,
      `only ${answeredWhileInjecting} verify calls were answered while the injection ran (expected at least ${VERIFIES_WHILE_INJECTING})`,
    );
  });

  it('stops promptly in the middle of an injection, leaving no worker thread behind and the file whole', async function () {
    const before = parse(await readFile(ws.at('services.yaml'), 'utf8'));
    const injection = injectInto('services.yaml', target).then(
      (answer) => answer.status,
      () => 'connection closed',
    );
    // The injection is under way once the pool has started its worker; a verify answered then proves the daemon is free.
    const injector = daemon.server.core.context.injector as WorkerInjector;
    while (injector.threads === 0) assert.equal((await verify()).status, 200);
    await daemon.stop();
    assert.equal(injector.threads, 0);
    // Answered, not left hanging: finished within the stop's grace (200), or cut by it (503 or the
    // connection closed). Either way the file is whole: every other value as before, the target either
    // its old value or the whole new secret, never half a write.
    const outcome = await injection;
    const after = parse(await readFile(ws.at('services.yaml'), 'utf8'));
    const [service, key] = target.split('.') as [string, string];
    const written = after[service]![key]!;
    if (outcome === 200) assert.match(written, /^\S{30,}$/, 'a 200 means the secret was written');
    else
      assert.ok(
        written === before[service]![key] || /^\S{30,}$/.test(written),
        `the target holds neither its old value nor a secret (${outcome})`,
      );
    after[service]![key] = before[service]![key]!;
    assert.deepEqual(after, before, 'only the target changed');
  });
});
