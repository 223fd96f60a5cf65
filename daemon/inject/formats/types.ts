// The contract every config-format writer follows: a pure function from the file's text and one
// change to the new text. Writers never see the file system and never quote the file's content in
// an error — an old secret may sit anywhere in it.
import type { YamlDocumentSelector } from '../../protocol';

export interface ValueChange {
  /** Segments of the path, or a variable name / dotted path as the user wrote it. */
  path: string[] | string;
  value: string;
  /** Multi-document YAML only: which document the path is in. */
  document?: YamlDocumentSelector;
}

export type ConfigWriter = (text: string, change: ValueChange) => string;

/** The input does not parse. Carries where (1-based) and why, never the offending text. */
export class FormatError extends Error {
  constructor(
    readonly format: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${format} does not parse at line ${line}, column ${column}: ${reason}`);
    this.name = 'FormatError';
  }
}

/** The file parses, but the path cannot hold a value there (e.g. it runs through a string). */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** The value contains characters the format has no way to write (e.g. a newline in INI). */
export class UnrepresentableValueError extends Error {
  constructor(format: string, what: string) {
    super(`The value cannot be written to ${format}: it contains ${what}.`);
    this.name = 'UnrepresentableValueError';
  }
}
