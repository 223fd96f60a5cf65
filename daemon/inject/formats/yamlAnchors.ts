// Anchors and aliases make one node appear in several places: `a: &x Foo` then `b: *x` (or a merge
// `<<: *x`, or `*x` as a key). Editing such a node, or anything inside it, changes every copy, so
// the writer refuses instead of making a wider change than the one value asked for.
import { isAlias, isMap, isNode, isScalar, isSeq, visit, type Document, type Node, type YAMLMap } from 'yaml';
import { PathError } from './types';

export function refuseSharedNodes(doc: Document, chain: Node[], segments: string[]): void {
  const where = segments.join('.');
  const last = chain.at(-1);
  if (last && isAlias(last)) {
    throw new PathError(
      `"${where}" is an alias (*) of a node anchored elsewhere; writing it would change the anchored node and every alias of it. Write the anchored value by hand, or give this key a value of its own.`,
    );
  }
  const aliased = aliasedAnchors(doc);
  if (aliased.size === 0) return;
  const shared = chain.find((node) => isNode(node) && node.anchor !== undefined && aliased.has(node.anchor));
  if (shared) {
    const whole = shared === last ? 'is' : 'is inside';
    throw new PathError(
      `"${where}" ${whole} a node with an anchor (&) that aliases (*) repeat elsewhere in the file; writing it would change every copy. Write it by hand, or give this key a value of its own.`,
    );
  }
}

function aliasedAnchors(doc: Document): Set<string> {
  const names = new Set<string>();
  visit(doc, {
    Alias(_, alias) {
      names.add(alias.source);
    },
  });
  return names;
}

/**
 * A key a mapping only inherits through a merge (`<<: *base`) can be overridden by a key of its
 * own, but creating a mapping there to hold a deeper path would hide every other inherited key.
 */
export function refuseMergedParent(doc: Document, map: YAMLMap | null, missing: string[], segments: string[]): void {
  if (!map || missing.length < 2) return;
  const merged = map.items
    .filter((pair) => isScalar(pair.key) && pair.key.value === '<<')
    .flatMap((pair) => (isSeq(pair.value) ? pair.value.items : [pair.value]));
  const sources = merged.map((node) => (isAlias(node) ? node.resolve(doc) : node));
  if (sources.some((source) => isMap(source) && source.items.some((pair) => isScalar(pair.key) && String(pair.key.value) === missing[0]))) {
    throw new PathError(
      `"${segments.join('.')}" runs through a key this mapping inherits from a merge (<<); creating it here would hide the other inherited values. Write it where the merged mapping is anchored, by hand.`,
    );
  }
}
