// INI writer: `[section]` headers, `key = value` or `key: value`, `;`/`#` comment lines and
// inline comments after whitespace. Path "section.key" (the last dot splits); a bare "key" lives
// above the first section.
import { detectEol, insertLineAt, pathSegments, positionOf, replaceRange, withoutBom } from './text';
import { FormatError, PathError, UnrepresentableValueError, type ValueChange } from './types';

interface IniEntry {
  section: string;
  key: string;
  indent: string;
  separator: string;
  quote: '' | '"' | "'";
  valueStart: number;
  valueEnd: number;
  /** Offset just after the entry's last line, continuation lines included (or the end of the text). */
  next: number;
  /** Indented lines below continue the value (configparser's multi-line values). */
  continued: boolean;
}

interface IniSection {
  name: string;
  next: number;
  /** A blank line sits right before the header: the file separates sections. */
  spacedAbove: boolean;
}

interface Line {
  start: number;
  /** Offset after the line's newline. */
  next: number;
  text: string;
}

/**
 * Reads the file line by line, as Python's configparser does for the parts that decide where a
 * key is: a line indented deeper than the key above it continues that key's value (blank and
 * comment lines in between do not end it), so it is never taken for a key of its own and a new
 * key is never put inside it. Hand-written, not regexes, so long lines stay linear.
 */
export function scanIni(text: string): { entries: IniEntry[]; sections: IniSection[] } {
  const entries: IniEntry[] = [];
  const sections: IniSection[] = [];
  let section = '';
  let previousBlank = true;
  let open: { entry: IniEntry; indent: number } | undefined;
  for (const line of lines(text)) {
    const indent = leadingBlanks(line.text);
    const content = line.text.slice(indent);
    const blankOrComment = content.trim() === '' || content[0] === ';' || content[0] === '#';
    if (open && !blankOrComment && indent > open.indent) {
      open.entry.next = line.next;
      open.entry.continued = true;
      previousBlank = false;
      continue;
    }
    if (!blankOrComment) open = undefined;
    if (content[0] === '[') {
      const close = content.indexOf(']');
      if (close === -1) {
        const { line: at, column } = positionOf(text, line.start + indent);
        throw new FormatError('INI', at, column, 'a section header is missing its closing "]"');
      }
      section = content.slice(1, close).trim();
      sections.push({ name: section, next: line.next, spacedAbove: previousBlank && line.start > 0 });
    } else if (!blankOrComment) {
      const entry = readEntry(line, indent, section);
      if (entry) {
        entries.push(entry);
        open = { entry, indent };
      }
    }
    previousBlank = content.trim() === '';
  }
  return { entries, sections };
}

function* lines(text: string): Generator<Line> {
  for (let pos = 0; pos < text.length;) {
    const lf = text.indexOf('\n', pos);
    const next = lf === -1 ? text.length : lf + 1;
    const end = lf === -1 ? text.length : lf;
    yield { start: pos, next, text: text.slice(pos, end > pos && text[end - 1] === '\r' ? end - 1 : end) };
    pos = next;
  }
}

function leadingBlanks(line: string): number {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

/** `key = value` or `key: value`: the key runs to the first "=" or ":". */
function readEntry(line: Line, indent: number, section: string): IniEntry | undefined {
  let sep = indent;
  while (sep < line.text.length && line.text[sep] !== '=' && line.text[sep] !== ':') sep++;
  if (sep === line.text.length || sep === indent) return undefined;
  let keyEnd = sep;
  while (keyEnd > indent && (line.text[keyEnd - 1] === ' ' || line.text[keyEnd - 1] === '\t')) keyEnd--;
  let valueStart = sep + 1;
  while (line.text[valueStart] === ' ' || line.text[valueStart] === '\t') valueStart++;
  const { length, quote } = valueExtent(line.text.slice(valueStart));
  return {
    section,
    key: line.text.slice(indent, keyEnd),
    indent: line.text.slice(0, indent),
    separator: line.text.slice(keyEnd, valueStart),
    quote,
    valueStart: line.start + valueStart,
    valueEnd: line.start + valueStart + length,
    next: line.next,
    continued: false,
  };
}

/** A quoted value ends at its closing quote; a bare one before an inline comment or trailing blanks. */
function valueExtent(rest: string): { length: number; quote: IniEntry['quote'] } {
  const first = rest[0];
  if (first === '"' || first === "'") {
    const close = rest.indexOf(first, 1);
    if (close !== -1) return { length: close + 1, quote: first };
  }
  const comment = /[ \t][;#]/.exec(rest);
  const bare = comment ? rest.slice(0, comment.index) : rest;
  return { length: bare.trimEnd().length, quote: '' };
}

/**
 * Bare whenever the value allows: Python's configparser keeps quotes as part of the value, so a
 * quote is written only where a bare value would lose its ";", "#" or edge blanks elsewhere.
 */
export function encodeIniValue(value: string, preferred: IniEntry['quote']): string {
  if (/[\r\n]/.test(value)) throw new UnrepresentableValueError('INI', 'a line break');
  if (/^[^\s;#"'](?:[^;#]*[^\s;#])?$/.test(value) || value === '') return value;
  if (preferred && !value.includes(preferred)) return preferred + value + preferred;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  throw new UnrepresentableValueError('INI', 'both quote characters along with ";", "#" or edge spaces');
}

export function splitIniPath(path: string[] | string): { section: string; key: string } {
  const segments = pathSegments(path);
  if (Array.isArray(path)) return { section: segments.slice(0, -1).join('.'), key: segments.at(-1)! };
  // A dotted string: section names carry dots more often than keys do, so the last dot splits.
  const dot = path.lastIndexOf('.');
  return dot === -1 ? { section: '', key: path } : { section: path.slice(0, dot), key: path.slice(dot + 1) };
}

export function writeIni(text: string, change: ValueChange): string {
  const { section, key } = splitIniPath(change.path);
  const { body, restore } = withoutBom(text);
  const { entries, sections } = scanIni(body);
  const inSection = entries.filter((e) => e.section === section);
  const existing = inSection.filter((e) => e.key === key).at(-1);
  const shown = section ? `${section}.${key}` : key;
  refuseAmbiguous(shown, existing, sections, entries, section, key);
  if (existing) {
    const encoded = encodeIniValue(change.value, existing.quote);
    return restore(replaceRange(body, existing.valueStart, existing.valueEnd, encoded));
  }
  const eol = detectEol(body);
  // "key = value": the ini package reads a "key: value" line as a flag named after the whole line.
  // `commands =` with its value on the next lines says nothing about the spacing after "=".
  const style = [...inSection, ...entries].filter((e) => e.separator.includes('=') && e.valueEnd > e.valueStart).at(-1);
  const line = `${inSection.at(-1)?.indent ?? ''}${key}${style?.separator ?? ' = '}${encodeIniValue(change.value, '')}`;
  const header = sections.filter((s) => s.name === section).at(-1);
  const lastInSection = inSection.at(-1);
  if (lastInSection) return restore(insertLineAt(body, lastInSection.next, line, eol));
  if (header) return restore(insertLineAt(body, header.next, line, eol));
  if (section === '') return restore(insertLineAt(body, 0, line, eol));
  const spaced = sections.some((s) => s.spacedAbove) && body.trim() !== '';
  const block = `${spaced ? eol : ''}[${section}]${eol}${line}`;
  if (body.length === 0) return restore(block + eol);
  return restore(body.endsWith('\n') ? body + block + eol : body + eol + block);
}

/**
 * What the two INI readers projects use (the ini package and Python's configparser) would read
 * differently once written: the write is refused rather than right for one and wrong for the other.
 */
function refuseAmbiguous(
  shown: string,
  existing: IniEntry | undefined,
  sections: IniSection[],
  entries: IniEntry[],
  section: string,
  key: string,
): void {
  if (existing?.continued) {
    throw new PathError(
      `"${shown}" holds a multi-line value (indented continuation lines below it); only a one-line value can be replaced without changing how the lines below read.`,
    );
  }
  if (existing && !existing.separator.includes('=')) {
    throw new PathError(
      `"${shown}" is written "key: value"; configparser reads that, but the ini package reads the whole line as a flag. Write it as "key = value" and try again.`,
    );
  }
  const nested = section ? `${section}.${key}` : key;
  const shadow = sections.find((s) => s.name === nested || s.name.startsWith(`${nested}.`));
  if (shadow) {
    throw new PathError(
      `"${shown}" is shadowed by a section [${nested}${shadow.name === nested ? '' : '.…'}]: readers that nest dotted sections (the ini package) read that section there, not the key.`,
    );
  }
  if (section === '' && !existing && sections.length > 0 && !entries.some((e) => e.section === '')) {
    throw new PathError(
      'Every key of this INI file is in a [section], and Python\'s configparser refuses a key above the first one; give the path as "section.key".',
    );
  }
}
