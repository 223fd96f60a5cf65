// Reads what the extension contributes (commands, view container) from its package.json and
// resolves `%key%` placeholders through package.nls[.<locale>].json, so the UI tests look for exactly
// the titles a user sees in either language instead of copies that drift from the manifest.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

export function manifest() {
  return readJson(path.join(REPO_ROOT, 'package.json'));
}

function nlsTable(locale) {
  const base = readJson(path.join(REPO_ROOT, 'package.nls.json'));
  const localized = path.join(REPO_ROOT, `package.nls.${locale}.json`);
  return locale === 'en' || !existsSync(localized) ? base : { ...base, ...readJson(localized) };
}

/** The text VS Code shows for a manifest string in `locale`. */
export function localize(value, locale = 'en') {
  const match = /^%(.+)%$/.exec(value ?? '');
  if (!match) return value;
  const entry = nlsTable(locale)[match[1]];
  if (entry === undefined) throw new Error(`package.nls${locale === 'en' ? '' : `.${locale}`}.json has no "${match[1]}"`);
  return typeof entry === 'string' ? entry : entry.message;
}

/** "Category: Title" as the command palette lists it. */
export function commandPaletteLabel(commandId, locale = 'en') {
  const command = (manifest().contributes?.commands ?? []).find((c) => c.command === commandId);
  if (!command) throw new Error(`package.json contributes no command "${commandId}"`);
  const title = localize(command.title, locale);
  return command.category ? `${localize(command.category, locale)}: ${title}` : title;
}

/** The activity-bar container holding the `keysmith.keys` view. */
export function keysViewContainerTitle(locale = 'en') {
  const { viewsContainers = {}, views = {} } = manifest().contributes ?? {};
  const containerId = Object.keys(views).find((id) => views[id].some((v) => v.id === 'keysmith.keys'));
  const container = (viewsContainers.activitybar ?? []).find((c) => c.id === containerId);
  if (!container) throw new Error('package.json has no activity-bar container for the view keysmith.keys');
  return localize(container.title, locale);
}
