// Regenerate: a new secret with the same service, environment, name and settings; the old key revoked
// at once or after a grace period; the workspace's mapped files rewritten with the new secret.
import type { KeyRegenerated } from '../protocol';
import { conflict } from '../http/errors';
import { assertCanRegenerate, toKeyView } from '../keys/keyState';
import { retire, successorOf } from '../keys/rotation';
import type { KeyRecord } from '../store/types';
import type { KeyRegenerateInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import type { Injection } from './injection';
import { mintSecret } from './keyMinting';
import { findKey, readKey } from './keyLookup';
import type { ServiceCatalog } from './serviceCatalog';

export class KeyRotation {
  constructor(
    private readonly context: CoreContext,
    private readonly catalog: ServiceCatalog,
    private readonly injection: Injection,
  ) {}

  async regenerate(id: string, input: KeyRegenerateInput, actor: Actor): Promise<KeyRegenerated> {
    const now = this.context.clock.now();
    const old = readKey(this.context.store.read(), id);
    assertCanRegenerate(old, now);
    const service = this.catalog.get(old.serviceId);
    if (!service.enabled) {
      throw conflict('SERVICE_DISABLED', `The service "${service.name}" is disabled (${service.disabledReason ?? 'no reason given'}); enable it before regenerating its keys.`);
    }
    const minted = mintSecret(this.context.sealer, service, old.environment);
    const successor = successorOf(old, minted, actor.name, now);
    const graceSeconds = input.graceSeconds ?? 0;

    const targets = await this.injection.targetsFor(input.workspace, undefined, old);
    await this.injection.check(input.workspace, targets, minted.material, input.force);

    const retired = await this.context.store.transact((data) => {
      const current = findKey(data, id);
      assertCanRegenerate(current, now); // a concurrent regenerate may have won the race
      Object.assign(current, retire(current, successor.id, graceSeconds, now));
      data.keys.push(structuredClone(successor));
      return structuredClone(current);
    });
    this.context.index.upsert(retired);
    this.context.index.upsert(successor);

    let injected;
    try {
      injected = await this.injection.apply(input.workspace, targets, minted.material, successor.id, actor, input.force);
    } catch (error) {
      await this.undo(old, successor.id);
      throw error;
    }
    await this.context.audit.recordAll([
      this.context.audit.event(actor, 'key.regenerated', old.id, { rotatedTo: successor.id, graceSeconds }),
      this.context.audit.event(actor, 'key.created', successor.id, { rotatedFrom: old.id, serviceId: successor.serviceId, environment: successor.environment, name: successor.name }),
    ]);
    const result: KeyRegenerated = {
      key: toKeyView(successor, now),
      secret: minted.material,
      previous: toKeyView(retired, now),
    };
    if (injected !== undefined) result.injected = injected;
    return result;
  }

  /** Puts the old record back and drops the successor when writing the new secret into files failed. */
  private async undo(old: KeyRecord, successorId: string): Promise<void> {
    await this.context.store.transact((data) => {
      data.keys = data.keys.filter((key) => key.id !== successorId).map((key) => (key.id === old.id ? structuredClone(old) : key));
    });
    this.context.index.remove(successorId);
    this.context.index.upsert(old);
  }
}
