// A lowdb adapter for a file that must survive crashes and never be readable by others: every write
// goes to a private temp file, is fsynced, renamed over the target, and the directory is fsynced.
// A file that exists but cannot be parsed or has the wrong shape is refused, never replaced.
import type { Adapter } from 'lowdb';
import { stringifyInSlices } from './chunkedJson';
import { StoreCorruptError, type CorruptionDetail } from './errors';
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
   * The exact text of the file as last read or durably written: the state to return to when a later
   * write fails. Kept as text (not objects) so it costs no clone per write, only a parse on failure.
   */
  lastDurableText: string | null = null;

  constructor(
    readonly file: string,
    private readonly options: DurableJsonFileOptions<T>,
  ) {
    this.fs = options.fs ?? nodeStoreFs;
  }

  /** null when the file does not exist; throws StoreCorruptError when it exists but is unusable. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = (await this.fs.readFile(this.file)).toString('utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    const value = await this.validate(text);
    this.lastDurableText = text;
    return value;
  }

  async write(data: T): Promise<void> {
    const text = await stringifyInSlices(data);
    await writeFileAtomic(this.fs, this.file, text);
    this.lastDurableText = text;
  }

  /** A fresh copy of the last durable state, for rolling back after a failed write. */
  parseLastDurable(): T {
    if (this.lastDurableText === null) throw new Error(`${this.file} has not been read or written yet.`);
    return JSON.parse(this.lastDurableText) as T;
  }

  private async validate(text: string): Promise<T> {
    let parsed: unknown;
    try {
      if (text.trim() === '') throw new SyntaxError(`the file is empty (${Buffer.byteLength(text)} bytes)`);
      parsed = JSON.parse(text);
    } catch (error) {
      throw await this.corrupt(describeSyntaxError(error, text));
    }
    try {
      return this.options.validate(parsed);
    } catch (error) {
      throw await this.corrupt({ reason: error instanceof Error ? error.message : String(error) });
    }
  }

  private async corrupt(detail: CorruptionDetail): Promise<StoreCorruptError> {
    // Whether a backup exists decides the advice: restore it, or move the damaged file aside.
    const backupExists = await this.fs.stat(this.options.backupFile).then(
      () => true,
      () => false,
    );
    return new StoreCorruptError(this.file, detail, this.options.backupFile, backupExists);
  }
}

/**
 * V8 says "... in JSON at position N", "Unexpected end of JSON input", or quotes the start of the text
 * ('Unexpected token 'x', "..." is not valid JSON'). The quote could hold a hash or sealed secret, so it
 * is dropped; a position becomes a line and column.
 */
function describeSyntaxError(error: unknown, text: string): CorruptionDetail {
  const message = error instanceof Error ? error.message : String(error);
  let reason = message.replace(/ in JSON at position \d+.*$/s, '');
  if (/is not valid JSON$/.test(message)) reason = 'it is not JSON (unexpected character)';
  if (/^Unexpected end of JSON input/.test(message)) reason = 'the JSON ends too early (truncated file?)';
  const reported = /position (\d+)/.exec(message)?.[1];
  const charOffset = reported !== undefined ? Number(reported) : /end of JSON/.test(message) ? text.length : undefined;
  if (charOffset === undefined) return { reason };
  const before = text.slice(0, charOffset);
  const line = before.split('\n').length;
  const column = charOffset - before.lastIndexOf('\n');
  return { reason, position: { offset: Buffer.byteLength(before), line, column } };
}
