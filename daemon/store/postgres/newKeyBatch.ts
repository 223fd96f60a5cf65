// Group commit for new keys. Every key write NOTIFYs the other daemons (migration 001's trigger), and
// PostgreSQL serialises the commits of notifying transactions: each holds the notification queue's
// lock until its commit record is flushed, so concurrent creates could not share an fsync as plain
// INSERTs do (50 clients made barely more creates/s than one). So the creates of this daemon that
// arrive while one is being written wait and then go together: one statement, one commit, one fsync
// for all of them, each with its service check and its audit events, as a lone create has.
//
// A batch is all or nothing in the database; when it is refused for one key (a duplicate secret, a
// member's right), each key is sent again on its own, so each gets its own answer. When its answer was
// lost with the connection, each key is sent again too, as one that may be stored already
// (keyRepository.ts, insertOne).
import type { AuditEvent } from '../../protocol';
import type { Stored } from '../repositories';
import type { KeyRecord } from '../types';
import { isConnectionError } from './errors';

export interface NewKey {
  record: KeyRecord;
  events: AuditEvent[];
}

/** What a batch statement answers: the keys stored (a key missing had its service disabled or deleted). */
export type InsertMany = (keys: NewKey[]) => Promise<Map<string, Stored<KeyRecord>>>;
/** `answerLost`: the key was sent in a batch whose answer was lost, so it may be stored already. */
export type InsertOne = (key: NewKey, answerLost: boolean) => Promise<Stored<KeyRecord>>;

interface Waiting extends NewKey {
  resolve(stored: Stored<KeyRecord> | undefined): void;
  reject(error: unknown): void;
}

/** At most this many keys per statement (a few hundred KB of parameters). */
export const MAX_BATCH = 200;

export class NewKeyBatch {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly insertMany: InsertMany,
    private readonly insertOne: InsertOne,
  ) {}

  /** Resolves to the stored key, or undefined when its service was disabled or deleted. */
  insert(key: NewKey): Promise<Stored<KeyRecord> | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...key, resolve, reject });
      if (!this.writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        if (batch.length === 1) await this.one(batch[0]!);
        else await this.many(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async one(key: Waiting, answerLost = false): Promise<void> {
    try {
      key.resolve(await this.insertOne(key, answerLost));
    } catch (error) {
      key.reject(error);
    }
  }

  private async many(batch: Waiting[]): Promise<void> {
    let stored: Map<string, Stored<KeyRecord>>;
    try {
      stored = await this.insertMany(batch);
    } catch (error) {
      // Refused for one of them, or unanswered: each on its own, for its own answer.
      const answerLost = isConnectionError(error);
      await Promise.all(batch.map((key) => this.one(key, answerLost)));
      return;
    }
    for (const key of batch) key.resolve(stored.get(key.record.id));
  }
}
