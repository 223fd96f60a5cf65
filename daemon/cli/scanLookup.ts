// Names the keys a scan found by asking the daemon about their hashes (POST /v1/keys/lookup): the keys
// themselves never leave this process. A scan must still report when no daemon answers, so failure to
// reach it is an answer here (`unreachable`), not an error.
import type { KeyLookupResponse, KeyView } from '../protocol';
import { MAX_LOOKUP_HASHES } from '../../common/lookupLimits';
import { connect } from '../cliClient';

export interface LookupOutcome {
  views: Map<string, KeyView>;
  /** Why the daemon could not be asked; every key's state is then unknown. */
  unreachable?: string;
}

export async function lookupHashes(dataDir: string, hashes: readonly string[]): Promise<LookupOutcome> {
  const views = new Map<string, KeyView>();
  if (hashes.length === 0) return { views };
  try {
    const daemon = await connect(dataDir);
    for (let start = 0; start < hashes.length; start += MAX_LOOKUP_HASHES) {
      const answer = await daemon.call<KeyLookupResponse>('POST', '/v1/keys/lookup', {
        hashes: hashes.slice(start, start + MAX_LOOKUP_HASHES),
      });
      for (const { hash, key } of answer.items) views.set(hash, key);
    }
    return { views };
  } catch (error) {
    return { views: new Map(), unreachable: (error as Error).message };
  }
}
