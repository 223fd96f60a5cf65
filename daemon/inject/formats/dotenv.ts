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

const ASSIGNMENT = /[ \t]*(export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*/y;
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

function lineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  return lf === -1 ? text.length : lf;
}

function valueExtent(text: string, start: number): { quote: Quote; valueEnd: number } {
  const first = text[start];
  if (first === "'" || first === '"' || first === '`') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\' && text[i + 1] === first) i++;
      else if (text[i] === first) return { quote: first, valueEnd: i + 1 };
    }
    // An unclosed quote is read by dotenv as a plain value; so do we.
  }
  let end = start;
  while (end < text.length && !'#\r\n'.includes(text[end]!)) end++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return { quote: '', valueEnd: end };
}

/** Whether `value` survives a dotenv (+ dotenv-expand) read written with `quote`. */
function fits(value: string, quote: Quote): boolean {
  switch (quote) {
    case '':
      return /^[\w.\-/:+@,%~^=*!?]*$/.test(value);
    case "'":
      return !/['\r\n]/.test(value);
    case '"':
      // dotenv turns `\n` into a newline inside double quotes and does not unescape `\"`.
      return !/["$\\]/.test(value);
    case '`':
      return !/[`$\r\n]/.test(value);
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
    const encoded = encodeDotenvValue(change.value, existing.quote);
    return restore(replaceRange(body, existing.valueStart, existing.valueEnd, encoded));
  }
  const last = entries.at(-1);
  const prefix = last?.exported ? 'export ' : '';
  const line = `${prefix}${key}=${encodeDotenvValue(change.value, last?.quote ?? '')}`;
  return restore(appendLine(body, line, detectEol(body)));
}
