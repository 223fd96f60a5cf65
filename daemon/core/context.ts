// What every core operation needs. The core is the application layer between HTTP routes and the pure
// domain in keys/: it loads and stores records through the store seam, applies domain rules, audits,
// and keeps the verify index (fed by the store's change feed).
import type { Environment, InjectResult, InjectTarget } from '../protocol';
import type { InjectMaterial, InjectOptions, PlannedTarget } from '../inject';
import type { Clock } from '../keys/clock';
import type { Sealer } from '../keys/sealing';
import type { Store } from '../store/repositories';
import type { AuditTrail } from './auditTrail';
import type { KeyIndex } from './keyIndex';

/** Who asks: the OS user holding the admin token, or a verify token (`token:<name>`). */
export interface Actor {
  name: string;
  role: 'admin' | 'verify';
}

/** The three injection entry points of daemon/inject, as a value so tests can pass fakes. */
export interface Injector {
  previewInjection(workspace: string, targets: PlannedTarget[], material: InjectMaterial, options?: InjectOptions): Promise<InjectResult[]>;
  applyInjection(workspace: string, targets: PlannedTarget[], material: InjectMaterial, options?: InjectOptions): Promise<InjectResult[]>;
  mappedTargets(workspace: string, serviceId: string, environment: Environment): Promise<InjectTarget[]>;
}

export interface CoreContext {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  injector: Injector;
  audit: AuditTrail;
  index: KeyIndex;
}
