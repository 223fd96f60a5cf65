// What a scan found, key by key, and which findings block a commit.
//
// A finding blocks when its key can still verify, now or later, and git carries (or would carry) its
// file. Only a revoked key is harmless: an inactive key can be reactivated, an expired one's dates
// edited, a scheduled one starts by itself. A Keysmith-format key this store does not know (another
// store's, or any key while the daemon is down) blocks too: nothing says it is dead.
import type { Environment, KeyState, KeyView } from '../protocol';
import type { RecognizedKey } from '../../common/keyRecognition';
import type { GitPlace } from './scanSources';

export interface Finding {
  file: string;
  line: number;
  column: number;
  git: GitPlace;
  prefix: string;
  environment: Environment;
  masked: string;
  /** The daemon's state for the key, or `unknown` (not in this store, or no daemon answered). */
  state: KeyState | 'unknown';
  key?: Pick<KeyView, 'id' | 'name' | 'serviceId' | 'environment'>;
  blocks: boolean;
}

/** Files git tracks, has staged, or would add with `git add .`. */
const COMMITTED_PLACES: ReadonlySet<GitPlace> = new Set(['tracked', 'untracked', 'staged']);

export function findingOf(file: string, git: GitPlace, found: RecognizedKey, view: KeyView | undefined): Finding {
  const state = view?.state ?? 'unknown';
  const finding: Finding = {
    file,
    line: found.line,
    column: found.column,
    git,
    prefix: found.prefix,
    environment: view?.environment ?? (found.tag === 'live' ? 'production' : 'test'),
    masked: `****${found.hint}`,
    state,
    blocks: COMMITTED_PLACES.has(git) && state !== 'revoked',
  };
  if (view) finding.key = { id: view.id, name: view.name, serviceId: view.serviceId, environment: view.environment };
  return finding;
}
