// A disk that can be made to fail on demand, for the store's fs facade (daemon/store/storeFs.ts): the
// one thing the reliability suite stubs, because a real full or read-only disk cannot be arranged in a
// test. Reads always work; while a fault is set, writes fail the way the kernel fails them.
import type { StoreFileHandle, StoreFs } from '../../../daemon/store/storeFs';
import { nodeStoreFs } from '../../../daemon/store/storeFs';
import { constants } from 'node:fs';

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
  /**
   * Start failing writes with this error, or stop failing (undefined). With `onlyFiles`, only writes to
   * paths it accepts fail (e.g. just the audit log: a bad sector, or the disk filling between two writes).
   */
  setFault(fault: DiskFault | undefined, onlyFiles?: (path: string) => boolean): void;
  /** How many writes the fault refused. */
  readonly refused: number;
}

const isWriteFlag = (flags: string | number) =>
  typeof flags === 'number' ? (flags & (constants.O_WRONLY | constants.O_RDWR)) !== 0 : /[wa+]/.test(flags);

export function faultyDisk(): FaultyDisk {
  let activeFault: DiskFault | undefined;
  let affects: (path: string) => boolean = () => true;
  let refused = 0;
  const faultFor = (path: string) => (activeFault && affects(path) ? activeFault : undefined);
  const refuse = (fault: DiskFault, syscall: string, path: string) => {
    refused++;
    return faultError(fault, syscall, path);
  };
  const wrapHandle = (handle: StoreFileHandle, path: string): StoreFileHandle => ({
    // ENOSPC shows up when data is written or flushed; EROFS/EACCES on an already open file too.
    writeFile: async (data) => {
      const fault = faultFor(path);
      if (fault) throw refuse(fault, 'write', path);
      return handle.writeFile(data);
    },
    sync: async () => {
      const fault = faultFor(path);
      if (fault === 'ENOSPC') throw refuse(fault, 'fsync', path);
      return handle.sync();
    },
    close: () => handle.close(),
  });
  const fs: StoreFs = {
    ...nodeStoreFs,
    async open(path, flags, mode) {
      // A full disk still lets a file be created (an inode is free); read-only and no-permission do not.
      const fault = faultFor(path);
      if (fault && fault !== 'ENOSPC' && isWriteFlag(flags)) throw refuse(fault, 'open', path);
      return wrapHandle(await nodeStoreFs.open(path, flags, mode), path);
    },
    async rename(from, to) {
      const fault = faultFor(to);
      if (fault && fault !== 'ENOSPC') throw refuse(fault, 'rename', to);
      return nodeStoreFs.rename(from, to);
    },
    async link(existing, newPath) {
      const fault = faultFor(newPath);
      if (fault) throw refuse(fault, 'link', newPath);
      return nodeStoreFs.link(existing, newPath);
    },
    async mkdir(path, options) {
      // Like the kernel, a recursive mkdir of a folder that exists writes nothing and cannot fail.
      const fault = faultFor(path);
      const exists = await nodeStoreFs.stat(path).then(
        () => true,
        () => false,
      );
      if (fault && !exists) throw refuse(fault, 'mkdir', path);
      return nodeStoreFs.mkdir(path, options);
    },
  };
  return {
    fs,
    setFault: (next, onlyFiles) => {
      activeFault = next;
      affects = onlyFiles ?? (() => true);
    },
    get refused() {
      return refused;
    },
  };
}
