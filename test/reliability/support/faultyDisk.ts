// A disk that can be made to fail on demand, for the store's fs facade (daemon/store/storeFs.ts): the
// one thing the reliability suite stubs, because a real full or read-only disk cannot be arranged in a
// test. Reads always work; while a fault is set, writes fail the way the kernel fails them.
import type { StoreFileHandle, StoreFs } from '../../../daemon/store/storeFs';
import { nodeStoreFs } from '../../../daemon/store/storeFs';

export type DiskFault = 'ENOSPC' | 'EROFS' | 'EACCES';

const MESSAGES: Record<DiskFault, string> = {
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

function faultError(fault: DiskFault, syscall: string, path?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${fault}: ${MESSAGES[fault]}, ${syscall}${path ? ` '${path}'` : ''}`);
  error.code = fault;
  error.syscall = syscall;
  if (path) error.path = path;
  return error;
}

export interface FaultyDisk {
  fs: StoreFs;
  /** Start failing writes with this error, or stop failing (undefined). */
  setFault(fault: DiskFault | undefined): void;
  /** How many writes the fault refused. */
  readonly refused: number;
}

const isWriteFlag = (flags: string) => /[wa+]/.test(flags);

export function faultyDisk(): FaultyDisk {
  let fault: DiskFault | undefined;
  let refused = 0;
  const refuse = (syscall: string, path?: string) => {
    refused++;
    return faultError(fault!, syscall, path);
  };
  const wrapHandle = (handle: StoreFileHandle, path: string): StoreFileHandle => ({
    // ENOSPC shows up when data is written or flushed; EROFS/EACCES on an already open file too.
    writeFile: async (data) => {
      if (fault) throw refuse('write', path);
      return handle.writeFile(data);
    },
    sync: async () => {
      if (fault === 'ENOSPC') throw refuse('fsync', path);
      return handle.sync();
    },
    close: () => handle.close(),
  });
  const fs: StoreFs = {
    ...nodeStoreFs,
    async open(path, flags, mode) {
      // A full disk still lets a file be created (an inode is free); read-only and no-permission do not.
      if (fault && fault !== 'ENOSPC' && isWriteFlag(flags)) throw refuse('open', path);
      return wrapHandle(await nodeStoreFs.open(path, flags, mode), path);
    },
    async rename(from, to) {
      if (fault && fault !== 'ENOSPC') throw refuse('rename', to);
      return nodeStoreFs.rename(from, to);
    },
    async link(existing, newPath) {
      if (fault) throw refuse('link', newPath);
      return nodeStoreFs.link(existing, newPath);
    },
    async mkdir(path, options) {
      if (fault) throw refuse('mkdir', path);
      return nodeStoreFs.mkdir(path, options);
    },
  };
  return {
    fs,
    setFault: (next) => (fault = next),
    get refused() {
      return refused;
    },
  };
}
