// JSON / JSONC writer: jsonc-parser computes the smallest edit, with formatting options read from
// the file itself so a created property looks like its neighbours.
import {
  applyEdits,
  findNodeAtLocation,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { detectEol, pathSegments, positionOf, withoutBom } from './text';
import { FormatError, PathError, type ValueChange } from './types';

export function writeJson(text: string, change: ValueChange): string {
  const { body, restore } = withoutBom(text);
  const root = body.trim() === '' ? undefined : parseJsonTree(body);
  const path = toJsonPath(root, pathSegments(change.path));
  const compact = root && compactParent(body, root, path);
  if (compact) return restore(insertIntoCompactObject(body, compact, change.value));
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
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = positionOf(body, first.offset);
    throw new FormatError('JSON', line, column, describeJsonError(printParseErrorCode(first.error)));
  }
  return root;
}

function describeJsonError(code: string): string {
  // "ValueExpected" -> "value expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

interface CompactParent {
  node: Node;
  /** Path segments below `node` that do not exist yet. */
  missing: JSONPath;
}

/**
 * The existing object a missing path would be added to, when it is written on one line.
 * jsonc-parser's formatter would spread such an object over several lines; we keep it on one.
 */
function compactParent(body: string, root: Node, path: JSONPath): CompactParent | undefined {
  if (findNodeAtLocation(root, path)) return undefined;
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const node = findNodeAtLocation(root, path.slice(0, depth));
    if (!node) continue;
    const text = body.slice(node.offset, node.offset + node.length);
    const oneLine = node.type === 'object' && node.children?.length && !text.includes('\n');
    return oneLine ? { node, missing: path.slice(depth) } : undefined;
  }
  return undefined;
}

/** `{"a": 1}` + b.c -> `{"a": 1, "b": {"c": "v"}}`, spaced like the object's first property. */
function insertIntoCompactObject(body: string, { node, missing }: CompactParent, value: string): string {
  const first = node.children![0]!;
  const colon = first.colonOffset ?? first.offset;
  const afterColon = body.slice(colon + 1, first.children?.[1]?.offset ?? colon + 1);
  const separator = `:${afterColon}`;
  let inner = JSON.stringify(value);
  for (let i = missing.length - 1; i >= 1; i--) inner = `{${JSON.stringify(String(missing[i]))}${separator}${inner}}`;
  const last = node.children!.at(-1)!;
  const insertAt = last.offset + last.length;
  const property = `, ${JSON.stringify(String(missing[0]))}${separator}${inner}`;
  return body.slice(0, insertAt) + property + body.slice(insertAt);
}

/** Digit segments index into arrays that exist; everywhere else they are property names. */
function toJsonPath(root: Node | undefined, segments: string[]): JSONPath {
  const path: JSONPath = [];
  for (const segment of segments) {
    const parent = root ? findNodeAtLocation(root, path) : undefined;
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
