// A small pool of worker threads, each running one call at a time. Workers start on first use (a
// daemon that never injects never starts one), stay for later calls, and are terminated by close(),
// which also ends a call stuck in a pathological file: terminate() stops a thread mid-computation,
// where no signal could reach a blocked main thread. A call still planning past its deadline is ended
// the same way (nothing is written before planning ends), so one such file cannot hold the queue of
// applies forever. A worker that dies fails only its own call; the next call starts a fresh one.
import { Worker } from 'node:worker_threads';
import { KeysmithError } from '../../errors';
import { rebuiltError, type InjectCall, type InjectReply } from './messages';

interface Pending {
  call: InjectCall;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
  idleTimer?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
}

export const closedError = () =>
  new KeysmithError('SHUTTING_DOWN', 'The daemon is stopping; nothing more is written. Try again once it has restarted.');

export const tooSlowError = (seconds: number) =>
  new KeysmithError(
    'INJECTION_TOO_SLOW',
    `Reading and planning the injection took over ${seconds} s, so it was stopped and nothing was written; a config file this large or unusual cannot be edited safely here. Edit it by hand.`,
  );

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly startWorker: () => Worker,
    private readonly size: number,
    /** An idle worker is ended after this long. */
    private readonly idleMs = 60_000,
    /** A call that has not started writing by then is ended with 422 INJECTION_TOO_SLOW. */
    private readonly deadlineMs = 120_000,
  ) {}

  run(operation: InjectCall['operation'], args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.waiting.push({ call: { id: this.nextId++, operation, args }, resolve, reject });
      this.dispatch();
    });
  }

  /** Threads alive now (idle or busy): what a test checks to see that close() left none behind. */
  get threads(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(closedError());
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      clearTimeout(slot.idleTimer);
      clearTimeout(slot.deadline);
      slot.busy?.reject(closedError());
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((candidate) => candidate.busy === undefined) ?? this.newSlot();
      if (!slot) return;
      const pending = this.waiting.shift()!;
      clearTimeout(slot.idleTimer);
      slot.busy = pending;
      slot.deadline = setTimeout(() => this.lose(slot, tooSlowError(Math.round(this.deadlineMs / 1000))), this.deadlineMs);
      slot.deadline.unref();
      slot.worker.postMessage(pending.call);
    }
  }

  private newSlot(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const slot: Slot = { worker: this.startWorker() };
    slot.worker.on('message', (reply: InjectReply) => {
      const pending = slot.busy;
      if (!pending || pending.call.id !== reply.id) return;
      clearTimeout(slot.deadline);
      if ('writing' in reply) return;
      slot.busy = undefined;
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(rebuiltError(reply.error));
      this.dispatch();
      if (slot.busy === undefined) this.retireWhenIdle(slot);
    });
    // An uncaught error or an exit (out of memory, a crash) ends this worker: its call fails with a
    // plain error (logged, answered 500 without details), and the slot is freed for a new worker.
    slot.worker.on('error', (error) => this.lose(slot, plainError(error)));
    slot.worker.on('exit', (code) => this.lose(slot, new Error(`The injection worker stopped (exit code ${code}).`)));
    this.slots.push(slot);
    return slot;
  }

  private retireWhenIdle(slot: Slot): void {
    slot.idleTimer = setTimeout(() => {
      const index = this.slots.indexOf(slot);
      if (index === -1 || slot.busy) return;
      this.slots.splice(index, 1);
      void slot.worker.terminate();
    }, this.idleMs);
    // A timer alone must not keep the process alive.
    slot.idleTimer.unref();
  }

  /** Ends a worker that died, or one whose call overran its deadline; its call fails with `error`. */
  private lose(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.idleTimer);
    clearTimeout(slot.deadline);
    slot.busy?.reject(error);
    slot.busy = undefined;
    void slot.worker.terminate();
    this.dispatch();
  }
}

/** A worker's own failure as a fresh Error: its name and message only, never an object from another thread. */
function plainError(error: Error): Error {
  return new Error(`${error.name}: ${error.message}`);
}
