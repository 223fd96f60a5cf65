// A file system for the store tests: the real one, with a log of every call, faults on demand (a full,
// read-only or forbidden disk) and pauses that hold a write in flight.
import * as path from 'node:path';
import { nodeStoreFs, type StoreFileHandle, type StoreFs } from '../../../daemon/store/storeFs';

type FaultyOp = 'open' | 'write' | 'sync' | 'rename' | 'unlink' | 'link';

export interface FsCall {
  op: FaultyOp | 'close' | 'readFile' | 'readdir' | 'stat' | 'mkdir';
  path: string;
  flags?: string;
  mode?: number;
}

interface Fault {
  op: FaultyOp;
  code: string;
  when: (file: string) => boolean;
  once: boolean;
}

interface Pause {
  op: FaultyOp;
  when: (file: string) => boolean;
  reached: () => void;
  released: Promise<void>;
}

/** The real file system, with a log of calls, injectable faults, and pauses to hold a write in flight. */
export class ScriptedFs implements StoreFs {
  readonly calls: FsCall[] = [];
  private faults: Fault[] = [];
  private pauses: Pause[] = [];

  /** Every matching call fails with `code` until heal(). */
  fail(op: FaultyOp, code: string, when: (file: string) => boolean = () => true): void {
    this.faults.push({ op, code, when, once: false });
  }

  /** The next matching call fails with `code`; later ones succeed. */
  failOnce(op: FaultyOp, code: string, when: (file: string) => boolean = () => true): void {
    this.faults.push({ op, code, when, once: true });
  }

  heal(): void {
    this.faults = [];
  }

  /**
   * Holds the next matching call until release() (faults apply after the pause). `reached` resolves
   * when the call arrives, so a test can act while that write is in flight.
   */
  pause(op: FaultyOp, when: (file: string) => boolean = () => true): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.pauses.push({ op, when, reached, released });
    return { reached: reachedPromise, release };
  }

  count(op: FsCall['op'], when: (file: string) => boolean = () => true): number {
    return this.calls.filter((call) => call.op === op && when(call.path)).length;
  }

  private async intercept(op: FaultyOp, file: string, extra: Partial<FsCall> = {}): Promise<void> {
    this.calls.push({ op, path: file, ...extra });
    const pause = this.pauses.find((p) => p.op === op && p.when(file));
    if (pause) {
      this.pauses.splice(this.pauses.indexOf(pause), 1);
      pause.reached();
      await pause.released;
    }
    const fault = this.faults.find((f) => f.op === op && f.when(file));
    if (fault) {
      if (fault.once) this.faults.splice(this.faults.indexOf(fault), 1);
      throw Object.assign(new Error(`${fault.code}: simulated failure, ${op} '${file}'`), { code: fault.code });
    }
  }

  async open(file: string, flags: string, mode?: number): Promise<StoreFileHandle> {
    await this.intercept('open', file, { flags, mode });
    const handle = await nodeStoreFs.open(file, flags, mode);
    return {
      writeFile: async (data) => {
        await this.intercept('write', file);
        await handle.writeFile(data);
      },
      sync: async () => {
        await this.intercept('sync', file);
        await handle.sync();
      },
      close: async () => {
        this.calls.push({ op: 'close', path: file });
        await handle.close();
      },
    };
  }

  async rename(from: string, to: string): Promise<void> {
    await this.intercept('rename', to);
    await nodeStoreFs.rename(from, to);
  }

  async unlink(file: string): Promise<void> {
    await this.intercept('unlink', file);
    await nodeStoreFs.unlink(file);
  }

  readFile(file: string): Promise<Buffer> {
    this.calls.push({ op: 'readFile', path: file });
    return nodeStoreFs.readFile(file);
  }

  readText(file: string): Promise<string> {
    this.calls.push({ op: 'readFile', path: file });
    return nodeStoreFs.readText(file);
  }

  readdir(dir: string): Promise<string[]> {
    this.calls.push({ op: 'readdir', path: dir });
    return nodeStoreFs.readdir(dir);
  }

  stat(file: string): Promise<{ mode: number; size: number; mtimeMs: number }> {
    this.calls.push({ op: 'stat', path: file });
    return nodeStoreFs.stat(file);
  }

  async link(existing: string, newPath: string): Promise<void> {
    await this.intercept('link', newPath);
    return nodeStoreFs.link(existing, newPath);
  }

  mkdir(dir: string, options: { recursive: true; mode: number }): Promise<unknown> {
    this.calls.push({ op: 'mkdir', path: dir });
    return nodeStoreFs.mkdir(dir, options);
  }
}

export const isTemp = (file: string) => file.endsWith('.tmp');

/** A test's files are in its temp dir: match calls on one of them by base name. */
export const named = (baseName: string) => (file: string) => path.basename(file) === baseName;
export const tempOf = (baseName: string) => (file: string) => path.basename(file).startsWith(`${baseName}.`) && isTemp(file);
