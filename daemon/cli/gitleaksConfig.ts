// `keysmith scan --gitleaks-config`: a gitleaks rule for this store's service prefixes, for teams whose
// CI already runs gitleaks. gitleaks matches the shape only; `keysmith scan` also checks each key's
// checksum and asks the daemon about its state.
import { stringify } from 'smol-toml';
import type { ServiceList } from '../protocol';
import { connect } from '../cliClient';

export async function gitleaksConfig(dataDir: string): Promise<string> {
  const { items } = await (await connect(dataDir)).call<ServiceList>('GET', '/v1/services');
  const prefixes = [...new Set(items.map((service) => service.prefix))].sort();
  const rule = {
    id: 'keysmith-api-key',
    description: `Keysmith API key (${prefixes.join(', ')})`,
    // Go RE2 syntax, also valid in JavaScript: prefix, environment tag, 32 random + 6 checksum base62.
    regex: `\\b(?:${prefixes.join('|')})_(?:test|live)_[0-9A-Za-z]{38}\\b`,
    keywords: prefixes.flatMap((prefix) => [`${prefix}_live_`, `${prefix}_test_`]),
    tags: ['keysmith', 'api-key'],
  };
  const header = [
    '# gitleaks rule for the Keysmith keys of this store, printed by `keysmith scan --gitleaks-config`.',
    "# [extend] useDefault keeps gitleaks' own rules. Regenerate this file when a service is added.",
    '',
  ].join('\n');
  return `${header}${stringify({ title: 'Keysmith keys', extend: { useDefault: true }, rules: [rule] })}\n`;
}
