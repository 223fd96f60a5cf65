// TOML writer. smol-toml validates the file; a locating scanner finds the value's bytes; the edit
// is the smallest text change. Every candidate result is re-parsed and must read exactly like the
// original except for the one value, so a write never reshapes or breaks the document.
import { isDeepStrictEqual } from 'node:util';
import { parse, TomlError } from 'smol-toml';
import { appendBlock, detectEol, insertLineAt, MAX_NESTING, pathSegments, replaceRange, tooDeep, withoutBom } from './text';
import { scanToml, type TomlEntry, type TomlTable } from './tomlScan';
import { FormatError, PathError, type ValueChange } from './types';

type Doc = Record<string, unknown>;

export function writeToml(text: string, change: ValueChange): string {
  const { body, restore } = withoutBom(text);
  const segments = pathSegments(change.path);
  const original = parseToml(body);
  const { tables, inlineTables } = scanToml(body);
  const entries = tables.flatMap((t) => t.entries);
  // smol-toml limits nested values but not dotted keys (`a.b.c…` 20,000 segments deep).
  if ([...tables, ...entries].some((t) => (t.path?.length ?? 0) > MAX_NESTING)) throw tooDeep('TOML');
  const existing = entries.find((e) => samePath(e.path, segments));
  const literal = preferLiteral(existing?.kind ?? entries.filter((e) => e.kind === 'basic' || e.kind === 'literal').at(-1)?.kind);
  const value = encodeTomlString(change.value, literal);
  const candidates = existing
    ? [replaceRange(body, existing.valueStart, existing.valueEnd, value)]
    : insertions(body, segments, value, tables, inlineTables);
  deleteAt(original, segments);
  const result = candidates.find((c) => readsAsExpected(c, original, segments, change.value));
  if (result === undefined) {
    throw new PathError(
      `"${segments.join('.')}" cannot hold a value in this TOML file (it runs through a value, an array or an array of tables).`,
    );
  }
  return restore(result);
}

function parseToml(body: string): Doc {
  try {
    return parse(body) as Doc;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message quotes the source around the error; keep only its fixed first phrase.
    const phrase = /^Invalid TOML document: ([^\n]*)/.exec(error.message)?.[1] ?? '';
    const reason = /^[a-z][a-z ,.:-]*$/i.test(phrase) ? phrase : 'invalid TOML syntax';
    throw new FormatError('TOML', error.line, error.column, reason);
  }
}

function insertions(
  body: string,
  segments: string[],
  value: string,
  tables: TomlTable[],
  inlineTables: ReturnType<typeof scanToml>['inlineTables'],
): string[] {
  const eol = detectEol(body);
  const inline = inlineTables
    .filter((t) => t.path.length < segments.length && samePath(t.path, segments.slice(0, t.path.length)))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (inline) {
    const assignment = `${encodeKey(segments.slice(inline.path.length))} = ${value}`;
    return [
      inline.lastValueEnd === undefined
        ? replaceRange(body, inline.open + 1, inline.close, ` ${assignment} `)
        : replaceRange(body, inline.lastValueEnd, inline.lastValueEnd, `, ${assignment}`),
    ];
  }
  const styleSource = tables
    .flatMap((t) => t.entries)
    .filter((e) => e.line)
    .at(-1);
  const owners = tables
    .filter(
      (t): t is TomlTable & { path: string[] } =>
        t.path !== null && t.path.length < segments.length && samePath(t.path, segments.slice(0, t.path.length)),
    )
    .sort((a, b) => b.path.length - a.path.length);
  const candidates = owners.map((table) => {
    const last = table.entries.filter((e) => e.line).at(-1);
    const style = (last ?? styleSource)?.line;
    const line = `${last?.line?.indent ?? ''}${encodeKey(segments.slice(table.path.length))}${style?.separator ?? ' = '}${value}`;
    return insertLineAt(body, last?.line?.next ?? table.next, line, eol);
  });
  if (segments.length > 1) {
    const header = `[${encodeKey(segments.slice(0, -1))}]${eol}${encodeKey(segments.slice(-1))}${styleSource?.line?.separator ?? ' = '}${value}`;
    // A table of its own reads better than a long dotted key, unless the prefix table exists.
    const asTable = appendBlock(body, header, eol);
    if (owners[0]?.path.length === segments.length - 1) candidates.push(asTable);
    else candidates.unshift(asTable);
  }
  return candidates;
}

function readsAsExpected(candidate: string, originalWithout: Doc, segments: string[], value: string): boolean {
  let parsed: Doc;
  try {
    parsed = parse(candidate) as Doc;
  } catch {
    return false;
  }
  if (getAt(parsed, segments) !== value) return false;
  deleteAt(parsed, segments);
  for (let depth = segments.length - 1; depth > 0; depth--) {
    const prefix = segments.slice(0, depth);
    const created = getAt(parsed, prefix);
    if (getAt(originalWithout, prefix) === undefined && isEmptyTable(created)) deleteAt(parsed, prefix);
  }
  return isDeepStrictEqual(parsed, originalWithout);
}

/** Digit segments index arrays (an existing element only: arrays never grow). */
function getAt(doc: Doc, segments: string[]): unknown {
  let node: unknown = doc;
  for (const segment of segments) {
    if (Array.isArray(node) && /^\d+$/.test(segment)) node = node[Number(segment)];
    else if (!isTable(node) || !Object.hasOwn(node, segment)) return undefined;
    else node = node[segment];
  }
  return node;
}

/** Removes the value at a path; in an array it leaves a hole, so the other indexes still compare. */
function deleteAt(doc: Doc, segments: string[]): void {
  const parent = getAt(doc, segments.slice(0, -1));
  const last = segments.at(-1)!;
  if (Array.isArray(parent) && /^\d+$/.test(last)) delete parent[Number(last)];
  else if (isTable(parent)) delete parent[last];
}

function isTable(node: unknown): node is Doc {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !(node instanceof Date);
}

function isEmptyTable(node: unknown): boolean {
  return isTable(node) && Object.keys(node).length === 0;
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function preferLiteral(kind: TomlEntry['kind'] | undefined): boolean {
  return kind === 'literal';
}

export function encodeTomlString(value: string, literal: boolean): string {
  if (literal && !/['\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return `'${value}'`;
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (ch) => {
    const short = { '\\': '\\\\', '"': '\\"', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' }[ch];
    return short ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  });
  return `"${escaped}"`;
}

function encodeKey(segments: string[]): string {
  return segments.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : encodeTomlString(s, false))).join('.');
}
