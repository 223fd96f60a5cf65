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

export interface ParsedJournal {
  /** Entries after the snapshot, in order. */
  entries: JournalEntry[];
  /** The last seq in the file (the snapshot's own seq when there is nothing newer). */
  lastSeq: number;
  /** True when the file ends with an unfinished line: an append that never completed. */
  tornTail: boolean;
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

export function parseJournal(text: string, snapshotSeq: number): ParsedJournal {
  const lines = text.split('\n');
  const tail = lines.pop() ?? ''; // after the last newline: '' unless the last append was torn
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
  return { entries, lastSeq, tornTail: tail !== '' };
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

/** Applies the entries to `data` in order: puts replace the record with that id in place or append it. */
export function applyEntries(data: StoreData, entries: readonly JournalEntry[]): void {
  const state = data as unknown as Record<string, unknown>;
  const positions = new Map<CollectionName, Map<string, number>>();
  const positionsOf = (collection: CollectionName) => {
    let map = positions.get(collection);
    if (!map) {
      map = new Map();
      const array = state[collection];
      if (Array.isArray(array)) array.forEach((record: StoreRecord, i) => map!.set(record.id as string, i));
      positions.set(collection, map);
    }
    return map;
  };
  for (const { changes } of entries) {
    for (const change of changes) {
      if (change.op === 'set') state[change.field] = change.value;
      else if (change.op === 'unset') delete state[change.field];
      else if (change.op === 'replace') state[change.collection] = change.records;
      if (change.op === 'set' || change.op === 'unset' || change.op === 'replace') {
        positions.clear();
        continue;
      }
      if (!Array.isArray(state[change.collection])) state[change.collection] = [];
      const array = state[change.collection] as StoreRecord[];
      const at = positionsOf(change.collection);
      if (change.op === 'put') {
        const index = at.get(change.record.id as string);
        if (index === undefined) at.set(change.record.id as string, array.push(change.record) - 1);
        else array[index] = change.record;
      } else if (at.has(change.id)) {
        array.splice(at.get(change.id)!, 1);
        positions.delete(change.collection);
      }
    }
  }
}
