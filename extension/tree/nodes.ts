// The kinds of row in the key tree. Plain data: KeyTreeProvider builds them and turns them into
// TreeItems; commands receive a KeyNode when run from a row.
import type { Environment, KeyView, Service } from '../../daemon/protocol';

export interface ServiceNode {
  readonly kind: 'service';
  readonly service: Service;
  readonly environments: EnvironmentNode[];
}

export interface EnvironmentNode {
  readonly kind: 'environment';
  readonly service: Service;
  readonly environment: Environment;
  readonly parent: ServiceNode;
  /** Keys loaded so far, in the daemon's order; more pages are fetched on "Load more". */
  keys: KeyNode[];
  total: number;
  nextPage: number;
}

export interface KeyNode {
  readonly kind: 'key';
  readonly key: KeyView;
  readonly service: Service | undefined;
  readonly parent: EnvironmentNode | undefined;
}

export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly parent: EnvironmentNode;
}

/** A single line telling why the tree is empty or failed (filter matched nothing, daemon error). */
export interface MessageNode {
  readonly kind: 'message';
  readonly text: string;
  readonly icon: string;
}

export type KeyTreeNode = ServiceNode | EnvironmentNode | KeyNode | LoadMoreNode | MessageNode;

export function isKeyNode(value: unknown): value is KeyNode {
  return typeof value === 'object' && value !== null && (value as KeyNode).kind === 'key' && 'key' in value;
}
