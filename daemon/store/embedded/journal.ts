// store.journal: the changes made since store.json was last written, one line per batch
// (`{"seq":N,"changes":[...]}`), each appended and fsynced before its transacts resolve. A small append
// instead of rewriting a 6 MB snapshot per change. The file is private (0600) from its first byte.
//
// A failed append may leave part of its line (or, when only the fsync failed, all of it) in the file.
// That batch was refused, so its line must never be replayed: before anything else is appended, the
// file is put back to exactly its committed bytes (rewritten atomically from what is on disk).
import { writeFileAtomic } from '../secureFiles';
import { errnoCode, type StoreFileHandle, type StoreFs } from '../storeFs';

export const JOURNAL_FILE_NAME = 'store.journal';

export class Journal {
  private handle: StoreFileHandle | null = null;
  /** Bytes and lines of complete, acknowledged lines: the file's valid length (read them, never set them). */
  bytes = 0;
  lines = 0;
  /** Set after a failed append: the file may hold bytes past `bytes`. */
  private needsRepair = false;

  private constructor(
    private readonly fs: StoreFs,
    readonly file: string,
  ) {}

  /** Replaces whatever the file holds with an empty journal (atomically), then opens it for appending. */
  static async createEmpty(fs: StoreFs, file: string): Promise<Journal> {
    const journal = new Journal(fs, file);
    await journal.reset();
    return journal;
  }

  /** Appends one complete line ("...\n") durably; on failure the file is put back to its committed state. */
  async append(line: string): Promise<void> {
    if (this.needsRepair) await this.repair();
    try {
      const handle = await this.openHandle();
      await handle.writeFile(line);
      await handle.sync();
    } catch (error) {
      this.needsRepair = true;
      // Best effort now, so a crash right after cannot replay the refused line; retried before the next append.
      await this.repair().catch(() => undefined);
      throw error;
    }
    this.bytes += Buffer.byteLength(line);
    this.lines += 1;
  }

  /** After a snapshot holding every committed line was written: start an empty journal. */
  async reset(): Promise<void> {
    try {
      await writeFileAtomic(this.fs, this.file, '');
    } catch (error) {
      // The rename may have landed before the directory fsync failed: never append to the old inode
      // again; the next append first checks what the file really holds.
      await this.closeHandle();
      this.needsRepair = true;
      throw error;
    }
    await this.closeHandle();
    this.bytes = 0;
    this.lines = 0;
    this.needsRepair = false;
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  private async repair(): Promise<void> {
    let onDisk: Buffer;
    try {
      onDisk = await this.fs.readFile(this.file);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      onDisk = Buffer.alloc(0);
    }
    if (onDisk.length < this.bytes) {
      // Only a reset whose rename landed (after a snapshot holding every line) makes the file shorter.
      this.bytes = onDisk.length;
      this.lines = onDisk.toString('utf8').split('\n').length - 1;
    } else if (onDisk.length > this.bytes) {
      await writeFileAtomic(this.fs, this.file, onDisk.subarray(0, this.bytes));
    }
    await this.closeHandle(); // the next append opens the file that is now in place
    this.needsRepair = false;
  }

  private async openHandle(): Promise<StoreFileHandle> {
    if (this.handle) return this.handle;
    const handle = await this.fs.open(this.file, 'a', 0o600);
    this.handle = handle;
    return handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }
}
