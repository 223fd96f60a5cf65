// Anchors and aliases make one node appear in several places: `a: &x Foo` then `b: *x` (or a merge
// `<<: *x`, or `*x` as a key). Editing such a node, or anything inside it, changes every copy, so
// the writer refuses instead of making a wider change than the one value asked for.
import { isAlias, isNode, visit, type Document, type Node } from 'yaml';
import { PathError } from './types';

export function refuseSharedNodes(doc: Document, chain: Node[], segments: string[]): void {
  const where = segments.join('.');
  const last = chain.at(-1);
  if (last && isAlias(last)) {
    throw new PathError(`"${where}" is an alias (*) of a node anchored elsewhere; writing it would change the anchored node and every alias of it. Write the anchored value by hand, or give this key a value of its own.`);
  }
  const aliased = aliasedAnchors(doc);
  if (aliased.size === 0) return;
  const shared = chain.find((node) => isNode(node) && node.anchor !== undefined && aliased.has(node.anchor));
  if (shared) {
    const whole = shared === last ? 'is' : 'is inside';
    throw new PathError(`"${where}" ${whole} a node with an anchor (&) that aliases (*) repeat elsewhere in the file; writing it would change every copy. Write it by hand, or give this key a value of its own.`);
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
