// Assembles the application layer from its dependencies. One Core per running daemon.
import { createWorkerInjector } from '../inject/worker/workerInjector';
import type { Clock } from '../keys/clock';
import type { Sealer } from '../keys/sealing';
import type { KeyStore } from '../store/types';
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
  store: KeyStore;
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
  const audit = new AuditTrail(store, clock, { burstWindowMs: options.auditBurstWindowMs, onError: options.onBackgroundError });
  // File work runs in worker threads, off the event loop that answers verify; a given injector (a
  // test's fake) runs where it is. Workers start on first use, so an unused pool costs nothing.
  const workers = createWorkerInjector();
  const context: CoreContext = {
    store,
    clock,
    sealer: options.sealer,
    injector: options.injector ?? workers,
    audit,
    index: new KeyIndex(store.read().keys),
  };
  const catalog = new ServiceCatalog(context);
  await catalog.ensurePresets();
  const injection = new KeyInjection(context);
  return {
    context,
    catalog,
    commands: new KeyCommands(context, catalog, injection),
    rotation: new KeyRotation(context, catalog, injection),
    queries: new KeyQueries(context),
    verification: new Verification(context),
    injection,
    tokens: new AccessTokens(context, options.adminToken, options.adminName),
    audit,
    close: () => workers.close(),
  };
}
