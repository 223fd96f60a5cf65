// A lowdb adapter for a file that must survive crashes and never be readable by others: every write
// goes to a private temp file, is fsynced, renamed over the target, and the directory is fsynced.
// A file that exists but cannot be parsed or has the wrong shape is refused, never replaced.
import type { Adapter } from 'lowdb';
import { stringifyInSlices } from './chunkedJson';
import { StoreCorruptError, type CorruptionDetail } from '../errors';
import { describeJsonSyntaxError } from './jsonSyntaxError';
import { writeFileAtomic } from '../secureFiles';
import { nodeStoreFs, readTextIfExists, type DurableFileFs } from '../storeFs';

export interface DurableJsonFileOptions<T> {
  /** Checks the parsed value; throws an Error whose message says what is wrong. */
  validate: (value: unknown) => T;
  /** Named in the corruption message as the copy to restore. */
  backupFile: string;
  fs?: DurableFileFs;
}

export class DurableJsonFile<T extends object> implements Adapter<T> {
  private readonly fs: DurableFileFs;

  constructor(
    readonly file: string,
    private readonly options: DurableJsonFileOptions<T>,
  ) {
    this.fs = options.fs ?? nodeStoreFs;
  }

  /** null when the file does not exist; throws StoreCorruptError when it exists but is unusable. */
  async read(): Promise<T | null> {
    const text = await readTextIfExists(this.fs, this.file);
    if (text === null) return null;
    // The text is not kept past the parse (at 100k keys it is 60 MB).
    const parsed = parseJson(text);
    if ('syntaxError' in parsed) throw await this.corrupt(parsed.syntaxError);
    try {
      return this.options.validate(parsed.value);
    } catch (error) {
      throw await this.corrupt({ reason: error instanceof Error ? error.message : String(error) });
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.fs, this.file, await stringifyInSlices(data));
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

function parseJson(text: string): { value: unknown } | { syntaxError: CorruptionDetail } {
  // A byte-order mark (a hand edit in some Windows editors) is not damage: drop it.
  const json = text.replace(/^\uFEFF/, '');
  try {
    return { value: JSON.parse(json) };
  } catch {
    return { syntaxError: describeJsonSyntaxError(json) };
  }
}
