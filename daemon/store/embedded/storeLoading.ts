// Opening the durable state: the snapshot (store.json, read by its lowdb adapter DurableJsonFile), then the
// journal's batches newer than the snapshot replayed on top. When the journal held anything (the last
// run did not close cleanly), the state as loaded is written as a new snapshot and the journal starts
// empty, so store.json.bak is always a complete copy of the store as loaded.
import { DurableJsonFile } from './durableJsonFile';
import { JournalCorruptError, StoreWriteError } from '../errors';
import { Journal } from './journal';
import { applyEntries, JournalLineError, parseJournal } from './journalReplay';
import { assertPrivateFile, writeFileAtomic } from '../secureFiles';
import { assertStoreShape } from './storeShape';
import { errnoCode, readTextIfExists, type StoreFs } from '../storeFs';
import type { StoreData } from '../types';

export interface StoreFiles {
  store: string;
  backup: string;
  journal: string;
}

export interface LoadedStore {
  data: StoreData;
  seq: number;
  file: DurableJsonFile<StoreData>;
  journal: Journal;
}

/** store.json as written: the state plus the seq of the last journal batch it includes. */
type Snapshot = StoreData & { journalSeq?: number };

export function snapshotOf(data: StoreData, seq: number): Snapshot {
  return { ...data, journalSeq: seq };
}

export async function loadStore(fs: StoreFs, files: StoreFiles, initialData: () => StoreData): Promise<LoadedStore> {
  await assertPrivateIfExists(fs, files.store);
  await assertPrivateIfExists(fs, files.journal);
  const file = new DurableJsonFile<Snapshot>(files.store, { validate: assertStoreShape, backupFile: files.backup, fs });
  const snapshot = await file.read(); // throws StoreCorruptError, leaving the file as it is
  const journalText = await readTextIfExists(fs, files.journal);

  let data: StoreData;
  let seq: number;
  let replayed = 0;
  if (snapshot === null) {
    if (journalText) {
      throw new JournalCorruptError(
        files.journal,
        files.store,
        { reason: `it holds changes, but ${files.store} does not exist` },
        undefined,
      );
    }
    data = initialData();
    seq = 0;
  } else {
    const { journalSeq, ...loaded } = snapshot;
    data = loaded;
    seq = journalSeq ?? 0;
    if (journalText) {
      const storeSavedAt = await fs.stat(files.store).then((stats) => new Date(stats.mtimeMs));
      const journal = parseOrRefuse(journalText, seq, files, storeSavedAt);
      applyEntries(data, journal.entries);
      try {
        assertStoreShape(data);
      } catch (error) {
        throw new JournalCorruptError(
          files.journal,
          files.store,
          { reason: `replaying it gives ${(error as Error).message}` },
          storeSavedAt,
        );
      }
      replayed = journal.entries.length;
      seq = journal.lastSeq;
    }
  }

  if (snapshot === null || replayed > 0) {
    await file.write(snapshotOf(data, seq)).catch((error: unknown) => {
      throw new StoreWriteError(files.store, error);
    });
  }
  // The backup is store.json's bytes as they now are, read again (from the page cache) rather than kept
  // from the parse: the 60 MB buffer is not held while the records are built.
  await writeFileAtomic(fs, files.backup, await fs.readFile(files.store)).catch((error: unknown) => {
    throw new StoreWriteError(files.backup, error);
  });
  // Every batch is now in store.json: start an empty journal (also clears a torn tail or stale lines).
  const journal = await Journal.createEmpty(fs, files.journal).catch((error: unknown) => {
    throw new StoreWriteError(files.journal, error);
  });
  return { data, seq, file: file as unknown as DurableJsonFile<StoreData>, journal };
}

function parseOrRefuse(text: string, snapshotSeq: number, files: StoreFiles, storeSavedAt: Date) {
  try {
    return parseJournal(text, snapshotSeq);
  } catch (error) {
    if (!(error instanceof JournalLineError)) throw error;
    const intact = error.line > 1 ? ` Lines 1 to ${error.line - 1} are intact.` : '';
    throw new JournalCorruptError(
      files.journal,
      files.store,
      { reason: `line ${error.line} is damaged: ${error.reason}.${intact}`.replace(/\.$/, '') },
      storeSavedAt,
    );
  }
}

export async function assertPrivateIfExists(fs: StoreFs, file: string): Promise<void> {
  try {
    await assertPrivateFile(file, fs);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
