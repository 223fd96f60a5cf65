// Java .properties writer, following java.util.Properties.load: `#`/`!` comments, `=`, `:` or
// whitespace separators, backslash continuation lines, \uXXXX escapes; the last duplicate wins.
import { appendLine, detectEol, flatName, positionOf, replaceRange, withoutBom } from './text';
import { FormatError, type ValueChange } from './types';

interface PropertyEntry {
  key: string;
  separator: string;
  valueStart: number;
  /** End of the logical line: continuation lines belong to the value. */
  valueEnd: number;
}

const BLANK = ' \t\f';

export function scanProperties(text: string): PropertyEntry[] {
  const entries: PropertyEntry[] = [];
  let pos = 0;
  while (pos < text.length) {
    let start = pos;
    while (start < text.length && BLANK.includes(text[start]!)) start++;
    const first = text[start];
    if (first === undefined || first === '\n' || first === '\r' || first === '#' || first === '!') {
      pos = naturalLineEnd(text, start).next;
      continue;
    }
    let keyEnd = start;
    while (keyEnd < text.length && !'=: \t\f\r\n'.includes(text[keyEnd]!)) keyEnd += text[keyEnd] === '\\' ? 2 : 1;
    keyEnd = Math.min(keyEnd, text.length);
    let valueStart = keyEnd;
    while (BLANK.includes(text[valueStart] ?? 'x')) valueStart++;
    if (text[valueStart] === '=' || text[valueStart] === ':') valueStart++;
    while (BLANK.includes(text[valueStart] ?? 'x')) valueStart++;
    const { end, next } = logicalLineEnd(text, valueStart);
    entries.push({
      key: unescapeProperty(text, start, keyEnd),
      separator: text.slice(keyEnd, valueStart),
      valueStart: Math.min(valueStart, end),
      valueEnd: end,
    });
    unescapeProperty(text, valueStart, end); // refuses a malformed \u escape in the value too
    pos = next;
  }
  return entries;
}

function naturalLineEnd(text: string, from: number): { end: number; next: number } {
  let end = from;
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  const next = text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
  return { end, next };
}

/** A line ending in an odd number of backslashes continues on the next one. */
function logicalLineEnd(text: string, from: number): { end: number; next: number } {
  let line = naturalLineEnd(text, from);
  for (;;) {
    let slashes = 0;
    while (text[line.end - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 0 || line.next > text.length) return line;
    line = naturalLineEnd(text, line.next);
  }
}

function unescapeProperty(text: string, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[++i];
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        const { line, column } = positionOf(text, i - 1);
        throw new FormatError('.properties', line, column, 'malformed \\uXXXX escape');
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else if (next === '\r' || next === '\n') {
      // Continuation: the line break and the next line's leading blanks are not part of the text.
      if (next === '\r' && text[i + 1] === '\n') i++;
      while (BLANK.includes(text[i + 1] ?? 'x')) i++;
    } else if (next !== undefined) {
      out += { t: '\t', n: '\n', r: '\r', f: '\f' }[next] ?? next;
    }
  }
  return out;
}

export function escapeProperty(value: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (ch === ' ' && (i === 0 || isKey)) out += '\\ ';
    // In a value only a leading "=" or ":" needs it: after a blank separator it would be read as one.
    else if ('=:#!'.includes(ch) && (isKey || (i === 0 && '=:'.includes(ch)))) out += `\\${ch}`;
    // \u escapes read the same whether the file is decoded as ISO-8859-1 or UTF-8.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`;
    else out += ch;
  }
  return out;
}

export function writeProperties(text: string, change: ValueChange): string {
  const key = flatName(change.path);
  const { body, restore } = withoutBom(text);
  const entries = scanProperties(body);
  const encoded = escapeProperty(change.value, false);
  const existing = entries.filter((e) => e.key === key).at(-1);
  if (existing) return restore(replaceRange(body, existing.valueStart, existing.valueEnd, encoded));
  const separator = entries.at(-1)?.separator || '=';
  return restore(appendLine(body, escapeProperty(key, true) + separator + encoded, detectEol(body)));
}
