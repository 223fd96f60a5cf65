// INI writer: `[section]` headers, `key = value` or `key: value`, `;`/`#` comment lines and
// inline comments after whitespace. Path "section.key" (the last dot splits); a bare "key" lives
// above the first section.
import { detectEol, insertLineAt, pathSegments, positionOf, replaceRange, withoutBom } from './text';
import { FormatError, UnrepresentableValueError, type ValueChange } from './types';

interface IniEntry {
  section: string;
  key: string;
  indent: string;
  separator: string;
  quote: '' | '"' | "'";
  valueStart: number;
  valueEnd: number;
  /** Offset just after this line's newline (or the end of the text). */
  next: number;
}

interface IniSection {
  name: string;
  next: number;
  /** A blank line sits right before the header: the file separates sections. */
  spacedAbove: boolean;
}

const HEADER = /^[ \t]*\[([^\]\r\n]*)\][ \t]*(?:[;#].*)?$/;
const ENTRY = /^([ \t]*)([^=:;#\s[][^=:\r\n]*?)([ \t]*[=:][ \t]*)(.*)$/;

export function scanIni(text: string): { entries: IniEntry[]; sections: IniSection[] } {
  const entries: IniEntry[] = [];
  const sections: IniSection[] = [];
  let section = '';
  let previousBlank = true;
  for (let pos = 0; pos < text.length; ) {
    const lf = text.indexOf('\n', pos);
    const next = lf === -1 ? text.length : lf + 1;
    const line = text.slice(pos, lf === -1 ? text.length : lf).replace(/\r$/, '');
    const header = HEADER.exec(line);
    const entry = header ? null : ENTRY.exec(line);
    if (header) {
      section = header[1]!.trim();
      sections.push({ name: section, next, spacedAbove: previousBlank && pos > 0 });
    } else if (entry) {
      const valueStart = pos + entry[1]!.length + entry[2]!.length + entry[3]!.length;
      const { length, quote } = valueExtent(entry[4]!);
      entries.push({
        section, key: entry[2]!, indent: entry[1]!, separator: entry[3]!, quote,
        valueStart, valueEnd: valueStart + length, next,
      });
    } else if (/^[ \t]*\[/.test(line)) {
      const { line: at, column } = positionOf(text, pos + line.indexOf('['));
      throw new FormatError('INI', at, column, 'a section header is missing its closing "]"');
    }
    previousBlank = line.trim() === '';
    pos = next;
  }
  return { entries, sections };
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

export function encodeIniValue(value: string, preferred: IniEntry['quote']): string {
  if (/[\r\n]/.test(value)) throw new UnrepresentableValueError('INI', 'a line break');
  if (preferred && !value.includes(preferred)) return preferred + value + preferred;
  if (/^[^\s;#"'](?:[^;#]*[^\s;#])?$/.test(value) || value === '') return value;
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
  if (existing) {
    const encoded = encodeIniValue(change.value, existing.quote);
    return restore(replaceRange(body, existing.valueStart, existing.valueEnd, encoded));
  }
  const eol = detectEol(body);
  const style = inSection.at(-1) ?? entries.at(-1);
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
