// XML appSettings writer for .NET app.config / web.config: `<add key="..." value="..."/>` inside
// `<configuration><appSettings>`. Changes the value attribute's text only; a new entry copies the
// indentation, quote character and self-closing spacing of its neighbours.
import { detectEol, flatName, replaceRange, withoutBom } from './text';
import { PathError, UnrepresentableValueError, type ValueChange } from './types';
import { scanXml, type XmlElement } from './xmlScan';

export function writeXmlAppSetting(text: string, change: ValueChange): string {
  const key = flatName(change.path);
  const { body, restore } = withoutBom(text);
  const [root] = scanXml(body);
  if (root!.name !== 'configuration') {
    throw new PathError('appSettings live in a <configuration> root element; this file has another root.');
  }
  const settings = root!.children.find((c) => c.name === 'appSettings');
  const adds = settings?.children.filter((c) => c.name === 'add') ?? [];
  const existing = adds.filter((a) => attribute(a, 'key')?.value === key).at(-1);
  if (existing) {
    const value = attribute(existing, 'value');
    if (value) {
      return restore(replaceRange(body, value.valueStart, value.valueEnd, escapeAttribute(change.value, value.quote)));
    }
    const keyAttr = attribute(existing, 'key')!;
    const q = keyAttr.quote;
    return restore(replaceRange(body, keyAttr.valueEnd + 1, keyAttr.valueEnd + 1, ` value=${q}${escapeAttribute(change.value, q)}${q}`));
  }
  const eol = detectEol(body);
  const unit = indentUnit(body, root!);
  const model = adds.at(-1);
  const q = model ? (attribute(model, 'key')?.quote ?? '"') : '"';
  const closing = model?.selfClosing ? body.slice(blanksBefore(body, model.end - 2), model.end - 2) : ' ';
  const element = `<add key=${q}${escapeAttribute(key, q)}${q} value=${q}${escapeAttribute(change.value, q)}${q}${closing}/>`;
  if (model) return restore(replaceRange(body, model.end, model.end, eol + indentOf(body, model.start) + element));
  const host = settings ?? root!;
  const inner = indentOf(body, host.start) + unit;
  const content = settings ? element : `<appSettings>${eol}${inner}${unit}${element}${eol}${inner}</appSettings>`;
  if (host.selfClosing) {
    const outer = indentOf(body, host.start);
    const opened = `${body.slice(host.start, blanksBefore(body, host.end - 2))}>`;
    return restore(replaceRange(body, host.start, host.end, `${opened}${eol}${inner}${content}${eol}${outer}</${host.name}>`));
  }
  // Before the closing tag: in <configuration>, <configSections> must stay the first child.
  const lineStart = body.lastIndexOf('\n', host.closeStart - 1) + 1;
  const onOwnLine = body.slice(lineStart, host.closeStart).trim() === '';
  const at = onOwnLine ? lineStart : host.closeStart;
  const line = `${onOwnLine ? '' : eol}${inner}${content}${onOwnLine ? eol : eol + indentOf(body, host.start)}`;
  return restore(replaceRange(body, at, at, line));
}

function attribute(element: XmlElement, name: string) {
  return element.attributes.find((a) => a.name === name);
}

/**
 * Where the run of blanks ending at `end` starts. A loop, not `/\s*\/>$/`: that regex retries at
 * every blank of a long run and turns a tag full of spaces into quadratic work.
 */
function blanksBefore(body: string, end: number): number {
  let start = end;
  while (start > 0 && ' \t\r\n'.includes(body[start - 1]!)) start--;
  return start;
}

/** Leading blanks of the line an offset is on. */
function indentOf(body: string, offset: number): string {
  const lineStart = body.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(body.slice(lineStart, offset))![0];
}

/** One indentation step: how far the root's first child sits in from the root; two spaces otherwise. */
function indentUnit(body: string, root: XmlElement): string {
  const child = root.children[0];
  if (!child) return '  ';
  const step = indentOf(body, child.start).slice(indentOf(body, root.start).length);
  return step || '  ';
}

export function escapeAttribute(value: string, quote: '"' | "'"): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(value)) {
    throw new UnrepresentableValueError('XML', 'control characters XML 1.0 does not allow');
  }
  return value.replace(/[&<>"'\t\n\r]/g, (ch) => {
    if (ch === quote) return ch === '"' ? '&quot;' : '&apos;';
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' }[ch] ?? ch;
  });
}
