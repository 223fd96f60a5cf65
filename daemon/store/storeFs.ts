// The few fs/promises calls the store makes, behind an interface so tests can stand in a disk that
// fails (ENOSPC, EROFS, EACCES) without touching the real one. Production uses `nodeStoreFs`.
import * as fsp from 'node:fs/promises';

/** A whole file's content; a big JSON document comes as slices so it is never one giant string. */
export type FileContent = string | Uint8Array | readonly string[];

export interface StoreFileHandle {
  writeFile(data: FileContent): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** What an atomic, durable file write needs. */
export interface DurableFileFs {
  /** `flags` as fs.open takes them: a string ('wx') or O_* bits (to add O_NOFOLLOW). */
  open(path: string, flags: string | number, mode?: number): Promise<StoreFileHandle>;
  readFile(path: string): Promise<Buffer>;
  /** As UTF-8 text, decoded while read: no buffer of the whole file beside the text (60 MB at 100k keys). */
  readText(path: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ mode: number; size: number; mtimeMs: number }>;
}

/** What the whole store needs: the durable file plus the lock, listing and creating the data dir. */
export interface StoreFs extends DurableFileFs {
  readdir(path: string): Promise<string[]>;
  link(existing: string, newPath: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
}

export const nodeStoreFs: StoreFs = {
  open: async (path, flags, mode) => nodeFileHandle(await fsp.open(path, flags, mode)),
  readFile: (path) => fsp.readFile(path),
  readText: (path) => fsp.readFile(path, 'utf8'),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  readdir: (path) => fsp.readdir(path),
  link: (existing, newPath) => fsp.link(existing, newPath),
  stat: (path) => fsp.stat(path),
  mkdir: (path, options) => fsp.mkdir(path, options),
};

function nodeFileHandle(handle: fsp.FileHandle): StoreFileHandle {
  return {
    async writeFile(data) {
      if (typeof data === 'string' || data instanceof Uint8Array) return handle.writeFile(data);
      // Slice by slice: encoding one 60 MB string at once would block the event loop for ~50 ms.
      for (const slice of data) {
        const bytes = Buffer.from(slice, 'utf8');
        for (let offset = 0; offset < bytes.length;) {
          offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
        }
      }
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

/** The file's text, or null when there is no such file. */
export async function readTextIfExists(fs: Pick<DurableFileFs, 'readText'>, file: string): Promise<string | null> {
  try {
    return await fs.readText(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** The errno code of a Node fs error, if it has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
