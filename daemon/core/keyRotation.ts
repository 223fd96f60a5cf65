// Regenerate: a new secret with the same service, environment, name and settings; the old key revoked
// at once or after a grace period; the workspace's mapped files rewritten with the new secret. Each
// key write carries its audit event (repositories.ts, NewKeyWrite).
import type { KeyRegenerated, Service } from '../protocol';
import { conflict } from '../errors';
import { assertCanRegenerate, toKeyView } from '../keys/keyState';
import { retire, successorOf } from '../keys/rotation';
import type { KeyRecord } from '../store/types';
import type { KeyRegenerateInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import type { KeyInjection } from './keyInjection';
import { mintSecret } from './keyMinting';
import { fieldsOf, requireKey, retryOnConflict } from './keyLookup';
import type { ServiceCatalog } from './serviceCatalog';

/** The fields retire() sets on the old record; undo() puts exactly these back. */
const RETIRED_FIELDS = ['rotatedTo', 'status', 'graceUntil', 'revokedAt', 'updatedAt'] as const satisfies readonly (keyof KeyRecord)[];

const serviceDisabled = (service: Service) =>
  conflict(
    'SERVICE_DISABLED',
    `The service "${service.name}" is disabled (${service.disabledReason ?? 'no reason given'}); enable it before regenerating its keys.`,
  );

export class KeyRotation {
  constructor(
    private readonly context: CoreContext,
    private readonly catalog: ServiceCatalog,
    private readonly injection: KeyInjection,
  ) {}

  async regenerate(id: string, input: KeyRegenerateInput, actor: Actor): Promise<KeyRegenerated> {
    const now = this.context.clock.now();
    const old = await requireKey(this.context.store.keys, id);
    assertCanRegenerate(old, now);
    const service = this.catalog.get(old.serviceId);
    if (!service.enabled) throw serviceDisabled(service);
    const minted = mintSecret(this.context.sealer, service, old.environment);
    const graceSeconds = input.graceSeconds ?? 0;

    const targets = await this.injection.targetsFor(input.workspace, undefined, old);
    await this.injection.check(input.workspace, targets, minted.material, input.force);

    // Everything below is decided on the record as it is now, not as it was before the awaits above:
    // a concurrent PATCH must reach the successor, and a concurrent disable must stop the rotation.
    // Retiring the old key and storing its successor is one unit of work, with both their events: all
    // or nothing.
    const { before, retired, successor } = await retryOnConflict(() =>
      this.context.store.unitOfWork(async (tx) => {
        const current = await requireKey(tx.keys, id);
        assertCanRegenerate(current, now); // a concurrent regenerate may have won the race
        if (!(await tx.services.get(current.serviceId))?.enabled) throw serviceDisabled(service);
        const next = successorOf(fieldsOf(current), minted, actor.name, now);
        const retired = await tx.keys.update({ ...fieldsOf(current), ...retire(current, next.id, graceSeconds, now) }, current.version, [
          this.context.audit.event(actor, 'key.regenerated', current.id, { rotatedTo: next.id, graceSeconds }),
        ]);
        const created = this.context.audit.event(actor, 'key.created', next.id, {
          rotatedFrom: current.id,
          serviceId: next.serviceId,
          environment: next.environment,
          name: next.name,
        });
        return { before: current, retired, successor: await tx.keys.insert(next, { events: [created] }) };
      }),
    );

    let injected;
    try {
      injected = await this.injection.apply(input.workspace, targets, minted.material, successor.id, actor, input.force);
    } catch (error) {
      await this.undo(before, successor.id, actor);
      throw error;
    }
    const result: KeyRegenerated = {
      key: toKeyView(successor, now),
      secret: minted.material,
      previous: toKeyView(retired, now),
    };
    if (injected !== undefined) result.injected = injected;
    return result;
  }

  /**
   * Takes the rotation back when writing the new secret into files failed: drops the successor and
   * restores only the fields retire() set, so a change made to the old key meanwhile is kept. The
   * rotation's events stay; these say it was taken back and why.
   */
  private async undo(before: KeyRecord, successorId: string, actor: Actor): Promise<void> {
    const reason = 'injection failed; the secret was never handed out';
    await retryOnConflict(() =>
      this.context.store.unitOfWork(async (tx) => {
        const successor = await tx.keys.get(successorId);
        if (successor)
          await tx.keys.delete(successorId, successor.version, [this.context.audit.event(actor, 'key.discarded', successorId, { reason })]);
        const current = await requireKey(tx.keys, before.id);
        const key: KeyRecord = fieldsOf(current);
        for (const field of RETIRED_FIELDS) {
          if (before[field] === undefined) delete key[field];
          else Object.assign(key, { [field]: before[field] });
        }
        await tx.keys.update(key, current.version, [this.context.audit.event(actor, 'key.regenerate.undone', before.id, { reason })]);
      }),
    );
  }
}
