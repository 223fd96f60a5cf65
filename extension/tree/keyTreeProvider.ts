// The "API Keys" tree: services -> environments -> keys. Keys come a page at a time (PAGE_SIZE per
// environment, then a "Load more" row), so a store of 10,000 keys shows as fast as one of ten.
import * as vscode from 'vscode';
import type { Environment, KeyView, Service } from '../../daemon/protocol';
import type { DaemonClient } from '../client';
import { DaemonUnavailableError } from '../daemonErrors';
import type { Log } from '../log';
import { isOwnKey } from '../team/roleCapabilities';
import type { TeamIdentity } from '../team/teamIdentity';
import { describeFilter, environmentLabel, filterToQuery, isFilterActive, type KeyFilter } from './keyFilter';
import { keyContextValue } from './keyContextValue';
import { displayState, keyDescription, keyTooltip, stateIcon } from './keyPresentation';
import type { EnvironmentNode, KeyNode, KeyTreeNode, MessageNode, ServiceNode } from './nodes';

export const PAGE_SIZE = 50;
const ENVIRONMENTS: readonly Environment[] = ['production', 'test'];

export class KeyTreeProvider implements vscode.TreeDataProvider<KeyTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<KeyTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly filterEmitter = new vscode.EventEmitter<KeyFilter>();
  /** Fires when the filter changes, so the view's description and context keys can follow. */
  readonly onDidChangeFilter = this.filterEmitter.event;
  private currentFilter: KeyFilter = {};
  /** The catalogue as of the last root load; commands use it to name services. */
  services: Service[] = [];

  constructor(
    private readonly client: DaemonClient,
    private readonly settings: () => { expiryWarningDays: number },
    private readonly log: Log,
    private readonly team: Pick<TeamIdentity, 'member' | 'capabilities'>,
  ) {}

  get filter(): KeyFilter {
    return this.currentFilter;
  }

  setFilter(filter: KeyFilter): void {
    this.currentFilter = { ...filter };
    this.filterEmitter.fire(this.currentFilter);
    this.refresh();
  }

  describeFilter(): string {
    return describeFilter(this.currentFilter, this.services, this.team.member?.name);
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  /** Fetches the next page of an environment's keys and shows them under the ones already there. */
  async loadMore(node: EnvironmentNode): Promise<void> {
    const page = await this.client.listKeys({
      ...filterToQuery(this.currentFilter),
      serviceId: node.service.id,
      environment: node.environment,
      page: node.nextPage,
      pageSize: PAGE_SIZE,
    });
    node.keys.push(...page.items.map((key) => this.keyNode(key, node)));
    node.total = page.total;
    node.nextPage += 1;
    this.changeEmitter.fire(node);
  }

  async getChildren(node?: KeyTreeNode): Promise<KeyTreeNode[]> {
    if (!node) return this.loadRoot();
    switch (node.kind) {
      case 'service':
        return node.environments;
      case 'environment':
        return node.keys.length < node.total ? [...node.keys, { kind: 'loadMore', parent: node }] : node.keys;
      default:
        return [];
    }
  }

  getParent(node: KeyTreeNode): KeyTreeNode | undefined {
    return node.kind === 'message' ? undefined : node.kind === 'service' ? undefined : node.parent;
  }

  getTreeItem(node: KeyTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'service': {
        const item = new vscode.TreeItem(node.service.name, vscode.TreeItemCollapsibleState.Expanded);
        const total = node.environments.reduce((sum, env) => sum + env.total, 0);
        item.id = `service:${node.service.id}`;
        item.description = [node.service.code, countLabel(total)].filter(Boolean).join(' · ');
        item.tooltip = node.service.description;
        item.iconPath = new vscode.ThemeIcon(node.service.enabled ? 'server' : 'server-process');
        item.contextValue = 'service';
        return item;
      }
      case 'environment': {
        const item = new vscode.TreeItem(environmentLabel(node.environment), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `env:${node.service.id}:${node.environment}`;
        item.description = countLabel(node.total);
        item.iconPath = new vscode.ThemeIcon(node.environment === 'production' ? 'rocket' : 'beaker');
        item.contextValue = `environment.${node.environment}`;
        return item;
      }
      case 'key':
        return this.keyItem(node);
      case 'loadMore': {
        const left = node.parent.total - node.parent.keys.length;
        const item = new vscode.TreeItem(vscode.l10n.t('Load more ({0} left)', left));
        item.id = `more:${node.parent.service.id}:${node.parent.environment}:${node.parent.nextPage}`;
        item.iconPath = new vscode.ThemeIcon('more');
        item.command = { command: 'keysmith.loadMore', title: vscode.l10n.t('Load more'), arguments: [node] };
        item.contextValue = 'loadMore';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'message';
        return item;
      }
    }
  }

  dispose(): void {
    this.changeEmitter.dispose();
    this.filterEmitter.dispose();
  }

  private keyItem(node: KeyNode): vscode.TreeItem {
    const { key } = node;
    const state = displayState(key, this.settings().expiryWarningDays);
    const item = new vscode.TreeItem(key.name, vscode.TreeItemCollapsibleState.None);
    item.id = `key:${key.id}`;
    item.description = keyDescription(key);
    item.tooltip = keyTooltip(key, node.service, state);
    item.iconPath = stateIcon(state);
    item.contextValue = keyContextValue(key, isOwnKey(this.team.member?.name, key));
    item.accessibilityInformation = { label: `${key.name}, ${key.masked}, ${state}` };
    item.command = { command: 'keysmith.showKeyDetails', title: vscode.l10n.t('Show Key Details'), arguments: [node] };
    return item;
  }

  private async loadRoot(): Promise<KeyTreeNode[]> {
    // A verifier's daemon lists no keys: no rows, and the welcome view says why.
    if (!this.team.capabilities.listKeys) return [];
    try {
      this.services = await this.client.listServices();
      const filter = this.currentFilter;
      const shown = this.services.filter((s) => !filter.serviceId || s.id === filter.serviceId);
      const environments = ENVIRONMENTS.filter((e) => !filter.environment || e === filter.environment);
      const nodes = await Promise.all(shown.map((service) => this.serviceNode(service, environments)));
      const withKeys = nodes.filter((n) => n.environments.length > 0);
      if (withKeys.length > 0) return withKeys;
      // No rows at all lets the welcome view ("Generate your first key") appear; with a filter on,
      // say that the filter is what hides the keys.
      return isFilterActive(filter) ? [message(vscode.l10n.t('No keys match the filter.'), 'filter')] : [];
    } catch (error) {
      if (error instanceof DaemonUnavailableError) return [];
      const text = error instanceof Error ? error.message : String(error);
      this.log.error(`Could not load the key tree: ${text}`);
      return [message(vscode.l10n.t('Could not load keys: {0}', text), 'error')];
    }
  }

  private async serviceNode(service: Service, environments: readonly Environment[]): Promise<ServiceNode> {
    const node: ServiceNode = { kind: 'service', service, environments: [] };
    const pages = await Promise.all(
      environments.map((environment) =>
        this.client.listKeys({ ...filterToQuery(this.currentFilter), serviceId: service.id, environment, page: 1, pageSize: PAGE_SIZE }),
      ),
    );
    pages.forEach((page, i) => {
      if (page.total === 0) return;
      const env: EnvironmentNode = {
        kind: 'environment',
        service,
        environment: environments[i]!,
        parent: node,
        keys: [],
        total: page.total,
        nextPage: 2,
      };
      env.keys = page.items.map((key) => this.keyNode(key, env));
      node.environments.push(env);
    });
    return node;
  }

  private keyNode(key: KeyView, parent: EnvironmentNode): KeyNode {
    return { kind: 'key', key, service: parent.service, parent };
  }
}

function message(text: string, icon: string): MessageNode {
  return { kind: 'message', text, icon };
}

function countLabel(total: number): string {
  return total === 1 ? vscode.l10n.t('1 key') : vscode.l10n.t('{0} keys', total);
}
