// Which stored keys have these secret hashes: how a scanner names the keys it found in files without
// sending a secret. The answer holds key views only, and nothing for a hash the store does not know.
import type { KeyLookupResponse, KeyView } from '../protocol';
import { toKeyView } from '../keys/keyState';
import type { KeyStore } from '../store/types';

export function lookupKeysByHash(store: KeyStore, now: Date, hashes: readonly string[]): KeyLookupResponse {
  const wanted = new Set(hashes);
  const views = new Map<string, KeyView>();
  // One pass over the keys (hashes are capped per request) reads the committed store itself, so a key
  // deleted or rotated a moment ago is answered as the store has it now.
  if (wanted.size > 0) {
    for (const key of store.read().keys) {
      if (wanted.has(key.secretHash)) views.set(key.secretHash, toKeyView(structuredClone(key), now));
    }
  }
  // In the order asked, each hash once.
  return {
    items: [...wanted].flatMap((hash) => {
      const key = views.get(hash);
      return key ? [{ hash, key }] : [];
    }),
  };
}
