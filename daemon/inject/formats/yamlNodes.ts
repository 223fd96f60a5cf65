// Finding things in a parsed YAML document by path, the way a config reader sees them: map keys
// compared as text, digit segments index sequences. Shared by the writer and its self-check.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type YAMLError, type YAMLMap } from 'yaml';
import { positionOf } from './text';
import { FormatError, PathError } from './types';

export type Located =
  /** `inFlow`: the value sits in a `[...]`/`{...}` collection, where `,[]{}` end a plain scalar. */
  (
    | { found: true; node: Node | null; inFlow: boolean }
    /** `map` is where `segments[depth]` is missing. */
    | { found: false; map: YAMLMap | null; depth: number }
  ) & {
    /** Every node the path went through, from the document's root to the one found (or the map). */
    chain: Node[];
  };

const REASONS: Record<string, string> = {
  BAD_INDENT: 'bad indentation',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTIPLE_DOCS: 'the file holds several YAML documents',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  BLOCK_AS_IMPLICIT_KEY: 'nested mappings are not allowed in compact mappings',
  MULTILINE_IMPLICIT_KEY: 'implicit keys must be on a single line',
  BAD_ALIAS: 'an alias is not valid here',
  UNEXPECTED_TOKEN: 'unexpected token',
};

/** A FormatError whose reason is a fixed phrase: yaml's own messages quote the source. */
export function yamlFormatError(body: string, error: YAMLError): FormatError {
  const { line, column } = positionOf(body, error.pos[0]);
  const reason = REASONS[error.code] ?? error.code.toLowerCase().replace(/_/g, ' ');
  return new FormatError('YAML', line, column, reason);
}

export function locate(doc: Document, segments: string[]): Located {
  let node = doc.contents as Node | null;
  let inFlow = false;
  const chain: Node[] = [];
  for (let depth = 0; depth < segments.length; depth++) {
    const segment = segments[depth]!;
    // A document with nothing but comments between two "---" reads as an empty scalar, not as null.
    const empty = node === null || (depth === 0 && isScalar(node) && node.value === null && node.source === '');
    if (empty) {
      if (depth === 0) return { found: false, map: null, depth, chain };
      throw new PathError(`"${segments.slice(0, depth).join('.')}" is empty, not a mapping.`);
    }
    chain.push(node!);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === segment);
      if (!pair) return { found: false, map: node, depth, chain };
      inFlow = Boolean(node.flow);
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
      inFlow = Boolean(node.flow);
      node = node.items[Number(segment)] as Node;
    } else {
      const where = segments.slice(0, depth).join('.') || 'the document root';
      const what = isAlias(node) ? 'an alias' : isSeq(node) ? 'a sequence without that index' : 'a value';
      throw new PathError(`"${where}" holds ${what}, so "${segment}" cannot be set under it.`);
    }
  }
  if (node) chain.push(node);
  return { found: true, node, inFlow, chain };
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
}

/** Column (0-based) of an offset: the indentation a node's siblings share. */
export function columnOf(text: string, offset: number): number {
  return positionOf(text, offset).column - 1;
}

/** The smallest indentation step used in the file, for creating nested mappings; 2 by default. */
export function indentUnit(text: string): number {
  let unit = 0;
  for (const match of text.matchAll(/\n( +)[^\s#-]/g)) {
    const width = match[1]!.length;
    if (unit === 0 || width < unit) unit = width;
  }
  return unit || 2;
}
