// Finding records by id, in the committed state or inside a transaction's draft.
import { notFound } from '../errors';
import type { KeyRecord, StoreData } from '../store/types';

export function keyInDraft(data: Readonly<StoreData>, id: string): KeyRecord {
  const key = data.keys.find((candidate) => candidate.id === id);
  if (!key) throw notFound('key', id);
  return key;
}

export function copyOfKey(data: Readonly<StoreData>, id: string): KeyRecord {
  return structuredClone(keyInDraft(data, id));
}
