// Shared by the store tests: temp data dirs, sample records, and a file system that records every call
// and can be told to fail like a full, read-only or forbidden disk.
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeStoreFs, type StoreFileHandle, type StoreFs } from '../../daemon/store/storeFs';
import type { KeyRecord, StoreData } from '../../daemon/store/types';

export async function makeTempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'keysmith-store-'));
}

export async function removeDir(dir: string): Promise<void> {
  await fsp.rm(dir, { recursive: true, force: true });
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

type FaultyOp = 'open' | 'write' | 'sync' | 'rename' | 'unlink';

export interface FsCall {
  op: FaultyOp | 'close' | 'readFile' | 'readdir' | 'stat' | 'link' | 'mkdir';
  path: string;
  flags?: string;
  mode?: number;
}

interface Fault {
  op: FaultyOp;
  code: string;
  when: (file: string) => boolean;
}

/** The real file system, with a log of calls and faults that persist until heal(). */
export class ScriptedFs implements StoreFs {
  readonly calls: FsCall[] = [];
  private faults: Fault[] = [];

  fail(op: FaultyOp, code: string, when: (file: string) => boolean = () => true): void {
    this.faults.push({ op, code, when });
  }

  heal(): void {
    this.faults = [];
  }

  count(op: FsCall['op'], when: (file: string) => boolean = () => true): number {
    return this.calls.filter((call) => call.op === op && when(call.path)).length;
  }

  private check(op: FaultyOp, file: string): void {
    this.calls.push({ op, path: file });
    const fault = this.faults.find((f) => f.op === op && f.when(file));
    if (fault) {
      throw Object.assign(new Error(`${fault.code}: simulated failure, ${op} '${file}'`), { code: fault.code });
    }
  }

  async open(file: string, flags: string, mode?: number): Promise<StoreFileHandle> {
    const fault = this.faults.find((f) => f.op === 'open' && f.when(file));
    this.calls.push({ op: 'open', path: file, flags, mode });
    if (fault) throw Object.assign(new Error(`${fault.code}: simulated failure, open '${file}'`), { code: fault.code });
    const handle = await nodeStoreFs.open(file, flags, mode);
    return {
      writeFile: async (data) => {
        this.check('write', file);
        await handle.writeFile(data);
      },
      sync: async () => {
        this.check('sync', file);
        await handle.sync();
      },
      close: async () => {
        this.calls.push({ op: 'close', path: file });
        await handle.close();
      },
    };
  }

  async rename(from: string, to: string): Promise<void> {
    this.check('rename', to);
    await nodeStoreFs.rename(from, to);
  }

  async unlink(file: string): Promise<void> {
    this.check('unlink', file);
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

  stat(file: string): Promise<{ mode: number; size: number }> {
    this.calls.push({ op: 'stat', path: file });
    return nodeStoreFs.stat(file);
  }

  link(existing: string, newPath: string): Promise<void> {
    this.calls.push({ op: 'link', path: newPath });
    return nodeStoreFs.link(existing, newPath);
  }

  mkdir(dir: string, options: { recursive: true; mode: number }): Promise<unknown> {
    this.calls.push({ op: 'mkdir', path: dir });
    return nodeStoreFs.mkdir(dir, options);
  }
}

export const isTemp = (file: string) => file.endsWith('.tmp');
