// Makes a display language available to code-server without the marketplace. VS Code resolves the
// display language from `languagepacks.json` in the user-data-dir; desktop VS Code's shared process
// writes it when a language pack is installed, but code-server's CLI install does not, so we write
// the same record for our fixture pack (fixtures/language-pack-<lang>) after installing it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Adds every `contributes.localizations` entry of an installed extension to languagepacks.json. */
export function registerLanguagePack(profile, installedExtensionDir) {
  const manifest = JSON.parse(readFileSync(path.join(installedExtensionDir, 'package.json'), 'utf8'));
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const file = path.join(profile.userDataDir, 'languagepacks.json');
  let packs = {};
  try {
    packs = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // First pack registered in this profile.
  }
  for (const localization of manifest.contributes?.localizations ?? []) {
    const translations = {};
    for (const t of localization.translations) translations[t.id] = path.join(installedExtensionDir, t.path);
    packs[localization.languageId.toLowerCase()] = {
      // VS Code keys its translation cache (clp/<hash>.<lang>) on this hash.
      hash: createHash('md5').update(`${id}@${manifest.version}`).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
      translations,
      label: localization.localizedLanguageName ?? localization.languageName,
    };
  }
  writeFileSync(file, JSON.stringify(packs, null, 2));
}
