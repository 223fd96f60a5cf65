// Which stored keys have these secret hashes: how a scanner names the keys it found in files without
// sending a secret. The answer holds key views only, and nothing for a hash the store does not know.
import type { KeyLookupResponse, KeyView } from '../protocol';
import { toKeyView } from '../keys/keyState';
import type { KeyRepository } from '../store/repositories';

export async function lookupKeysByHash(keys: KeyRepository, now: Date, hashes: readonly string[]): Promise<KeyLookupResponse> {
  // In the order asked, each hash once. Asked of the store itself (hashes are capped per request), so a
  // key deleted or rotated a moment ago is answered as the store has it now.
  const wanted = [...new Set(hashes)];
  const found = await Promise.all(wanted.map((hash) => keys.findByHash(hash)));
  return {
    items: wanted.flatMap((hash, i) => {
      const key = found[i];
      const view: KeyView | undefined = key === undefined ? undefined : toKeyView(key, now);
      return view ? [{ hash, key: view }] : [];
    }),
  };
}
