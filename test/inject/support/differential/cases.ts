// What the differential suite writes into each file: every string value the reference readers see
// (replaced), and a new key at the top level, inside the first section and in a new section.
import type { InjectFormat } from '../../../../daemon/protocol';
import type { CorpusFile } from './corpus';
import type { Reading, Tree } from './readers';

export type CaseKind = 'replace' | 'create at top level' | 'create in a section' | 'create in a new section';

export interface Case {
  file: CorpusFile;
  kind: CaseKind;
  /** The writer's path, as segments (a key may hold dots). */
  path: string[];
  /** Multi-document YAML: the document written. */
  document?: number;
}

export const NEW_KEY = 'keysmith_new_key';
export const NEW_SECTION = 'keysmith_new_section';

const FLAT: InjectFormat[] = ['env', 'properties', 'xml'];

/** Where a case's value sits in a reader's tree. */
export function treePath(c: Case): Array<string | number> {
  switch (c.file.format) {
    case 'env':
    case 'properties':
      return [c.path.join('.')];
    case 'xml':
      return ['settings', c.path.join('.')];
    case 'yaml':
      return [c.document ?? 0, ...c.path];
    case 'ini':
      return c.path.length === 1 ? ['', c.path[0]!] : [c.path.slice(0, -1).join('.'), c.path.at(-1)!];
    default:
      return c.path;
  }
}

export function casesFor(file: CorpusFile, before: Reading[]): Case[] {
  const trees = before.flatMap((r) => ('tree' in r ? [r.tree] : []));
  if (trees.length === 0) return [];
  const cases: Case[] = [];
  const seen = new Set<string>();
  const add = (c: Case) => {
    const id = JSON.stringify([c.kind, c.path, c.document]);
    if (seen.has(id)) return;
    cases.push(c);
    seen.add(id);
  };
  for (const tree of trees) for (const c of replacements(file, tree)) add(c);
  const roots = file.format === 'yaml' ? (trees[0] as Tree[]).map((doc, i) => ({ doc, i })) : [{ doc: trees[0], i: undefined }];
  for (const { doc, i } of roots) {
    const document = roots.length > 1 ? i : undefined;
    add({ file, kind: 'create at top level', path: [NEW_KEY], document });
    if (FLAT.includes(file.format)) continue;
    const section = firstSection(file.format, doc);
    if (section !== undefined) add({ file, kind: 'create in a section', path: [section, NEW_KEY], document });
    add({ file, kind: 'create in a new section', path: [NEW_SECTION, NEW_KEY], document });
  }
  return cases;
}

function replacements(file: CorpusFile, tree: Tree): Case[] {
  const replace = (path: string[], document?: number): Case => ({ file, kind: 'replace', path, document });
  switch (file.format) {
    case 'env':
    case 'properties':
      return stringLeaves(tree, 1).map((p) => replace(p));
    case 'xml':
      return Object.entries((tree as { settings: Record<string, string> }).settings).map(([key]) => replace([key]));
    case 'ini':
      return Object.entries(tree as Record<string, Record<string, unknown>>).flatMap(([section, keys]) =>
        Object.entries(keys)
          .filter(([, v]) => typeof v === 'string')
          .map(([key]) => replace(section ? [section, key] : [key])),
      );
    case 'yaml': {
      const docs = tree as Tree[];
      return docs.flatMap((doc, i) => stringLeaves(doc).map((p) => replace(p, docs.length > 1 ? i : undefined)));
    }
    default:
      return stringLeaves(tree).map((p) => replace(p));
  }
}

function stringLeaves(node: Tree, maxDepth = Infinity, prefix: string[] = []): string[][] {
  if (typeof node === 'string') return prefix.length > 0 ? [prefix] : [];
  if (node === null || typeof node !== 'object' || node instanceof Date || prefix.length >= maxDepth) return [];
  return Object.entries(node).flatMap(([key, value]) => stringLeaves(value, maxDepth, [...prefix, key]));
}

function firstSection(format: InjectFormat, tree: Tree): string | undefined {
  if (tree === null || typeof tree !== 'object') return undefined;
  if (format === 'ini') return Object.keys(tree).find((s) => s !== '');
  return Object.entries(tree).find(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date))?.[0];
}
