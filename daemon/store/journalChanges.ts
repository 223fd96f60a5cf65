// Turns what a batch changed (a ChangeSet) into journal operations: whole records put by id, ids
// deleted, top-level fields set. An array change that is not "some removed, some replaced in place,
// new ones appended" (a sort, an insertion in the middle, duplicate ids) is written as the whole
// collection, so replaying a line always rebuilds exactly the same arrays in the same order.
import { COLLECTIONS, contentsBefore, type ChangeSet, type CollectionName, type StoreRecord } from './changeTracker';
import type { CollectionIndexes } from './collectionIndex';
import type { StoreData } from './types';

export type JournalChange =
  | { op: 'put'; collection: CollectionName; record: StoreRecord }
  | { op: 'delete'; collection: CollectionName; id: string }
  | { op: 'replace'; collection: CollectionName; records: unknown[] }
  | { op: 'set'; field: string; value: unknown }
  | { op: 'unset'; field: string };

export interface DescribedBatch {
  changes: JournalChange[];
  /** Call once the batch is durable: keeps the id indexes in step with the arrays. */
  updateIndexes(): void;
}

const idOf = (value: unknown): string | undefined => {
  const id = (value as StoreRecord | null)?.id;
  return typeof value === 'object' && value !== null && typeof id === 'string' ? id : undefined;
};

export function describeBatch(
  data: StoreData,
  changeSet: ChangeSet,
  usedKeys: Iterable<string>,
  indexes: CollectionIndexes,
): DescribedBatch {
  const state = data as unknown as Record<string, unknown>;
  const changes: JournalChange[] = [];
  const indexUpdates: Array<() => void> = [];

  for (const [field] of changeSet.fields) {
    if ((COLLECTIONS as readonly string[]).includes(field)) continue;
    changes.push(Object.hasOwn(state, field) ? { op: 'set', field, value: state[field] } : { op: 'unset', field });
  }

  for (const collection of COLLECTIONS) {
    const dirty = new Map<StoreRecord, StoreRecord | undefined>();
    for (const [record, { collection: of, before }] of changeSet.records) if (of === collection) dirty.set(record, before);
    if (collection === 'keys') {
      for (const id of usedKeys) {
        const record = indexes.get('keys', id);
        if (record && !dirty.has(record)) dirty.set(record, undefined);
      }
    }
    const current = state[collection];
    const fieldChange = changeSet.fields.get(collection);
    const beforeArray = fieldChange ? fieldChange.value : current;
    const structural = fieldChange !== undefined || (Array.isArray(current) && changeSet.arrays.has(current));
    if (!structural && dirty.size === 0) continue;

    if (!Array.isArray(current)) {
      changes.push(
        Object.hasOwn(state, collection) ? { op: 'set', field: collection, value: current } : { op: 'unset', field: collection },
      );
      indexUpdates.push(() => indexes.forget(collection));
      continue;
    }
    const replaceAll = () => {
      changes.push({ op: 'replace', collection, records: current });
      indexUpdates.push(() => indexes.forget(collection));
    };
    if (!structural) {
      // Records changed in place: each must still be the one record with its id.
      const unique = indexes.idsAreUnique(collection);
      const puts = [...dirty].filter(([record, before]) => {
        const id = idOf(record);
        return unique && id !== undefined && (before === undefined || before.id === id) && indexes.get(collection, id) === record;
      });
      if (puts.length !== dirty.size) replaceAll();
      else for (const [record] of puts) changes.push({ op: 'put', collection, record });
      continue;
    }
    if (!Array.isArray(beforeArray)) {
      replaceAll();
      continue;
    }
    const arrayBefore = changeSet.arrays.get(beforeArray);
    const onlyAppended = !fieldChange && arrayBefore !== undefined && !arrayBefore.contents;
    const diff =
      (onlyAppended ? appendedOnly(arrayBefore.length, current, dirty, collection, indexes) : undefined) ??
      diffArrays(arrayBefore ? contentsBefore(beforeArray, arrayBefore) : beforeArray, current, dirty);
    if (!diff) {
      replaceAll();
      continue;
    }
    for (const id of diff.deleted) changes.push({ op: 'delete', collection, id });
    for (const record of diff.put) changes.push({ op: 'put', collection, record });
    const appended = diff.appended;
    indexUpdates.push(appended ? () => indexes.appended(collection, appended) : () => indexes.forget(collection));
  }
  return { changes, updateIndexes: () => indexUpdates.forEach((update) => update()) };
}

interface ArrayDiff {
  put: StoreRecord[];
  deleted: string[];
  /** Set when the array only grew: the new records, to extend the id index with. */
  appended?: StoreRecord[];
}

/**
 * The common case (a create): records only appended (the tracker saw nothing else). Checked against the
 * id index instead of a full diff, so a push into 100k keys costs nothing per stored key.
 */
function appendedOnly(
  beforeLength: number,
  after: readonly unknown[],
  dirty: ReadonlyMap<StoreRecord, StoreRecord | undefined>,
  collection: CollectionName,
  indexes: CollectionIndexes,
): ArrayDiff | undefined {
  if (after.length < beforeLength || !indexes.idsAreUnique(collection)) return undefined;
  const appended = after.slice(beforeLength) as StoreRecord[];
  const newIds = new Map<string, StoreRecord>();
  for (const record of appended) {
    const id = idOf(record);
    if (id === undefined || newIds.has(id)) return undefined;
    const known = indexes.get(collection, id);
    if (known !== undefined && known !== record) return undefined;
    newIds.set(id, record);
  }
  const put: StoreRecord[] = [];
  for (const [record, was] of dirty) {
    const id = idOf(record);
    if (id === undefined || (was !== undefined && was.id !== id)) return undefined;
    if (newIds.has(id)) {
      if (newIds.get(id) === record) continue; // pushed, then changed: written once, as appended
      return undefined;
    }
    if (indexes.get(collection, id) !== record) continue; // not in the collection any more
    put.push(record);
  }
  return { put: [...put, ...appended], deleted: [], appended };
}

/**
 * The puts and deletes that turn `before` into `after`, or undefined when replaying them would not give
 * the same order (or ids are missing or repeated).
 */
function diffArrays(
  before: readonly unknown[],
  after: readonly unknown[],
  dirty: ReadonlyMap<StoreRecord, StoreRecord | undefined>,
): ArrayDiff | undefined {
  const beforeIds = new Map<string, number>();
  for (let i = 0; i < before.length; i++) {
    const id = idOf(before[i]);
    if (id === undefined || beforeIds.has(id)) return undefined;
    beforeIds.set(id, i);
  }
  const put: StoreRecord[] = [];
  const seen = new Set<string>();
  let lastBeforeIndex = -1;
  let appending = false;
  for (const record of after) {
    const id = idOf(record);
    if (id === undefined || seen.has(id)) return undefined;
    seen.add(id);
    const beforeIndex = beforeIds.get(id);
    if (beforeIndex === undefined) {
      appending = true;
      put.push(record as StoreRecord);
      continue;
    }
    // A surviving record after a new one, or out of its old order: not expressible as puts and deletes.
    if (appending || beforeIndex < lastBeforeIndex) return undefined;
    lastBeforeIndex = beforeIndex;
    const was = dirty.get(record as StoreRecord);
    if (was !== undefined && was.id !== id) return undefined;
    if (before[beforeIndex] !== record || dirty.has(record as StoreRecord)) put.push(record as StoreRecord);
  }
  const deleted = [...beforeIds.keys()].filter((id) => !seen.has(id));
  return { put, deleted };
}
