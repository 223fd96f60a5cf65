// Shared by the extension-host tests: the activated extension's API, a sinon sandbox per test for
// the prompts, and keys created straight through the daemon so each test starts from known data.
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Environment, KeyCreated, Service } from '../../daemon/protocol';
import type { KeysmithApi } from '../../extension/extension';
import type { KeyNode, KeyTreeNode } from '../../extension/tree/nodes';

export const EXTENSION_ID = 'keysmith.keysmith';
let api: KeysmithApi | undefined;

/** Activates the extension under test once and waits for its first connection attempt. */
export async function keysmith(): Promise<KeysmithApi> {
  if (api) return api;
  const extension = vscode.extensions.getExtension<KeysmithApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  api = await extension.activate();
  await api.ready;
  return api;
}

/** Every key row of the tree as it shows now (service and environment rows expanded). */
export async function keyRows(ks?: KeysmithApi): Promise<KeyNode[]> {
  const api = ks ?? (await keysmith());
  const rows: KeyNode[] = [];
  const walk = async (node?: KeyTreeNode) => {
    for (const child of await api.keyTree.getChildren(node)) {
      if (child.kind === 'key') rows.push(child);
      else if (child.kind === 'service' || child.kind === 'environment') await walk(child);
    }
  };
  await walk();
  return rows;
}

/** A fresh sandbox per test, restored afterwards, so no stub leaks into the next test. */
export function useSandbox(): () => sinon.SinonSandbox {
  let sandbox: sinon.SinonSandbox | undefined;
  beforeEach(() => (sandbox = sinon.createSandbox()));
  afterEach(() => sandbox?.restore());
  return () => {
    assert.ok(sandbox, 'sandbox used outside a test');
    return sandbox;
  };
}

/** An enabled service; with `withPermissions`, one that has methods to grant; with `withHeader`, one whose keys have an Authorization header. */
export async function enabledService(ks: KeysmithApi, withPermissions = false, withHeader = false): Promise<Service> {
  const services = await ks.client.listServices();
  const service = services.find((s) => s.enabled && (!withPermissions || s.permissions.length > 0) && (!withHeader || s.scheme !== 'pair'));
  assert.ok(service, 'the daemon offers no enabled service');
  return service;
}

let counter = 0;
/** A unique name, so tests can find their own keys among everyone else's. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createKey(ks: KeysmithApi, environment: Environment = 'test', name = uniqueName('key')): Promise<KeyCreated> {
  const service = await enabledService(ks, false, true);
  return ks.client.createKey({ serviceId: service.id, environment, name });
}

/** Polls until `check` holds; generous because CI machines are loaded, never a timing assertion. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Makes showQuickPick answer with the first item matching each predicate, in call order. */
export function answerQuickPicks(stub: sinon.SinonStub, ...choosers: Array<(item: vscode.QuickPickItem) => boolean>): void {
  choosers.forEach((choose, i) => {
    stub
      .onCall(i)
      .callsFake(
        async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
          const list = await items;
          const picked = list.filter(choose);
          assert.ok(picked.length, `quick pick ${i} offered nothing matching (${list.map((x) => x.label).join(', ')})`);
          return options?.canPickMany ? picked : picked[0];
        },
      );
  });
}

/** A fake for showWarningMessage / showInformationMessage that clicks the first action button. */
export const clickFirstAction = (async (...args: unknown[]) => args.slice(1).find((a) => typeof a === 'string')) as never;
