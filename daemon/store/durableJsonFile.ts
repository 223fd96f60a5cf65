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
   * The exact text of the file as last read or durably written (as slices): the state to return to
   * when a later write fails. Kept as text, not objects: no clone per write, only a parse on failure.
   */
  private durableJson: readonly string[] | null = null;

  constructor(
    readonly file: string,
    private readonly options: DurableJsonFileOptions<T>,
  ) {
    this.fs = options.fs ?? nodeStoreFs;
  }

  get lastDurableJson(): readonly string[] | null {
    return this.durableJson;
  }

  /** null when the file does not exist; throws StoreCorruptError when it exists but is unusable. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      // A byte-order mark (a hand edit in some Windows editors) is not damage: drop it.
      text = (await this.fs.readFile(this.file)).toString('utf8').replace(/^\uFEFF/, '');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    const value = await this.validate(text);
    this.durableJson = [text];
    return value;
  }

  /**
   * `retainText: false` drops the text once written (the journaled store rolls back without it, and a
   * 60 MB copy of the store is not worth keeping); lastDurableJson is then null until the next read.
   */
  async write(data: T, options: { retainText?: boolean } = {}): Promise<void> {
    const json = await stringifyInSlices(data);
    await writeFileAtomic(this.fs, this.file, json);
    this.durableJson = options.retainText === false ? null : json;
  }

  /** Drops the retained text (after the store copied it to its backup). */
  forgetText(): void {
    this.durableJson = null;
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
