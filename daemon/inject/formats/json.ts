// JSON / JSONC writer on jsonc-parser's syntax tree: an existing value's bytes are replaced; a new
// property is inserted as a line in its object's own indentation; jsonc-parser's modify (with
// formatting options read from the file) handles what remains: empty objects, empty files.
import {
  applyEdits,
  createScanner,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { detectEol, MAX_NESTING, pathSegments, positionOf, tooDeep, withoutBom } from './text';
import { FormatError, PathError, type ValueChange } from './types';

export function writeJson(text: string, change: ValueChange): string {
  const { body, restore } = withoutBom(text);
  const root = body.trim() === '' ? undefined : parseJsonTree(body);
  const path = toJsonPath(root, pathSegments(change.path));
  const existing = root && nodeAt(root, path);
  if (existing) {
    const replaced = body.slice(0, existing.offset) + JSON.stringify(change.value) + body.slice(existing.offset + existing.length);
    return restore(replaced);
  }
  const point = root && insertionPoint(root, path);
  if (point) return restore(insertProperty(body, point, change.value));
  let edits;
  try {
    edits = modify(body, path, change.value, { formattingOptions: detectFormatting(body) });
  } catch (error) {
    // jsonc-parser says e.g. "Can not add index to parent of type string"; that names no content.
    throw new PathError(`The path cannot be set in this JSON file: ${(error as Error).message}.`);
  }
  return restore(applyEdits(body, edits));
}

export function parseJsonTree(body: string): Node | undefined {
  // parseTree recurses once per level: refuse what would exhaust the stack before it does.
  if (nestingDepth(body) > MAX_NESTING) throw tooDeep('JSON');
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = positionOf(body, first.offset);
    throw new FormatError('JSON', line, column, describeJsonError(printParseErrorCode(first.error)));
  }
  return root;
}

// jsonc-parser's SyntaxKind is a const enum, which isolatedModules cannot read; these are its values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/** The deepest bracket nesting, from jsonc-parser's token scanner (strings and comments skipped). */
function nestingDepth(body: string): number {
  const scanner = createScanner(body, true);
  let depth = 0;
  let deepest = 0;
  for (let token: number = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) deepest = Math.max(deepest, ++depth);
    else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

function describeJsonError(code: string): string {
  // "ValueExpected" -> "value expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

interface InsertionPoint {
  /** The existing, non-empty object the missing path starts in. */
  node: Node;
  /** Path segments below `node` that do not exist yet. */
  missing: JSONPath;
}

/**
 * Where a missing path joins the document, when that is a non-empty object. jsonc-parser's own
 * insertion re-formats neighbouring properties; we add lines and leave every other byte alone.
 */
function insertionPoint(root: Node, path: JSONPath): InsertionPoint | undefined {
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const node = nodeAt(root, path.slice(0, depth));
    if (!node) continue;
    return node.type === 'object' && node.children?.length ? { node, missing: path.slice(depth) } : undefined;
  }
  return undefined;
}

function insertProperty(body: string, { node, missing }: InsertionPoint, value: string): string {
  const first = node.children![0]!;
  const last = node.children!.at(-1)!;
  const lastEnd = last.offset + last.length;
  const close = node.offset + node.length - 1;
  const lineBreak = body.indexOf('\n', lastEnd);
  const separator = `:${body.slice((first.colonOffset ?? first.offset) + 1, first.children?.[1]?.offset)}`;
  if (lineBreak === -1 || lineBreak > close) {
    // `{"a": 1}` or `..., "a": 1 }`: stay on that line.
    const inline = nested(missing, value, separator, null);
    return `${body.slice(0, lastEnd)}, ${inline}${body.slice(lastEnd)}`;
  }
  const { eol, insertSpaces, tabSize } = detectFormatting(body);
  const unit = insertSpaces ? ' '.repeat(tabSize ?? 2) : '\t';
  const indent = /^[ \t]*/.exec(body.slice(body.lastIndexOf('\n', last.offset) + 1))![0];
  const trailingComma = /^[ \t]*,/.test(body.slice(lastEnd));
  const property = nested(missing, value, separator, { eol: eol!, indent, unit });
  const line = `${indent}${property}${trailingComma ? ',' : ''}${eol}`;
  const afterLine = lineBreak + 1;
  const withLine = body.slice(0, afterLine) + line + body.slice(afterLine);
  return trailingComma ? withLine : `${withLine.slice(0, lastEnd)},${withLine.slice(lastEnd)}`;
}

/** `"a": {"b": "v"}` on one line, or spread over lines at `indent` plus one `unit` per level. */
function nested(missing: JSONPath, value: string, separator: string, lines: { eol: string; indent: string; unit: string } | null): string {
  let inner = JSON.stringify(value);
  for (let i = missing.length - 1; i >= 1; i--) {
    const key = `${JSON.stringify(String(missing[i]))}${separator}${inner}`;
    if (!lines) inner = `{${key}}`;
    else {
      const pad = lines.indent + lines.unit.repeat(i);
      const closePad = lines.indent + lines.unit.repeat(i - 1);
      inner = `{${lines.eol}${pad}${key}${lines.eol}${closePad}}`;
    }
  }
  return `${JSON.stringify(String(missing[0]))}${separator}${inner}`;
}

/**
 * The node at a path, taking the LAST of duplicate keys: that is the one JSON.parse and most
 * readers keep (jsonc-parser's findNodeAtLocation takes the first).
 */
function nodeAt(root: Node, path: JSONPath): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (node?.type === 'object' && typeof segment === 'string') {
      const property: Node | undefined = node.children?.filter((p) => p.children?.[0]?.value === segment).at(-1);
      node = property?.children?.[1];
    } else if (node?.type === 'array' && typeof segment === 'number') {
      node = node.children?.[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Digit segments index into arrays that exist; everywhere else they are property names. */
function toJsonPath(root: Node | undefined, segments: string[]): JSONPath {
  const path: JSONPath = [];
  for (const segment of segments) {
    const parent = root ? nodeAt(root, path) : undefined;
    path.push(parent?.type === 'array' && /^\d+$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

/** Indentation from the first indented line, newline from the first newline. */
export function detectFormatting(body: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(body)?.[1];
  const insertSpaces = !indent?.startsWith('\t');
  return {
    insertSpaces,
    tabSize: insertSpaces ? (indent?.length ?? 2) : 1,
    eol: detectEol(body),
  };
}
