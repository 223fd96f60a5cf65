// Assembles the application layer from its dependencies. One Core per running daemon.
import { createWorkerInjector } from '../inject/worker/workerInjector';
import type { Clock } from '../keys/clock';
import type { Sealer } from '../keys/sealing';
import type { Store, StoreChange } from '../store/repositories';
import { AccessTokens } from './accessTokens';
import { AuditTrail } from './auditTrail';
import type { CoreContext, Injector } from './context';
import { KeyInjection } from './keyInjection';
import { KeyCommands } from './keyCommands';
import { KeyIndex } from './keyIndex';
import { KeyQueries } from './keyQueries';
import { KeyRotation } from './keyRotation';
import { ServiceCatalog } from './serviceCatalog';
import { Verification } from './verification';

export interface CoreOptions {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  adminToken: string;
  /** Recorded as actor/createdBy for admin-token requests: the OS user. */
  adminName: string;
  injector?: Injector;
  auditBurstWindowMs?: number;
  onBackgroundError?: (error: unknown) => void;
}

export interface Core {
  context: CoreContext;
  catalog: ServiceCatalog;
  commands: KeyCommands;
  rotation: KeyRotation;
  queries: KeyQueries;
  verification: Verification;
  injection: KeyInjection;
  tokens: AccessTokens;
  audit: AuditTrail;
  /** Ends the injection workers (calls still running fail with 503); the server calls it on close. */
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { store, clock } = options;
  const audit = new AuditTrail(store.audit, clock, { burstWindowMs: options.auditBurstWindowMs, onError: options.onBackgroundError });
  // File work runs in worker threads, off the event loop that answers verify; a given injector (a
  // test's fake) runs where it is. Workers start on first use, so an unused pool costs nothing.
  const workers = createWorkerInjector();
  const context: CoreContext = {
    store,
    clock,
    sealer: options.sealer,
    injector: options.injector ?? workers,
    audit,
    index: new KeyIndex(),
  };
  const catalog = new ServiceCatalog(context);
  const tokens = new AccessTokens(context, options.adminToken, options.adminName);
  const caches = new FeedCaches(store, context.index, catalog, tokens);
  const unsubscribe = store.changes.subscribe({
    onChange: (change) => caches.apply(change),
    onResync: () => void caches.reload().catch((error) => options.onBackgroundError?.(error)),
  });
  try {
    await caches.reload();
    await catalog.ensurePresets();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  const injection = new KeyInjection(context);
  return {
    context,
    catalog,
    commands: new KeyCommands(context, catalog, injection),
    rotation: new KeyRotation(context, catalog, injection),
    queries: new KeyQueries(context),
    verification: new Verification(context),
    injection,
    tokens,
    audit,
    close: async () => {
      unsubscribe();
      await workers.close();
    },
  };
}

/**
 * What the core keeps in memory (the verify index, the catalogue, the verify tokens), fed only by the
 * change feed, so a change made by another daemon on the same store reaches them exactly as one made here.
 */
class FeedCaches {
  /** Changes that arrived while a reload was reading: applied again on top of what it read. */
  private readonly arrivedDuringReload = new Set<StoreChange[]>();

  constructor(
    private readonly store: Store,
    private readonly index: KeyIndex,
    private readonly catalog: ServiceCatalog,
    private readonly tokens: AccessTokens,
  ) {}

  apply(change: StoreChange): void {
    for (const arrived of this.arrivedDuringReload) arrived.push(change);
    this.applyOne(change);
  }

  /**
   * Reads everything again and installs it. A change can land while the reads run, before or after the
   * read of its collection (or of its key's page); each change carries the whole record, so replaying those that arrived
   * meanwhile, in order, on top of what was read leaves every record as last committed.
   */
  async reload(): Promise<void> {
    const arrived: StoreChange[] = [];
    this.arrivedDuringReload.add(arrived);
    try {
      // The keys come narrowed and paged (verifyKeys), into an index built aside: the one in use keeps
      // answering verify, and following the feed, until this one is installed.
      const [keys, services, tokens] = await Promise.all([this.readKeys(), this.store.services.list(), this.store.tokens.list()]);
      this.index.replaceWith(keys);
      this.catalog.replaceAll(services);
      this.tokens.replaceAll(tokens);
      for (const change of arrived) this.applyOne(change);
    } finally {
      this.arrivedDuringReload.delete(arrived);
    }
  }

  /** With room made at once for as many keys as the store says it holds, when it knows. */
  private async readKeys(): Promise<KeyIndex> {
    const { keys } = this.store;
    const expected = await keys.keyCountHint?.();
    // Key by key when the store can (no page of keys kept waiting), else a page at a time.
    if (keys.eachVerifyKey !== undefined) return KeyIndex.fromEach((each) => keys.eachVerifyKey!(each), expected);
    return KeyIndex.fromPages(keys.verifyKeys(), expected);
  }

  private applyOne(change: StoreChange): void {
    if (change.collection === 'keys') this.index.apply(change.id, change.record);
    else if (change.collection === 'services') this.catalog.apply(change.id, change.record);
    else this.tokens.apply(change.id, change.record);
  }
}
