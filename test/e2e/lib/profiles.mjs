// Prepares the code-server profiles a run needs: one English, one French. They share an extensions
// dir holding the Keysmith vsix and the French language-pack fixture; only the French profile
// registers the pack and asks for `fr`, so the English one stays English.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createProfile, installExtension } from './codeServer.mjs';
import { registerLanguagePack } from './languagePack.mjs';
import { FIXTURES_DIR } from './paths.mjs';
import { packageExtension } from './vsix.mjs';

const FRENCH_PACK_DIR = path.join(FIXTURES_DIR, 'language-pack-fr');

export async function prepareProfiles(root, { keysmithVsix }) {
  const en = createProfile(root, { name: 'en' });
  const fr = createProfile(root, { name: 'fr', locale: 'fr' });
  if (keysmithVsix) await installExtension(en, keysmithVsix);
  const packVsix = await packageExtension(FRENCH_PACK_DIR, path.join(root, 'language-pack-fr.vsix'));
  await installExtension(fr, packVsix);
  registerLanguagePack(fr, installedFolder(fr, 'keysmith-e2e.keysmith-e2e-language-pack-fr-'));
  return { en, fr };
}

function installedFolder(profile, prefix) {
  const match = existsSync(profile.extensionsDir) && readdirSync(profile.extensionsDir).find((d) => d.startsWith(prefix));
  if (!match) throw new Error(`${prefix}* was not installed into ${profile.extensionsDir}`);
  return path.join(profile.extensionsDir, match);
}
