// A config file's bytes as text and back, byte-exactly: UTF-8 when the bytes are valid UTF-8,
// otherwise Latin-1 (e.g. a Java .properties file), whose one-byte-per-character mapping is lossless.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KeysmithError } from '../errors';
import { shownName } from './targetFile';

export type TextEncoding = 'utf8' | 'latin1';

export interface FileText {
  text: string;
  encoding: TextEncoding;
  /** SHA-256 hex of the bytes on disk (of zero bytes for a file not created yet). */
  hash: string;
}

/** Larger files are not config files; refusing them keeps a preview answer bounded. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function readFileText(real: string, exists: boolean, file: string): Promise<FileText> {
  const bytes = exists ? await readFile(real) : Buffer.alloc(0);
  if (bytes.length > MAX_FILE_BYTES) {
    throw new KeysmithError(
      'INVALID_TARGET',
      `The target "${shownName(file)}" is larger than 16 MiB; that is not a config file Keysmith edits.`,
      { file: shownName(file) },
    );
  }
  const hash = sha256Hex(bytes);
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8', hash };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1', hash };
  }
}

export function encodeText(text: string, encoding: TextEncoding, file: string): Buffer {
  if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) {
    throw new KeysmithError(
      'UNREPRESENTABLE_VALUE',
      `The target "${shownName(file)}" is not UTF-8 and the new value has characters its encoding cannot hold.`,
      { file: shownName(file) },
    );
  }
  return Buffer.from(text, encoding);
}

/** The hash a file has right now, a missing file counting as empty (as when it was planned). */
export async function currentHash(real: string): Promise<string> {
  try {
    return sha256Hex(await readFile(real));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return sha256Hex(Buffer.alloc(0));
    throw error;
  }
}
