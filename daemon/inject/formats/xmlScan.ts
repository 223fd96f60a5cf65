// A small well-formedness checking XML scanner: elements with their attributes' exact offsets,
// comments, CDATA, processing instructions and the doctype skipped. Enough to edit .NET
// app.config / web.config files by offset; errors give line and column, never content.
import { positionOf } from './text';
import { FormatError } from './types';

export interface XmlAttribute {
  name: string;
  value: string;
  quote: '"' | "'";
  /** Offsets of the value between its quotes. */
  valueStart: number;
  valueEnd: number;
}

export interface XmlElement {
  name: string;
  parent: XmlElement | null;
  children: XmlElement[];
  attributes: XmlAttribute[];
  start: number;
  /** Offset just after the start tag's `>`. */
  startTagEnd: number;
  selfClosing: boolean;
  /** Offset of `</name>`; equal to startTagEnd for a self-closing element. */
  closeStart: number;
  /** Offset after the element's last byte. */
  end: number;
}

const NAME = /[A-Za-z_:][-\w.:]*/y;

/**
 * The writer edits `<configuration><appSettings><add>`: elements deeper than that are checked and
 * dropped, only their names kept to match closing tags, so deep nesting or thousands of elements
 * cost no memory per element (and no garbage collection that grows faster than the file).
 */
const KEPT_DEPTH = 3;

export function scanXml(text: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const open: Array<XmlElement | string> = [];
  const fail = (at: number, reason: string): never => {
    const { line, column } = positionOf(text, at);
    throw new FormatError('XML', line, column, reason);
  };
  const skipPast = (from: number, terminator: string, what: string): number => {
    const at = text.indexOf(terminator, from);
    return at === -1 ? fail(from, `${what} is not closed`) : at + terminator.length;
  };
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) pos = skipPast(lt + 4, '-->', 'a comment');
    else if (text.startsWith('<![CDATA[', lt)) pos = skipPast(lt + 9, ']]>', 'a CDATA section');
    else if (text.startsWith('<?', lt)) pos = skipPast(lt + 2, '?>', 'a processing instruction');
    else if (text.startsWith('<!', lt)) pos = skipDoctype(text, lt, fail);
    else if (text[lt + 1] === '/') {
      NAME.lastIndex = lt + 2;
      const name = NAME.exec(text)?.[0];
      const element = open.pop();
      if (!name || element === undefined || nameOf(element) !== name) fail(lt, 'a closing tag does not match the open element');
      const close = text.indexOf('>', lt);
      if (close === -1 || text.slice(lt + 2 + name!.length, close).trim() !== '') fail(lt, 'a closing tag is malformed');
      if (typeof element === 'object') {
        element.closeStart = lt;
        element.end = close + 1;
      }
      pos = close + 1;
    } else {
      const kept = open.length < KEPT_DEPTH;
      const parent = open.at(-1);
      const element = readStartTag(text, lt, typeof parent === 'object' ? parent : null, fail);
      if (kept) (element.parent ? element.parent.children : roots).push(element);
      if (!element.selfClosing) open.push(kept ? element : element.name);
      pos = element.startTagEnd;
    }
  }
  if (open.length > 0) fail(typeof open[0] === 'object' ? open[0].start : 0, 'an element is never closed');
  if (roots.length !== 1) fail(roots[1]?.start ?? 0, 'an XML document needs exactly one root element');
  return roots;
}

function nameOf(element: XmlElement | string): string {
  return typeof element === 'string' ? element : element.name;
}

function readStartTag(text: string, lt: number, parent: XmlElement | null, fail: (at: number, reason: string) => never): XmlElement {
  NAME.lastIndex = lt + 1;
  const name = NAME.exec(text)?.[0] ?? fail(lt, 'a tag has no valid name');
  let pos = NAME.lastIndex;
  const attributes: XmlAttribute[] = [];
  for (;;) {
    const afterBlanks = skipBlanks(text, pos);
    if (text.startsWith('/>', afterBlanks) || text[afterBlanks] === '>') {
      const selfClosing = text[afterBlanks] === '/';
      const startTagEnd = afterBlanks + (selfClosing ? 2 : 1);
      return {
        name,
        parent,
        children: [],
        attributes,
        start: lt,
        startTagEnd,
        selfClosing,
        closeStart: startTagEnd,
        end: startTagEnd,
      };
    }
    if (afterBlanks === pos) fail(pos, 'attributes must be separated by whitespace');
    NAME.lastIndex = afterBlanks;
    const attrName = NAME.exec(text)?.[0] ?? fail(afterBlanks, 'an attribute has no valid name');
    let at = skipBlanks(text, NAME.lastIndex);
    if (text[at] !== '=') fail(at, 'an attribute is missing "="');
    at = skipBlanks(text, at + 1);
    const quote = text[at];
    if (quote !== '"' && quote !== "'") fail(at, 'an attribute value must be quoted');
    const close = text.indexOf(quote!, at + 1);
    if (close === -1) fail(at, 'an attribute value is not closed');
    const raw = text.slice(at + 1, close);
    if (raw.includes('<')) fail(at, 'an attribute value contains "<"');
    attributes.push({
      name: attrName,
      value: decodeXml(raw),
      quote: quote as '"' | "'",
      valueStart: at + 1,
      valueEnd: close,
    });
    pos = close + 1;
  }
}

function skipDoctype(text: string, lt: number, fail: (at: number, reason: string) => never): number {
  let depth = 0;
  for (let i = lt + 2; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === '>' && depth <= 0) return i + 1;
  }
  return fail(lt, 'a declaration is not closed');
}

function skipBlanks(text: string, pos: number): number {
  while (' \t\r\n'.includes(text[pos] ?? 'x')) pos++;
  return pos;
}

export function decodeXml(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref]!;
  });
}
