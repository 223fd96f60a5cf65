// The daemon's injector: the entry points of daemon/inject, run in a worker thread pool so that file
// work (read, parse, plan, write) never blocks the event loop that serves verify. Same signatures, same
// results, same errors as calling daemon/inject directly. The key store is never touched here: the
// core keeps every transactional step on the main thread and hands this only paths, targets and
// material.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Injector } from '../../core/context';
import type { Environment, InjectResult, InjectTarget } from '../../protocol';
import type { InjectOptions, PlannedTarget } from '../index';
import type { InjectMaterial } from '../targetChanges';
import { WorkerPool } from './workerPool';

export interface WorkerInjector extends Injector {
  /** Worker threads alive now. */
  readonly threads: number;
  /** Terminates every worker; calls still running fail with 503 SHUTTING_DOWN. */
  close(): Promise<void>;
}

// Two workers: a preview can run while an apply writes, and one pathological file holds one worker,
// not every injection. More would only take cores from verify on a small machine.
const POOL_SIZE = 2;

/**
 * Bundled (dist/daemon.js), the worker is dist/injectWorker.js beside it. From the TypeScript sources
 * (tests run through tsx), the worker is injectWorker.ts, which needs tsx's loader in its own thread.
 */
function startInjectWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(path.join(__dirname, 'injectWorker.js'));
  const source = path.join(__dirname, 'injectWorker.ts');
  const loader = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(source)});`, { eval: true });
}

export function createWorkerInjector(size = POOL_SIZE): WorkerInjector {
  const pool = new WorkerPool(startInjectWorker, size);
  // One apply at a time, daemon-wide: two requests must never interleave their check-then-write on
  // the same file, and with several workers the queue inside daemon/inject is per thread.
  let applying: Promise<unknown> = Promise.resolve();
  return {
    get threads() {
      return pool.threads;
    },
    previewInjection: (workspace: string, targets: PlannedTarget[], material: InjectMaterial, options?: InjectOptions) =>
      pool.run('previewInjection', [workspace, targets, material, options]) as Promise<InjectResult[]>,
    applyInjection(workspace: string, targets: PlannedTarget[], material: InjectMaterial, options?: InjectOptions) {
      const run = () => pool.run('applyInjection', [workspace, targets, material, options]) as Promise<InjectResult[]>;
      const result = applying.then(run, run);
      applying = result.catch(() => undefined);
      return result;
    },
    mappedTargets: (workspace: string, serviceId: string, environment: Environment) =>
      pool.run('mappedTargets', [workspace, serviceId, environment]) as Promise<InjectTarget[]>,
    close: () => pool.close(),
  };
}
