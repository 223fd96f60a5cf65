// YAML writer. The scalar's own bytes are replaced in its own quoting style (anchors, tags,
// comments and every other byte stay); a missing key is inserted as text in the style of its map.
// The result is re-parsed before it is returned, so a write never leaves a broken file. In a file
// of several documents the target names one (yamlDocuments.ts); the others keep every byte.
import { isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';
import type { YamlDocumentSelector } from '../../protocol';
import { detectEol, pathSegments, replaceRange, withoutBom } from './text';
import { PathError, type ValueChange } from './types';
import { refuseMergedParent, refuseSharedNodes } from './yamlAnchors';
import { documentIndex, parseYamlStream, selectYamlDocument } from './yamlDocuments';
import { columnOf, indentUnit, locate } from './yamlNodes';

type Style = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE';

export function writeYaml(text: string, change: ValueChange): string {
  const { body, restore } = withoutBom(text);
  const segments = pathSegments(change.path);
  const { doc, index, count, end: docEnd } = selectYamlDocument(body, change.document);
  const located = locate(doc, segments);
  refuseSharedNodes(doc, located.chain, segments);
  let out: string;
  if (located.found) {
    const node = located.node;
    if (!isScalar(node) || !node.range) {
      throw new PathError(`"${segments.join('.')}" holds a mapping or sequence, not a single value.`);
    }
    out = replaceScalar(body, node, encodeScalar(change.value, styleOf(node), located.inFlow));
  } else {
    refuseMergedParent(doc, located.map, segments.slice(located.depth), segments);
    out = insertMissing(body, located.map, segments, located.depth, change.value, docEnd);
  }
  assertHolds(out, segments, change.value, { index, count, selector: change.document });
  return restore(out);
}

function replaceScalar(body: string, node: Scalar, encoded: string): string {
  const [start, rangeEnd] = node.range!;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    // The range takes in the line breaks after the block; those belong to the layout. A comment
    // on the indicator's line (`key: > # note`) stays after the new one-line value.
    const end = start + body.slice(start, rangeEnd).trimEnd().length;
    const headerEnd = body.indexOf('\n', start);
    const header = body.slice(start, headerEnd === -1 || headerEnd > end ? end : headerEnd).replace(/\r$/, '');
    const comment = /[ \t]#.*$/.exec(header)?.[0] ?? '';
    return replaceRange(body, start, end, encoded + comment);
  }
  // An empty value (`key:`) has an empty range right after the colon.
  const spaced = start === rangeEnd && body[start - 1] === ':' ? ` ${encoded}` : encoded;
  return replaceRange(body, start, rangeEnd, spaced);
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

function insertMissing(body: string, map: YAMLMap | null, segments: string[], depth: number, value: string, docEnd: number): string {
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
    return i === missing.length - 1 ? `${pad}${key}: ${encodeScalar(value, valueStyle, false)}` : `${pad}${key}:`;
  });
  const block = lines.join(eol);
  const end = map?.range?.[1];
  // An empty document: the new mapping goes at its end.
  const at = end === undefined || !map || map.items.length === 0 ? docEnd : end;
  if (at === 0 || body[at - 1] === '\n') return replaceRange(body, at, at, block + eol);
  const lineEnd = body.indexOf('\n', at);
  if (lineEnd === -1) return body + eol + block;
  return replaceRange(body, lineEnd + 1, lineEnd + 1, block + eol);
}

function insertIntoFlowMap(body: string, map: YAMLMap, missing: string[], value: string, style: Style): string {
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

interface Written {
  index: number;
  count: number;
  selector: YamlDocumentSelector | undefined;
}

/** The result parses, still has its documents, the selector still picks the same one, and it holds the value. */
function assertHolds(out: string, segments: string[], value: string, written: Written): void {
  let node: unknown;
  try {
    const docs = parseYamlStream(out);
    const same = docs.length === written.count && documentIndex(docs, written.selector) === written.index;
    const located = same ? locate(docs[written.index]!, segments) : undefined;
    node = located?.found ? located.node : undefined;
  } catch {
    node = undefined;
  }
  if (!isScalar(node) || node.value !== value) {
    throw new PathError(
      `The value at "${segments.join('.')}" could not be written without changing how the file reads (a tag or an unusual layout there).`,
    );
  }
}
