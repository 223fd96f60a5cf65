// What package.json's menus and welcome views show for the context keys the running extension set and
// a row's contextValue: a test asks "would VS Code show this item?" of the manifest a user's VS Code
// reads (VS Code has no API to ask it), with the `when` evaluator the unit tests use.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { evaluateWhen, type Context } from '../extension-unit/whenClause';

export type WhenContext = Context;

interface Manifest {
  contributes: {
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
  };
}

export function readManifest(extensionPath: string): Manifest {
  return JSON.parse(readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as Manifest;
}

/** Whether `menu` (e.g. `view/item/context`) shows `command` in this context. */
export function menuShows(manifest: Manifest, menu: string, command: string, context: WhenContext): boolean {
  const items = (manifest.contributes.menus[menu] ?? []).filter((item) => item.command === command);
  assert.ok(items.length, `${menu} has no ${command}`);
  return items.some((item) => evaluateWhen(item.when ?? 'true', { true: true, ...context }));
}

/** The `contents` keys (e.g. `%welcome.verifyOnly%`) of the welcome views `view` shows in this context. */
export function welcomeShown(manifest: Manifest, view: string, context: WhenContext): string[] {
  return manifest.contributes.viewsWelcome
    .filter((welcome) => welcome.view === view && evaluateWhen(welcome.when ?? 'true', { true: true, ...context }))
    .map((welcome) => welcome.contents);
}
