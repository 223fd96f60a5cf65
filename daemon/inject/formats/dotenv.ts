// .env writer. Reads the file the way dotenv does (optional `export`, quoted values that may span
// lines, `#` ends an unquoted value, the last duplicate wins) and changes only the value bytes.
import { appendLine, detectEol, flatName, replaceRange, withoutBom } from './text';
import { PathError, UnrepresentableValueError, type ValueChange } from './types';

type Quote = '' | "'" | '"' | '`';

interface EnvEntry {
  key: string;
  exported: boolean;
  quote: Quote;
  valueStart: number;
  valueEnd: number;
}

// dotenv's own line rule: `KEY=value` (blanks allowed around "="), or `KEY: value` (a blank after ":").
const ASSIGNMENT = /[ \t]*(export[ \t]+)?([\w.-]+)(?:[ \t]*=[ \t]*|:[ \t]+)/y;
const VALID_NAME = /^[\w.-]+$/;

/** Every assignment in file order; lines that are not assignments are skipped, as dotenv does. */
export function scanDotenv(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let pos = 0;
  while (pos < text.length) {
    ASSIGNMENT.lastIndex = pos;
    const match = ASSIGNMENT.exec(text);
    let next = lineEnd(text, pos);
    if (match) {
      const valueStart = ASSIGNMENT.lastIndex;
      const { quote, valueEnd } = valueExtent(text, valueStart);
      entries.push({ key: match[2]!, exported: Boolean(match[1]), quote, valueStart, valueEnd });
      next = lineEnd(text, valueEnd);
    }
    pos = next + 1;
  }
  return entries;
}

/** dotenv reads a lone CR as a line break too (it normalises CRLF and CR to LF first). */
function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\n' || text[i] === '\r') return text[i] === '\r' && text[i + 1] === '\n' ? i + 1 : i;
  }
  return text.length;
}

function valueExtent(text: string, start: number): { quote: Quote; valueEnd: number } {
  const first = text[start];
  if (first === "'" || first === '"' || first === '`') {
    const close = closingQuote(text, start, first);
    if (close !== undefined) return { quote: first, valueEnd: close + 1 };
    // No closing quote dotenv accepts: it reads the line as a plain value; so do we.
  }
  let end = start;
  while (end < text.length && !'#\r\n'.includes(text[end]!)) end++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return { quote: '', valueEnd: end };
}

/**
 * The closing quote dotenv's regex settles on. Its body may hold the quote only right after a
 * backslash, so a quote after a backslash may either end the value or belong to it: dotenv takes
 * the furthest candidate followed by nothing but blanks or a comment on its line, never going past
 * a quote no backslash precedes. (`A="x\\"` ends at its own quote; the next line stays its own.)
 * Each value is scanned once, so this is linear in the file.
 */
function closingQuote(text: string, open: number, quote: Quote): number | undefined {
  let best: number | undefined;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (restOfLineIsBlankOrComment(text, i + 1)) best = i;
    if (text[i - 1] !== '\\') break;
  }
  return best;
}

function restOfLineIsBlankOrComment(text: string, from: number): boolean {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\f' || text[i] === '\v') i++;
  return i >= text.length || text[i] === '\n' || text[i] === '\r' || text[i] === '#';
}

/** Whether `value` survives a dotenv (+ dotenv-expand) read written with `quote`. */
function fits(value: string, quote: Quote): boolean {
  switch (quote) {
    case '':
      return /^[\w.\-/:+@,%~^=*!?\\]*$/.test(value);
    case "'":
      // A backslash right before the closing quote would let the value run on to a later quote.
      return !/['\r\n]/.test(value) && !value.endsWith('\\');
    case '"':
      // dotenv turns `\n` into a newline inside double quotes and does not unescape `\"`.
      return !/["$\\]/.test(value);
    case '`':
      return !/[`$\r\n]/.test(value) && !value.endsWith('\\');
  }
}

export function encodeDotenvValue(value: string, preferred: Quote): string {
  const order: Quote[] = [preferred, '', "'", '"', '`'];
  const quote = order.find((q) => fits(value, q));
  if (quote === undefined) {
    throw new UnrepresentableValueError('.env', 'a mix of quote characters, "$" or newlines no dotenv quoting can hold');
  }
  const body = quote === '"' ? value.replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
  return quote + body + quote;
}

export function writeDotenv(text: string, change: ValueChange): string {
  const key = flatName(change.path);
  if (!VALID_NAME.test(key)) {
    throw new PathError('A .env variable name may hold letters, digits, "_", "." and "-" only.');
  }
  const { body, restore } = withoutBom(text);
  const entries = scanDotenv(body);
  const existing = entries.filter((e) => e.key === key).at(-1);
  if (existing) {
    let encoded = encodeDotenvValue(change.value, existing.quote);
    // `KEY= # note`: the value is empty and a comment follows; keep a blank before the "#".
    if (existing.valueStart === existing.valueEnd && body[existing.valueStart] === '#') encoded += ' ';
    return restore(replaceRange(body, existing.valueStart, existing.valueEnd, encoded));
  }
  const last = entries.at(-1);
  const prefix = last?.exported ? 'export ' : '';
  const line = `${prefix}${key}=${encodeDotenvValue(change.value, last?.quote ?? '')}`;
  return restore(appendLine(body, line, detectEol(body)));
}
