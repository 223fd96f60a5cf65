// The ways opening or writing the store can fail, each with a message that tells a person what
// happened and what to do. None of them ever carries store content (it holds hashes and sealed secrets).
import { errnoCode } from './storeFs';
import { shellQuote } from '../../common/privateFile';

export class StoreLockedError extends Error {
  readonly code = 'STORE_LOCKED';
  constructor(
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(
      `Another Keysmith daemon (pid ${pid}) uses this data directory (lock ${lockFile}). ` +
        `Stop it, or choose another data directory. If no process ${pid} is a Keysmith daemon, ` +
        `delete the lock: rm ${shellQuote(lockFile)}`,
    );
    this.name = 'StoreLockedError';
  }
}

export interface CorruptionDetail {
  /** What is wrong, e.g. "Unexpected end of JSON input" or "keys[3].secretHash: expected string". */
  reason: string;
  /** Byte offset of a JSON syntax error, when there is one. */
  position?: { offset: number; line: number; column: number };
}

export class StoreCorruptError extends Error {
  readonly code = 'STORE_CORRUPT';
  constructor(
    readonly file: string,
    readonly detail: CorruptionDetail,
    readonly backupFile: string,
    /** When the backup was taken (the last successful start), or undefined when there is none. */
    backupSavedAt: Date | undefined,
    /** What to do, when restoring the backup is not the right advice (a damaged journal). */
    customAdvice?: string,
  ) {
    const where = detail.position
      ? ` at line ${detail.position.line}, column ${detail.position.column} (byte ${detail.position.offset})`
      : '';
    const advice =
      customAdvice ??
      (backupSavedAt
        ? `The last good copy is ${backupFile}, saved when the daemon last started ` +
          `(${backupSavedAt.toISOString()}); changes made after that are not in it. To restore it, run: ` +
          `cp ${shellQuote(backupFile)} ${shellQuote(file)}`
        : `There is no backup (${backupFile} does not exist). To start with an empty store, move the ` +
          `damaged file aside: mv ${shellQuote(file)} ${shellQuote(`${file}.damaged`)}`);
    super(`Keysmith cannot read its store ${file}: ${detail.reason}${where}. The file was left untouched. ${advice}`);
    this.name = 'StoreCorruptError';
  }
}

/**
 * store.journal cannot be replayed: a line other than a torn last one is damaged, or the journal does
 * not continue the snapshot. Its intact lines are not applied piecemeal: the daemon refuses to start.
 */
export class JournalCorruptError extends StoreCorruptError {
  constructor(journalFile: string, storeFile: string, detail: CorruptionDetail, storeSavedAt: Date | undefined) {
    const since = storeSavedAt ? ` (written ${storeSavedAt.toISOString()})` : '';
    super(
      journalFile,
      detail,
      storeFile,
      storeSavedAt,
      `The journal holds the changes made since ${storeFile} was last written${since}. To start from ` +
        `${storeFile} alone, losing those changes, move the journal aside: ` +
        `mv ${shellQuote(journalFile)} ${shellQuote(`${journalFile}.damaged`)}`,
    );
    this.name = 'JournalCorruptError';
  }
}

/** The disk refused a write (full, read-only, no permission...): the change was not saved. */
export class StoreWriteError extends Error {
  readonly code: string;
  constructor(
    readonly file: string,
    cause: unknown,
    /** What did not happen, for the person reading the message. */
    lost = 'the change was not saved',
  ) {
    const code = errnoCode(cause) ?? 'EIO';
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`The disk refused to write ${file} (${code}: ${why}); ${lost}. ${hintFor(code)}`, {
      cause,
    });
    this.code = code;
    this.name = 'StoreWriteError';
  }
}

function hintFor(code: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free some disk space, then retry.';
    case 'EROFS':
      return 'The file system is read-only; remount it read-write or choose another data directory.';
    case 'EACCES':
    case 'EPERM':
      return 'Check that you own the data directory and may write to it.';
    default:
      return 'Retry once the disk problem is fixed.';
  }
}
