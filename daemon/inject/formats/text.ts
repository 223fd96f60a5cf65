// Small text facts shared by the writers: BOM, line endings, positions and path segments.
import { PathError } from './types';

const BOM = '\uFEFF';

/** Splits a leading byte-order mark off so writers work on the bare text; `restore` puts it back. */
export function withoutBom(text: string): { body: string; restore: (out: string) => string } {
  if (text.startsWith(BOM)) return { body: text.slice(1), restore: (out) => BOM + out };
  return { body: text, restore: (out) => out };
}

/** The file's own newline: the first one found, else `\n`. */
export function detectEol(text: string): '\n' | '\r\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

export { positionOf } from '../../../common/textPosition';

/** Dotted string -> segments; an array is taken as already split (segments may then hold dots). */
export function pathSegments(path: string[] | string): string[] {
  const segments = Array.isArray(path) ? path : path.split('.');
  if (segments.length === 0 || segments.some((s) => s.length === 0)) {
    throw new PathError('A path needs at least one segment and no empty segment (e.g. "a..b").');
  }
  return segments;
}

/** For flat formats (.env, .properties, appSettings) the whole path is one name. */
export function flatName(path: string[] | string): string {
  const name = Array.isArray(path) ? path.join('.') : path;
  if (name.length === 0) throw new PathError('The variable name is empty.');
  return name;
}

/** Inserts `line` after the text, keeping the file's final-newline habit. */
export function appendLine(body: string, line: string, eol: string): string {
  if (body.length === 0) return line + eol;
  if (body.endsWith('\n')) return body + line + eol;
  return body + eol + line;
}

export function replaceRange(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}

/** Inserts a whole line at a line start; at the very end of a file without a final newline, before it. */
export function insertLineAt(body: string, at: number, line: string, eol: string): string {
  if (at >= body.length && body.length > 0 && !body.endsWith('\n')) return body + eol + line;
  return replaceRange(body, at, at, line + eol);
}

/** Appends a block of lines, separated from the text above by a blank line when there is text. */
export function appendBlock(body: string, block: string, eol: string): string {
  if (body.trim() === '') return body + block + eol;
  const lead = body.endsWith('\n') ? '' : eol;
  const blank = /\n[ \t]*\r?\n$/.test(lead ? body + lead : body) ? '' : eol;
  const out = body + lead + blank + block;
  return body.endsWith('\n') ? out + eol : out;
}

/**
 * How deep keys may nest in a file a writer edits. Real config files stay far below; past it the
 * parsers and deep comparisons would recurse until the stack runs out, so such a file is refused.
 */
export const MAX_NESTING = 256;

export function tooDeep(format: string): PathError {
  return new PathError(
    `This ${format} file nests keys or values more than ${MAX_NESTING} levels deep; Keysmith does not edit files nested that deep.`,
  );
}
