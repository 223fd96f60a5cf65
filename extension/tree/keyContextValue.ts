// A key row's contextValue, which package.json's menus match with regular expressions. No vscode
// import: the menu tests evaluate the manifest's `when` clauses against it outside VS Code.
import type { KeyView } from '../../daemon/protocol';

/**
 * `key.<state>[.inactive][.retrievable]:<own|others>:<environment>`: `.inactive` marks a scheduled or
 * expired key whose stored status is inactive, so "reactivate" menus can find it; `.retrievable` gates
 * "reveal". `:own` (created by the member the daemon acts as) or `:others`, and the environment, let
 * menus offer a role's "its own keys" actions (team/roleCapabilities.ts) on the right rows only.
 */
export function keyContextValue(key: KeyView, own: boolean): string {
  let value = `key.${key.state}`;
  if (key.status === 'inactive' && key.state !== 'inactive') value += '.inactive';
  if (key.retrievable) value += '.retrievable';
  return `${value}:${own ? 'own' : 'others'}:${key.environment}`;
}
