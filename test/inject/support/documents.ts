// fast-check arbitraries for the property tests: nested string trees, paths into them (existing
// leaves or new keys) and values drawn from the characters config formats find awkward.
import fc from 'fast-check';

export type Tree = { [key: string]: string | Tree };

export const bareKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
/** Keys that need quoting or array paths in structured formats. */
export const awkwardKey = fc.oneof({ weight: 4, arbitrary: bareKey }, fc.constantFrom('a b', 'x.y', 'dash-key', 'clé', 'true', '1'));

/** Characters existing values are made of: safe to write unquoted in every format. */
export const plainValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,14}$/);

const awkwardChar = fc.constantFrom(...'abcXYZ019_-.=+/ #$\'"`\\:;,[]{}!&<>@%*?|~^'.split(''), 'é', '✓', '😀', '\t');
/** New values: mostly secret-like, sometimes full of characters that need quoting or escaping. */
export const newValue = fc.oneof(
  fc.stringMatching(/^[a-z]{2,5}_(test|live)_[0-9A-Za-z]{20,38}$/),
  fc.string({ unit: awkwardChar, maxLength: 24 }),
);

export function treeOf(key: fc.Arbitrary<string>, leaf: fc.Arbitrary<string>, depth: number): fc.Arbitrary<Tree> {
  const child: fc.Arbitrary<string | Tree> = depth <= 1 ? leaf : fc.oneof({ weight: 3, arbitrary: leaf }, treeOf(key, leaf, depth - 1));
  return fc.dictionary(key, child, { maxKeys: 5 });
}

export interface PathPick {
  existing: boolean;
  pick: number;
  tail: string[];
}

export const pathPick = fc.record({ existing: fc.boolean(), pick: fc.nat(), tail: fc.array(bareKey, { minLength: 1, maxLength: 2 }) });

function leaves(tree: Tree, prefix: string[] = []): string[][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[...prefix, k]] : leaves(v, [...prefix, k])));
}

function maps(tree: Tree, prefix: string[] = []): string[][] {
  return [prefix, ...Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [] : maps(v, [...prefix, k])))];
}

/** An existing leaf, or a new key (plus maybe a level more) under an existing mapping. */
export function choosePath(tree: Tree, { existing, pick, tail }: PathPick, maxDepth = Infinity): string[] {
  const all = leaves(tree);
  if (existing && all.length > 0) return all[pick % all.length]!;
  const parents = maps(tree).filter((p) => p.length < maxDepth);
  const parent = parents[pick % parents.length]!;
  const node = getIn(tree, parent) as Tree;
  const fresh = `new_${tail[0]}`;
  const path = [...parent, Object.hasOwn(node, fresh) ? `${fresh}_x` : fresh, ...tail.slice(1)];
  return path.slice(0, Math.max(parent.length + 1, Math.min(path.length, maxDepth)));
}

export function getIn(tree: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], tree);
}

/** A copy with `value` at `path`, creating mappings on the way. */
export function setIn(tree: Tree, path: string[], value: string): Tree {
  const copy: Tree = structuredClone(tree);
  let node = copy;
  for (const k of path.slice(0, -1)) {
    if (typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Tree;
  }
  node[path.at(-1)!] = value;
  return copy;
}
