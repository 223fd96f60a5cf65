// A lowdb adapter for a file that must survive crashes and never be readable by others: every write
// goes to a private temp file, is fsynced, renamed over the target, and the directory is fsynced.
// A file that exists but cannot be parsed or has the wrong shape is refused, never replaced.
import type { Adapter } from 'lowdb';
import { stringifyInSlices } from './chunkedJson';
import { StoreCorruptError, type CorruptionDetail } from './errors';
import { describeJsonSyntaxError } from './jsonSyntaxError';
import { writeFileAtomic } from './secureFiles';
import { errnoCode, nodeStoreFs, type DurableFileFs } from './storeFs';

export interface DurableJsonFileOptions<T> {
  /** Checks the parsed value; throws an Error whose message says what is wrong. */
  validate: (value: unknown) => T;
  /** Named in the corruption message as the copy to restore. */
  backupFile: string;
  fs?: DurableFileFs;
}

export class DurableJsonFile<T extends object> implements Adapter<T> {
  private readonly fs: DurableFileFs;
  /**
   * The file's exact content as last read (its bytes) or durably written (the JSON slices), until
   * forgetContent(): what the store copies to its backup once it has loaded.
   */
  private durableContent: Buffer | readonly string[] | null = null;

  constructor(
    readonly file: string,
    private readonly options: DurableJsonFileOptions<T>,
  ) {
    this.fs = options.fs ?? nodeStoreFs;
  }

  get lastDurableContent(): Buffer | readonly string[] | null {
    return this.durableContent;
  }

  /** null when the file does not exist; throws StoreCorruptError when it exists but is unusable. */
  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await this.fs.readFile(this.file);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    // A byte-order mark (a hand edit in some Windows editors) is not damage: drop it.
    const value = await this.validate(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    this.durableContent = bytes;
    return value;
  }

  /**
   * `retainContent: false` drops the text once written (a 60 MB copy of the store is not worth keeping
   * after each compaction); lastDurableContent is then null until the next read.
   */
  async write(data: T, options: { retainContent?: boolean } = {}): Promise<void> {
    const json = await stringifyInSlices(data);
    await writeFileAtomic(this.fs, this.file, json);
    this.durableContent = options.retainContent === false ? null : json;
  }

  /** Drops the retained content (after the store copied it to its backup). */
  forgetContent(): void {
    this.durableContent = null;
  }

  private async validate(text: string): Promise<T> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw await this.corrupt(describeJsonSyntaxError(text));
    }
    try {
      return this.options.validate(parsed);
    } catch (error) {
      throw await this.corrupt({ reason: error instanceof Error ? error.message : String(error) });
    }
  }

  private async corrupt(detail: CorruptionDetail): Promise<StoreCorruptError> {
    // Whether a backup exists decides the advice: restore it, or move the damaged file aside.
    const backupSavedAt = await this.fs.stat(this.options.backupFile).then(
      (stats) => new Date(stats.mtimeMs),
      () => undefined,
    );
    return new StoreCorruptError(this.file, detail, this.options.backupFile, backupSavedAt);
  }
}
