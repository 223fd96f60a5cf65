// Committed changes of keys, services and tokens, from this daemon and from any other client of the
// database. The triggers of migration 001 NOTIFY keysmith_changes with {collection, id, version,
// deleted}; a dedicated connection LISTENs, fetches the record named and hands it on.
//
// This daemon's own writes are announced by the repositories right after they commit (so a listener
// has seen the change before the write's promise resolves); the echo that arrives later over LISTEN is
// recognised by its version and dropped. When the LISTEN connection is lost, notifications may have been
// missed: it reconnects with backoff and then asks every listener to resync.
import pg from 'pg';
import type { ChangeFeed, StoreChange } from '../repositories';

export const CHANGES_CHANNEL = 'keysmith_changes';
/** A new key is usable on the daemon that made it at once, and on the others this much later at most. */
export const NEW_KEYS_WAIT_MS = 20;

type Collection = StoreChange['collection'];

interface Notified {
  collection: Collection;
  id: string;
  version: number;
  deleted: boolean;
}

type Listener = Parameters<ChangeFeed['subscribe']>[0];
export type FetchRecord = (collection: Collection, id: string) => Promise<StoreChange['record']>;
/** The current records of `ids` (an id missing: deleted), in one query. */
export type FetchRecords = (collection: Collection, ids: string[]) => Promise<Map<string, NonNullable<StoreChange['record']>>>;

export interface ChangeFeedOptions {
  connect: () => pg.Client;
  fetch: FetchRecord;
  /**
   * When given, the notifications that arrived while the previous ones were handled are fetched
   * together: another daemon creating keys in batches (newKeyBatch.ts) sends dozens per commit, and one
   * query per key was most of this daemon's share of the work.
   */
  fetchMany?: FetchRecords;
  /**
   * With fetchMany: how long the notification of a new key (version 1, from any writer) may wait to be
   * fetched with the next ones (default NEW_KEYS_WAIT_MS). Any other change is fetched at once, and
   * takes the new keys waiting along. A sequential writer elsewhere otherwise costs this daemon a read,
   * and two wake-ups of it and of PostgreSQL, per key: on two cores, a third of that writer's speed.
   */
  newKeysWaitMs?: number;
  /** First retry delay after a lost connection; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class PostgresChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<Listener>();
  /** The newest version announced per record (`deleted` once gone), to drop echoes and stale fetches. */
  private readonly announced = new Map<string, { version: number; deleted: boolean }>();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;
  /** A reconnect attempt is under way (from the timer or a wake). */
  private connecting = false;
  private queue: Promise<void> = Promise.resolve();
  /** A fetch failed: a change may be unknown here, so the next successful step resyncs. */
  private missed = false;
  /** This daemon's writes under way, by record: settled when their statement answered. */
  private readonly ownWrites = new Map<string, Promise<void>>();
  /** Notifications received and not handled yet (with fetchMany), oldest first. */
  private notified: Notified[] = [];
  /** A step is enqueued that will take `notified` (with fetchMany). */
  private stepQueued = false;
  /** New keys are waiting for this timer (with fetchMany). */
  private newKeysTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ChangeFeedOptions) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and LISTENs; rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.listen();
  }

  /** A change committed by this daemon: announced now, unless the echo of it was already handled. */
  announce(change: StoreChange): void {
    if (this.isKnown(change.collection, change.id, change.record?.version)) return;
    this.remember(change);
    for (const listener of this.listeners) listener.onChange(change);
  }

  /**
   * A write of this daemon was sent: its echo may arrive before the statement's answer (the NOTIFY and
   * the result come on two connections), and is then held until the answer instead of fetched: the
   * write announces the record itself. Without this about a third of sequential creates read their own
   * key back. A write that failed (its answer lost) leaves the echo to fetch as any other.
   */
  expectOwn(collection: Collection, id: string, write: Promise<unknown>): void {
    const key = keyOf(collection, id);
    const settled = write.then(
      () => {},
      () => {},
    );
    this.ownWrites.set(key, settled);
    void settled.then(() => {
      if (this.ownWrites.get(key) === settled) this.ownWrites.delete(key);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.newKeysTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
    await this.queue;
  }

  private async listen(): Promise<void> {
    const client = this.options.connect();
    // Until connected, a failed connect rejects listen(); afterwards errors go to lost().
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
      const notified = parseNotification(message.payload);
      if (!notified) return;
      if (this.options.fetchMany === undefined) {
        this.enqueue(() => this.handle(notified));
        return;
      }
      this.notified.push(notified);
      if (isNewKey(notified)) this.newKeysTimer ??= setTimeout(() => this.queueStep(), this.options.newKeysWaitMs ?? NEW_KEYS_WAIT_MS);
      else this.queueStep();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => {});
    client.end().catch(() => {});
    this.reconnect(this.options.backoffMs ?? 100);
  }

  private reconnect(delayMs: number): void {
    if (this.closed) return;
    this.retryDelayMs = delayMs;
    this.reconnectTimer = setTimeout(() => void this.attempt(), delayMs);
    this.reconnectTimer.unref();
  }

  private async attempt(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closed || this.connecting) return;
    this.connecting = true;
    try {
      await this.listen();
    } catch {
      this.connecting = false;
      this.reconnect(Math.min(this.retryDelayMs * 2, this.options.maxBackoffMs ?? 5000));
      return;
    }
    this.connecting = false;
    this.enqueue(async () => this.resync());
  }

  /**
   * The database took a new connection of the pool: a feed waiting out its backoff reconnects (and
   * resyncs) now. Without this, after an outage of a few seconds the index kept missing other daemons'
   * changes (a revoke among them) for up to the backoff's 5 s while this daemon already wrote again.
   */
  wake(): void {
    if (this.closed || this.client || this.connecting || this.reconnectTimer === undefined) return;
    clearTimeout(this.reconnectTimer);
    void this.attempt();
  }

  private resync(): void {
    this.missed = false;
    if (this.closed) return;
    for (const listener of this.listeners) listener.onResync();
  }

  /** One step handles whatever arrived before it runs, new keys waiting included. */
  private queueStep(): void {
    clearTimeout(this.newKeysTimer);
    this.newKeysTimer = undefined;
    if (this.stepQueued) return;
    this.stepQueued = true;
    this.enqueue(() => {
      this.stepQueued = false;
      return this.handleMany();
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step).catch(() => {});
  }

  private async handle(notified: Notified): Promise<void> {
    if (this.closed || this.announcedAlready(notified)) return;
    const own = this.ownWrites.get(keyOf(notified.collection, notified.id));
    if (own) {
      await own;
      if (this.closed || this.announcedAlready(notified)) return;
    }
    let record: StoreChange['record'];
    try {
      record = await this.options.fetch(notified.collection, notified.id);
    } catch {
      this.missed = true;
      return;
    }
    if (this.missed) this.resync();
    if (this.closed || this.isKnown(notified.collection, notified.id, record?.version)) return;
    const change = { collection: notified.collection, id: notified.id, record } as StoreChange;
    this.remember(change);
    for (const listener of this.listeners) listener.onChange(change);
  }

  private announcedAlready(notified: Notified): boolean {
    const seen = this.announced.get(keyOf(notified.collection, notified.id));
    return notified.deleted ? seen?.deleted === true : this.isKnown(notified.collection, notified.id, notified.version);
  }

  /** Every notification waiting, each record fetched once, one query per collection. */
  private async handleMany(): Promise<void> {
    const batch = this.notified;
    this.notified = [];
    if (this.closed) return;
    const wanted: Notified[] = [];
    for (const notified of batch) {
      if (this.announcedAlready(notified)) continue;
      const own = this.ownWrites.get(keyOf(notified.collection, notified.id));
      if (own) {
        await own;
        if (this.closed || this.announcedAlready(notified)) continue;
      }
      wanted.push(notified);
    }
    const fetched = new Map<string, StoreChange['record']>();
    for (const collection of new Set(wanted.map((notified) => notified.collection))) {
      const ids = [...new Set(wanted.filter((notified) => notified.collection === collection).map((notified) => notified.id))];
      let records: Map<string, NonNullable<StoreChange['record']>>;
      try {
        records = await this.options.fetchMany!(collection, ids);
      } catch {
        this.missed = true;
        return;
      }
      for (const id of ids) fetched.set(keyOf(collection, id), records.get(id));
    }
    if (this.missed) this.resync();
    for (const notified of wanted) {
      const key = keyOf(notified.collection, notified.id);
      if (!fetched.has(key)) continue;
      const record = fetched.get(key);
      fetched.delete(key); // a record notified twice is announced once, as it is now
      if (this.closed || this.isKnown(notified.collection, notified.id, record?.version)) continue;
      const change = { collection: notified.collection, id: notified.id, record } as StoreChange;
      this.remember(change);
      for (const listener of this.listeners) listener.onChange(change);
    }
  }

  /** Whether this version (undefined: the deletion) of the record was announced already, or a newer one. */
  private isKnown(collection: Collection, id: string, version: number | undefined): boolean {
    const seen = this.announced.get(keyOf(collection, id));
    if (seen === undefined) return false;
    if (version === undefined) return seen.deleted;
    return !seen.deleted && seen.version >= version;
  }

  private remember(change: StoreChange): void {
    this.announced.set(keyOf(change.collection, change.id), {
      version: change.record?.version ?? 0,
      deleted: change.record === undefined,
    });
  }
}

const keyOf = (collection: Collection, id: string) => `${collection}\u0000${id}`;

/** A key's first version (the trigger's insert): nothing can be stale about it, it may wait a little. */
const isNewKey = (notified: Notified) => notified.collection === 'keys' && notified.version === 1 && !notified.deleted;

function parseNotification(payload: string): Notified | undefined {
  try {
    const value = JSON.parse(payload) as Partial<Notified>;
    if (value.collection !== 'keys' && value.collection !== 'services' && value.collection !== 'tokens') return undefined;
    if (typeof value.id !== 'string' || typeof value.version !== 'number') return undefined;
    return { collection: value.collection, id: value.id, version: value.version, deleted: value.deleted === true };
  } catch {
    return undefined;
  }
}
