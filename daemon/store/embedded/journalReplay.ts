// Reading the journal back: parse its lines (strictly: a damaged line that is not the torn tail of the
// last append stops the start), and apply their changes to the state loaded from the snapshot.
import { COLLECTIONS, type Collection as CollectionName } from '../staleRecord';
import type { StoreData } from '../types';

type StoreRecord = Record<string, unknown>;

/**
 * One change of a batch: a whole record put by id, or an id deleted. `replace`, `set` and `unset` are
 * only read: journals written before the store seam may hold them (whole collections, top-level fields).
 */
export type JournalChange =
  | { op: 'put'; collection: CollectionName; record: StoreRecord }
  | { op: 'delete'; collection: CollectionName; id: string }
  | { op: 'replace'; collection: CollectionName; records: unknown[] }
  | { op: 'set'; field: string; value: unknown }
  | { op: 'unset'; field: string };

export interface JournalEntry {
  seq: number;
  changes: JournalChange[];
}

/** Why a journal line cannot be used, and which line (1-based). Never quotes the line: it holds hashes. */
export class JournalLineError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * The entries after the snapshot, in order, and the last seq (the snapshot's own when there is nothing
 * newer). What follows the last newline is an append that never completed: ignored.
 */
export function parseJournal(text: string, snapshotSeq: number): { entries: JournalEntry[]; lastSeq: number } {
  const lines = text.split('\n');
  lines.pop(); // after the last newline: '' unless the last append was torn
  const entries: JournalEntry[] = [];
  let lastSeq = snapshotSeq;
  let previous: number | undefined;
  lines.forEach((line, i) => {
    const entry = parseEntry(line, i + 1);
    if (previous !== undefined && entry.seq !== previous + 1) {
      throw new JournalLineError(i + 1, `its sequence number ${entry.seq} does not follow ${previous}`);
    }
    previous = entry.seq;
    if (entry.seq <= snapshotSeq) return; // already in the snapshot (a crash before the journal was reset)
    if (entry.seq !== lastSeq + 1) {
      throw new JournalLineError(
        i + 1,
        `it continues from change ${entry.seq - 1}, but the store file holds changes up to ${snapshotSeq}: changes in between are missing`,
      );
    }
    entries.push(entry);
    lastSeq = entry.seq;
  });
  return { entries, lastSeq };
}

function parseEntry(line: string, lineNumber: number): JournalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new JournalLineError(lineNumber, line.trim() === '' ? 'it is empty' : 'it is not valid JSON');
  }
  const entry = value as Partial<JournalEntry> | null;
  if (
    typeof entry !== 'object' ||
    entry === null ||
    !Number.isSafeInteger(entry.seq) ||
    (entry.seq as number) < 1 ||
    !Array.isArray(entry.changes)
  ) {
    throw new JournalLineError(lineNumber, 'it is not a journal entry ({"seq": n, "changes": [...]})');
  }
  entry.changes.forEach((change, i) => {
    const problem = checkChange(change);
    if (problem) throw new JournalLineError(lineNumber, `change ${i + 1} ${problem}`);
  });
  return entry as JournalEntry;
}

function checkChange(change: unknown): string | undefined {
  const c = change as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null) return 'is not an object';
  const inCollection = typeof c.collection === 'string' && (COLLECTIONS as readonly string[]).includes(c.collection);
  switch (c.op) {
    case 'put':
      return inCollection && typeof (c.record as StoreRecord | null)?.id === 'string' && typeof c.record === 'object'
        ? undefined
        : 'is not a valid put (collection, record with an id)';
    case 'delete':
      return inCollection && typeof c.id === 'string' ? undefined : 'is not a valid delete (collection, id)';
    case 'replace':
      return inCollection && Array.isArray(c.records) ? undefined : 'is not a valid replace (collection, records)';
    case 'set':
      return typeof c.field === 'string' && 'value' in c ? undefined : 'is not a valid set (field, value)';
    case 'unset':
      return typeof c.field === 'string' ? undefined : 'is not a valid unset (field)';
    default:
      return 'has an unknown operation';
  }
}

/**
 * Applies the entries to `data` in order. Each collection touched is replayed in a Map by id, as the
 * store holds it (recordState.ts): a put replaces the record in place or appends it, a delete removes it.
 */
export function applyEntries(data: StoreData, entries: readonly JournalEntry[]): void {
  const state = data as unknown as Record<string, unknown>;
  const byId = (records: unknown) =>
    new Map((Array.isArray(records) ? records : []).map((record: StoreRecord | null) => [record?.id, record]));
  const collections = new Map<string, Map<unknown, unknown>>();
  const records = (collection: CollectionName) =>
    collections.get(collection) ?? collections.set(collection, byId(state[collection])).get(collection)!;
  for (const { changes } of entries) {
    for (const change of changes) {
      if (change.op === 'put') records(change.collection).set(change.record.id, change.record);
      else if (change.op === 'delete') records(change.collection).delete(change.id);
      else if (change.op === 'replace') collections.set(change.collection, byId(change.records));
      else {
        // A top-level field: a collection set this way is read again from the state.
        if (change.op === 'set') state[change.field] = change.value;
        else delete state[change.field];
        collections.delete(change.field);
      }
    }
  }
  for (const [collection, map] of collections) state[collection] = [...map.values()];
}
