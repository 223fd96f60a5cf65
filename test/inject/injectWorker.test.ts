// The worker pool behind the daemon's injector: answers and refusals cross the thread boundary
// unchanged, nothing secret crosses in an unexpected error, a dying worker fails only its own call,
// and close() ends even a worker stuck in endless work.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { KeysmithError } from '../../daemon/errors';
import { statusOf } from '../../daemon/http/errorStatus';
import * as inProcess from '../../daemon/inject';
import { rebuiltError, sendableError, type InjectOperation } from '../../daemon/inject/worker/messages';
import { createWorkerInjector } from '../../daemon/inject/worker/workerInjector';
import { INJECTION_PRIORITY, lowerThisThreadPriority } from '../../daemon/inject/worker/threadPriority';
import { WorkerPool } from '../../daemon/inject/worker/workerPool';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { startDaemonProcess } from '../support/childDaemon';
import { send } from '../support/http';
import { testMaterial as material, tempWorkspace, type TempWorkspace } from './support/workspace';

/**
 * A stand-in worker: echoes its first argument; exits on "exit"; spins forever on "spin"; on "write",
 * says it has started writing, then works for 1.5 s (past the 1 s deadline below) before answering.
 */
const STAND_IN = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (call) => {
  if (call.operation === 'exit') process.exit(3);
  if (call.operation === 'spin') for (;;);
  if (call.operation === 'write') {
    parentPort.postMessage({ id: call.id, writing: true });
    const end = Date.now() + 1500;
    while (Date.now() < end);
  }
  parentPort.postMessage({ id: call.id, ok: true, value: call.args[0] });
});`;
const standIn = () => new Worker(STAND_IN, { eval: true });
const op = (name: string) => name as InjectOperation;
// Long enough for a stand-in worker to start on a busy machine.
const DEADLINE_MS = 1_000;

describe('injection worker pool', function () {
  describe('the daemon injector (real worker)', function () {
    let ws: TempWorkspace;
    const injector = createWorkerInjector();
    before(async function () {
      ws = await tempWorkspace();
      await ws.write('.env', 'A=1\n');
    });
    after(async function () {
      await injector.close();
      await ws.cleanup();
    });

    it('returns the same results as the in-process entry points', async function () {
      const m = material();
      const targets = [{ file: '.env', path: 'API_KEY', value: 'secret' as const }];
      assert.deepEqual(await injector.previewInjection(ws.root, targets, m), await inProcess.previewInjection(ws.root, targets, m));
    });

    it('refuses with the same KeysmithError (status, code, message, details) as the in-process entry points', async function () {
      const targets = [{ file: '../outside/.env', path: 'API_KEY', value: 'secret' as const }];
      const direct = await inProcess.previewInjection(ws.root, targets, material()).then(
        () => undefined,
        (error: unknown) => error,
      );
      const viaWorker = await injector.previewInjection(ws.root, targets, material()).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(direct instanceof KeysmithError && viaWorker instanceof KeysmithError);
      assert.deepEqual(
        [statusOf(viaWorker), viaWorker.code, viaWorker.message, viaWorker.details],
        [statusOf(direct), direct.code, direct.message, direct.details],
      );
    });
  });

  it('runs in the built daemon too: dist/daemon.js injects through dist/injectWorker.js (npm run build first)', async function () {
    const ws = await tempWorkspace();
    await ws.write('.env', 'A=1\n');
    const daemon = await startDaemonProcess(ws.outside);
    // A failed call shows what the daemon printed: a crash would be there.
    const call = (method: string, path: string, body?: unknown) =>
      send(daemon, method, path, { json: body }).catch((error: Error) =>
        assert.fail(`${method} ${path}: ${error.message}; daemon output:\n${daemon.output()}`),
      );
    try {
      const keyId = (await call('POST', '/v1/keys', { serviceId: 'cloudmc', environment: 'test', name: 'bundled' })).body.key.id;
      const injected = await call('POST', '/v1/inject', {
        keyId,
        workspace: ws.root,
        targets: [{ file: '.env', path: 'API_KEY', value: 'secret' }],
      });
      assert.equal(injected.status, 200, injected.text);
      assert.match(await readFile(ws.at('.env'), 'utf8'), /^A=1\nAPI_KEY=\S{30,}\n$/);
    } finally {
      daemon.child.kill('SIGTERM');
      assert.equal((await daemon.exited).code, 0, daemon.output());
      await ws.cleanup();
    }
  });

  it('runs file work below the priority of the event loop that serves verify (Linux: per-thread nice)', async function () {
    if (process.platform !== 'linux') {
      assert.equal(lowerThisThreadPriority(), undefined, 'without /proc/thread-self nothing is changed');
      return;
    }
    /** Thread id -> nice value of every thread of this process. */
    const niceByThread = () =>
      new Map(
        readdirSync('/proc/self/task').map((id) => {
          const stat = readFileSync(`/proc/self/task/${id}/stat`, 'utf8');
          return [id, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
        }),
      );
    const before = niceByThread();
    const mainPriority = getPriority();
    const injector = createWorkerInjector(1);
    const ws = await tempWorkspace();
    try {
      await ws.write('.env', 'A=1\n');
      await injector.previewInjection(ws.root, [{ file: '.env', path: 'API_KEY', value: 'secret' }], material());
      const started = [...niceByThread()].filter(([id]) => !before.has(id));
      assert.ok(
        started.some(([, nice]) => nice === INJECTION_PRIORITY),
        `new threads and their nice values: ${JSON.stringify(started)}`,
      );
      assert.equal(getPriority(), mainPriority, 'the main thread keeps its priority');
    } finally {
      await injector.close();
      await ws.cleanup();
    }
  });

  it("tells an apply's caller when planning is over and writing starts, and never for a refused apply", async function () {
    const ws = await tempWorkspace();
    try {
      await ws.write('.env', 'A=1\n');
      const seen: string[] = [];
      const onWriting = () => seen.push(readFileSync(ws.at('.env'), 'utf8'));
      await inProcess.applyInjection(ws.root, [{ file: '.env', path: 'API_KEY', value: 'secret' }], material(), { onWriting });
      assert.deepEqual(seen, ['A=1\n'], 'called once, before the file was written');
      await assert.rejects(
        inProcess.applyInjection(ws.root, [{ file: '../outside/.env', path: 'API_KEY', value: 'secret' }], material(), { onWriting }),
      );
      assert.equal(seen.length, 1);
    } finally {
      await ws.cleanup();
    }
  });

  it('masks every secret of the call out of an unexpected error before it leaves the worker', function () {
    const m = material();
    const leaky = new TypeError(`cannot read "${m.secret}" near ${m.authorization}`);
    const sent = sendableError(leaky, [m.secret, m.authorization]);
    const rebuilt = rebuiltError(sent);
    assert.equal(rebuilt.name, 'TypeError');
    assert.ok(!JSON.stringify(sent).includes(m.secret), 'secret in message or stack');
    assert.match(rebuilt.message, /cannot read "\*\*\*\*"/);
  });

  it('fails only the call of a worker that dies, and serves the next call with a new worker', async function () {
    const pool = new WorkerPool(standIn, 1);
    try {
      await assert.rejects(pool.run(op('exit'), []), /exit code 3/);
      assert.equal(await pool.run(op('echo'), ['still here']), 'still here');
    } finally {
      await pool.close();
    }
  });

  it('ends a worker that stays idle, and starts a new one for the next call', async function () {
    const pool = new WorkerPool(standIn, 1, 20);
    try {
      assert.equal(await pool.run(op('echo'), ['first']), 'first');
      while (pool.threads > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await pool.run(op('echo'), ['second']), 'second');
      assert.equal(pool.threads, 1);
    } finally {
      await pool.close();
    }
  });

  it('ends a call still planning past its deadline with 422 INJECTION_TOO_SLOW, and serves the next call', async function () {
    const pool = new WorkerPool(standIn, 1, 60_000, DEADLINE_MS);
    try {
      await assert.rejects(
        pool.run(op('spin'), []),
        (error: unknown) => error instanceof KeysmithError && statusOf(error) === 422 && error.code === 'INJECTION_TOO_SLOW',
      );
      assert.equal(pool.threads, 0, 'the stuck worker was ended');
      assert.equal(await pool.run(op('echo'), ['next']), 'next');
    } finally {
      await pool.close();
    }
  });

  it('lets a call that has started writing finish, past its deadline', async function () {
    const pool = new WorkerPool(standIn, 1, 60_000, DEADLINE_MS);
    try {
      assert.equal(await pool.run(op('write'), ['written']), 'written');
    } finally {
      await pool.close();
    }
  });

  it('close() ends a worker stuck in endless work and refuses its call and later ones with 503 SHUTTING_DOWN', async function () {
    const pool = new WorkerPool(standIn, 2);
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'answered',
        (error: unknown) => (error instanceof KeysmithError ? `${statusOf(error)} ${error.code}` : String(error)),
      );
    const calls = [pool.run(op('spin'), []), pool.run(op('spin'), []), pool.run(op('echo'), ['waits for a free worker'])].map(outcome);
    assert.equal(pool.threads, 2, 'never more workers than the pool size');
    await pool.close();
    assert.equal(pool.threads, 0);
    calls.push(outcome(pool.run(op('echo'), ['after close'])));
    assert.deepEqual(await Promise.all(calls), Array(4).fill('503 SHUTTING_DOWN'));
  });
});
