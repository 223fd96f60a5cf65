// The audit trail: an append-only JSON Lines file (one event per line, private 0600). Appends are
// group-committed like store writes: events arriving while a write is in flight share the next one,
// and each append resolves only after fsync. Recent events stay in memory so listing them is cheap.
import { constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import type { AuditEvent } from '../../protocol';
import { StoreWriteError } from '../errors';
import { syncDirectory } from '../secureFiles';
import { NO_FOLLOW, symlinkRefusal } from '../../../common/privateFile';
import { errnoCode, readTextIfExists, type StoreFileHandle, type StoreFs } from '../storeFs';

const APPEND_NO_FOLLOW = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | NO_FOLLOW;

interface PendingAppend {
  events: AuditEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AuditLog {
  private handle: StoreFileHandle | null = null;
  private queue: PendingAppend[] = [];
  private writing: Promise<void> | null = null;

  private constructor(
    private readonly fs: StoreFs,
    readonly file: string,
    /** Oldest first; at most `memoryLimit` events, the newest ones. */
    private readonly recent: AuditEvent[],
    /** True when the file holds older events than `recent` (then a deep query reads the file). */
    private olderOnDisk: boolean,
    /** A crash can leave a torn last line; the next append must start on a fresh line. */
    private startWithNewline: boolean,
    private readonly memoryLimit: number,
  ) {}

  static async open(fs: StoreFs, file: string, memoryLimit = 10_000): Promise<AuditLog> {
    const text = await readTextIfExists(fs, file);
    const all = parseAuditLines(text ?? '');
    const recent = all.slice(-memoryLimit);
    const log = new AuditLog(fs, file, recent, all.length > recent.length, !!text && !text.endsWith('\n'), memoryLimit);
    // O_NOFOLLOW: a planted audit.jsonl link must not make the daemon append to the file it points at.
    log.handle = await fs.open(file, APPEND_NO_FOLLOW, 0o600).catch((error: unknown) => {
      throw errnoCode(error) === 'ELOOP' ? new Error(symlinkRefusal(file)) : error;
    });
    // A new file's directory entry must be durable too, or the first events could vanish in a crash.
    if (text === null)
      await syncDirectory(fs, path.dirname(file)).catch(async (error: unknown) => {
        await log.close();
        throw error;
      });
    return log;
  }

  append(events: AuditEvent[]): Promise<void> {
    if (!this.handle) return Promise.reject(new Error('The Keysmith audit log is closed.'));
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  async read(filter: AuditFilter): Promise<AuditEvent[]> {
    const fromMemory = selectAudit(this.recent, filter);
    if (fromMemory.length >= filter.limit || !this.olderOnDisk) return fromMemory;
    // Rare: asking further back than memory holds. The file is the full history.
    const text = await this.fs.readText(this.file);
    return selectAudit(parseAuditLines(text), filter);
  }

  /** Resolves once every append made so far has settled (each append reports its own failure). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    await this.idle();
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async drain(): Promise<void> {
    // setImmediate lets appends issued in the same turn join this write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const events = batch.flatMap((pending) => pending.events);
      try {
        await this.writeDurably(events);
        this.remember(events);
        for (const pending of batch) pending.resolve();
      } catch (error) {
        // A partial line may have reached the file; the next append starts a fresh line after it.
        this.startWithNewline = true;
        const refused = new StoreWriteError(this.file, error, 'these audit events were not recorded');
        for (const pending of batch) pending.reject(refused);
      }
    }
    this.writing = null;
  }

  private async writeDurably(events: AuditEvent[]): Promise<void> {
    if (!this.handle) throw new Error('The Keysmith audit log is closed.');
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    await this.handle.writeFile(this.startWithNewline ? `\n${lines}` : lines);
    await this.handle.sync();
    this.startWithNewline = false;
  }

  private remember(events: AuditEvent[]): void {
    this.recent.push(...events);
    const excess = this.recent.length - this.memoryLimit;
    if (excess > 0) {
      this.recent.splice(0, excess);
      this.olderOnDisk = true;
    }
  }
}

/** Lines that do not parse (a line torn by a crash mid-append) are skipped: the rest is still history. */
export function parseAuditLines(text: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const event: unknown = JSON.parse(line);
      if (isAuditEvent(event)) events.push(event);
    } catch {
      // torn or damaged line: skip it
    }
  }
  return events;
}

function isAuditEvent(value: unknown): value is AuditEvent {
  const event = value as Partial<AuditEvent> | null;
  return typeof event === 'object' && event !== null && typeof event.at === 'string' && typeof event.action === 'string';
}

export interface AuditFilter {
  keyId?: string;
  limit: number;
}

/** Newest first, optionally one key's: at most `limit` of `oldestFirst` (in append order). */
function selectAudit(oldestFirst: readonly AuditEvent[], filter: AuditFilter): AuditEvent[] {
  const found: AuditEvent[] = [];
  for (let i = oldestFirst.length - 1; i >= 0 && found.length < filter.limit; i--) {
    const event = oldestFirst[i]!;
    if (filter.keyId === undefined || event.keyId === filter.keyId) found.push(event);
  }
  return found;
}
