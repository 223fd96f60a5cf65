// YAML writer. The scalar's own bytes are replaced in its own quoting style (anchors, tags,
// comments and every other byte stay); a missing key is inserted as text in the style of its map.
// The result is re-parsed before it is returned, so a write never leaves a broken file.
import { isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { detectEol, pathSegments, replaceRange, withoutBom } from './text';
import { PathError, type ValueChange } from './types';
import { columnOf, indentUnit, locate, parseYamlDocument } from './yamlNodes';

type Style = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE';

export function writeYaml(text: string, change: ValueChange): string {
  const { body, restore } = withoutBom(text);
  const segments = pathSegments(change.path);
  const doc = parseYamlDocument(body);
  const located = locate(doc, segments);
  let out: string;
  if (located.found) {
    const node = located.node;
    if (!isScalar(node) || !node.range) {
      throw new PathError(`"${segments.join('.')}" holds a mapping, sequence or alias, not a single value.`);
    }
    const [start, rangeEnd] = node.range;
    // A block scalar's range takes in the line breaks after it; those belong to the layout.
    const end = node.type?.startsWith('BLOCK')
      ? start + body.slice(start, rangeEnd).trimEnd().length
      : rangeEnd;
    const style = styleOf(node);
    const encoded = encodeScalar(change.value, style, located.inFlow);
    // An empty value (`key:`) has an empty range right after the colon.
    const spaced = start === end && body[start - 1] === ':' ? ` ${encoded}` : encoded;
    out = replaceRange(body, start, end, spaced);
  } else {
    out = insertMissing(body, located.map, segments, located.depth, change.value);
  }
  assertHolds(out, segments, change.value);
  return restore(out);
}

/** Block scalars (`|`, `>`) become plain or quoted: a secret is one line. */
function styleOf(node: Scalar): Style {
  return node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? node.type : 'PLAIN';
}

export function encodeScalar(value: string, preferred: Style, flow: boolean): string {
  if (preferred === 'PLAIN' && plainFits(value, flow)) return value;
  if (preferred !== 'QUOTE_DOUBLE' && /^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$/.test(value)) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  // JSON's escapes are a subset of YAML's double-quoted ones.
  return JSON.stringify(value);
}

/** A plain scalar is safe when YAML reads it back as this very string in the same context. */
function plainFits(value: string, flow: boolean): boolean {
  if (value === '' || value !== value.trim() || /[\r\n\t]/.test(value)) return false;
  const probe = parseDocument(flow ? `[${value}]` : `k: ${value}`);
  if (probe.errors.length > 0) return false;
  const node = flow ? probe.getIn([0], true) : probe.getIn(['k'], true);
  return isScalar(node) && node.type === 'PLAIN' && node.value === value;
}

function insertMissing(
  body: string, map: YAMLMap | null, segments: string[], depth: number, value: string,
): string {
  const missing = segments.slice(depth);
  const valueStyle = siblingStyle(map);
  if (map?.flow) return insertIntoFlowMap(body, map, missing, value, valueStyle);
  const eol = detectEol(body);
  const first = map?.items[0]?.key as Scalar | undefined;
  const indent = first?.range ? columnOf(body, first.range[0]) : 0;
  const unit = indentUnit(body);
  const lines = missing.map((segment, i) => {
    const pad = ' '.repeat(indent + unit * i);
    const key = encodeScalar(segment, 'PLAIN', false);
    return i === missing.length - 1
      ? `${pad}${key}: ${encodeScalar(value, valueStyle, false)}`
      : `${pad}${key}:`;
  });
  const block = lines.join(eol);
  const end = map?.range?.[1];
  if (end === undefined || !map || map.items.length === 0) {
    // An empty document: the new mapping goes at its end.
    if (body.length === 0) return block + eol;
    return body.endsWith('\n') ? body + block + eol : body + eol + block;
  }
  if (body[end - 1] === '\n') return replaceRange(body, end, end, block + eol);
  const lineEnd = body.indexOf('\n', end);
  if (lineEnd === -1) return body + eol + block;
  return replaceRange(body, lineEnd + 1, lineEnd + 1, block + eol);
}

function insertIntoFlowMap(
  body: string, map: YAMLMap, missing: string[], value: string, style: Style,
): string {
  let inner = encodeScalar(value, style, true);
  for (let i = missing.length - 1; i >= 0; i--) {
    const key = encodeScalar(missing[i]!, 'PLAIN', true);
    inner = i === 0 ? `${key}: ${inner}` : `{${key}: ${inner}}`;
  }
  const close = map.range![1] - 1;
  if (body[close] !== '}') throw new PathError('The flow mapping at this path could not be located.');
  const lastValue = map.items.at(-1)?.value as Scalar | undefined;
  const lastKey = map.items.at(-1)?.key as Scalar | undefined;
  const lastEnd = lastValue?.range?.[1] ?? lastKey?.range?.[1];
  if (lastEnd === undefined) return replaceRange(body, close, close, inner);
  return replaceRange(body, lastEnd, lastEnd, `, ${inner}`);
}

/** New values copy the quoting of the map's other string values; plain where none exist. */
function siblingStyle(map: YAMLMap | null): Style {
  for (const pair of map?.items ?? []) {
    const v = pair.value;
    if (isScalar(v) && typeof v.value === 'string') return styleOf(v);
  }
  return 'PLAIN';
}

function assertHolds(out: string, segments: string[], value: string): void {
  const doc = parseDocument(out, { uniqueKeys: true });
  const located = doc.errors.length === 0 ? locate(doc, segments) : undefined;
  const node = located?.found ? located.node : undefined;
  if (!isScalar(node) || node.value !== value) {
    throw new PathError(`The value at "${segments.join('.')}" could not be written without changing how the file reads (a tag or an unusual layout there).`);
  }
}
