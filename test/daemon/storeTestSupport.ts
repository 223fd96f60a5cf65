// Shared by the store tests: temp data dirs, sample records, and a file system that records every call
// and can be told to fail like a full, read-only or forbidden disk.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLowdbStore } from '../../daemon/store/lowdbStore';
import { nodeStoreFs, type StoreFileHandle, type StoreFs } from '../../daemon/store/storeFs';
import type { KeyRecord, StoreData } from '../../daemon/store/types';

export async function makeTempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'keysmith-store-'));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
}

/**
 * What a restart would find on disk right now (store.json plus the journal replayed), read the way the
 * daemon reads it, from a copy of the files: as if the process had been killed at this instant.
 */
export async function durableState(dataDir: string): Promise<StoreData> {
  const copy = await copyStoreFiles(dataDir);
  try {
    const store = await openLowdbStore({
      dataDir: copy,
      initialData: () => {
        throw new Error(`no store.json in ${dataDir}`);
      },
    });
    const state = structuredClone(store.read());
    await store.close();
    return state;
  } finally {
    await removeDir(copy);
  }
}

/** A new temp dir holding copies of the store's files (what survives a kill -9). */
export async function copyStoreFiles(dataDir: string): Promise<string> {
  const copy = await makeTempDir();
  for (const name of ['store.json', 'store.json.bak', 'store.journal']) {
    await fsp.copyFile(path.join(dataDir, name), path.join(copy, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  return copy;
}

/** store.json parsed, without the journal seq it carries (to compare with a StoreData). */
export async function snapshotOnDisk(dataDir: string, name = 'store.json'): Promise<StoreData> {
  const { journalSeq, ...data } = JSON.parse(await fsp.readFile(path.join(dataDir, name), 'utf8')) as StoreData & { journalSeq?: number };
  assertSeq(journalSeq);
  return data;
}

function assertSeq(seq: unknown): void {
  if (!Number.isSafeInteger(seq)) throw new Error(`store.json has no journalSeq (got ${String(seq)})`);
}

export function emptyData(): StoreData {
  return { version: 1, services: [], keys: [], tokens: [] };
}

export function sampleKey(n: number, overrides: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: `key_${n}`,
    serviceId: 'svc_demo',
    environment: 'test',
    name: `Key ${n}`,
    reference: `ref_${n}`,
    hint: '1234',
    secretHash: n.toString(16).padStart(64, '0'),
    origin: 'generated',
    status: 'active',
    startsAt: '2026-01-01T00:00:00.000Z',
    permissions: ['read'],
    companies: [],
    ipAllowList: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'tester',
    updatedAt: '2026-01-01T00:00:00.000Z',
    useCount: 0,
    ...overrides,
  };
}

export function dataWithKeys(count: number): StoreData {
  return { ...emptyData(), keys: Array.from({ length: count }, (_, i) => sampleKey(i)) };
}

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
