// Creating, importing, changing and retiring keys. Each operation validates against the catalogue,
// decides on the key as stored and writes it with the version it decided on (a change that lost a race
// is read and decided again), together with the audit event that describes it: the store keeps both or
// neither (repositories.ts, NewKeyWrite). The verify index follows through the store's change feed.
import type { AuditEvent, KeyCreated, KeyView } from '../protocol';
import { conflict, fieldError } from '../errors';
import { sha256Hex } from '../keys/hashing';
import { assertCanDelete, effectiveStatus, nextStatus, toKeyView, type Transition } from '../keys/keyState';
import type { Stored } from '../store/repositories';
import { duplicateSecret } from '../store/staleRecord';
import type { KeyRecord } from '../store/types';
import { datesProblem } from '../validation/dates';
import type { KeyCreateInput, KeyImportInput, KeyPatchInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import type { KeyInjection } from './keyInjection';
import { describeSecret, mintSecret, type MintedSecret } from './keyMinting';
import { fieldsOf, requireKey, retryOnConflict } from './keyLookup';
import type { ServiceCatalog } from './serviceCatalog';

const DAY_MS = 86_400_000;

export class KeyCommands {
  constructor(
    private readonly context: CoreContext,
    private readonly catalog: ServiceCatalog,
    private readonly injection: KeyInjection,
  ) {}

  async create(input: KeyCreateInput, actor: Actor): Promise<KeyCreated> {
    const service = this.catalog.requireForNewKey(input.serviceId);
    this.catalog.checkKeySettings(service, input);
    const minted = mintSecret(this.context.sealer, service, input.environment);
    const record = this.newRecord(input, minted, 'generated', actor, service.defaultValidityDays);
    // Plan the injection before storing, so a refused target leaves no key behind.
    const targets = await this.injection.targetsFor(input.workspace, input.inject, record);
    await this.injection.check(input.workspace, targets, minted.material, input.force);
    const stored = await this.insert(record, this.context.audit.event(actor, 'key.created', record.id, describe(record)));
    let injected;
    try {
      injected = await this.injection.apply(input.workspace, targets, minted.material, record.id, actor, input.force);
    } catch (error) {
      await this.discard(record.id, actor);
      throw error;
    }
    const created: KeyCreated = { key: toKeyView(stored, this.context.clock.now()), secret: minted.material };
    if (injected !== undefined) created.injected = injected;
    return created;
  }

  async import(input: KeyImportInput, actor: Actor): Promise<KeyView> {
    const service = this.catalog.requireForNewKey(input.serviceId);
    this.catalog.checkKeySettings(service, input);
    if (this.context.index.lookup(sha256Hex(input.secret))) throw duplicateSecret();
    const minted = describeSecret(this.context.sealer, service, input.secret, { reference: input.reference, retrievable: true });
    const record = this.newRecord(input, minted, 'imported', actor, service.defaultValidityDays);
    // Checked again by the store at commit: concurrent imports of one secret must store it once.
    const stored = await this.insert(record, this.context.audit.event(actor, 'key.imported', record.id, describe(record)));
    return toKeyView(stored, this.context.clock.now());
  }

  async patch(id: string, input: KeyPatchInput, actor: Actor): Promise<KeyView> {
    const now = this.context.clock.now();
    const fields = Object.keys(input);
    // Decided on the key as stored; if it moved before the write, decided again on the new one, so a
    // concurrent change of other fields (here or on another daemon) is kept, never overwritten.
    const updated = await retryOnConflict(async () => {
      const current = await requireKey(this.context.store.keys, id);
      const service = this.catalog.get(current.serviceId);
      this.catalog.checkKeySettings(service, input);
      if (effectiveStatus(current, now) === 'revoked')
        throw conflict('KEY_REVOKED', 'This key is revoked, which is final: it can no longer be changed.');
      const key: KeyRecord = fieldsOf(current);
      for (const [field, value] of Object.entries(input)) {
        if (value === null) delete (key as unknown as Record<string, unknown>)[field];
        else if (value !== undefined) Object.assign(key, { [field]: value });
      }
      const problem = datesProblem(key.startsAt, key.expiresAt);
      if (problem) throw fieldError(input.expiresAt !== undefined ? 'expiresAt' : 'startsAt', problem);
      key.updatedAt = now.toISOString();
      return this.context.store.keys.update(key, current.version, [this.context.audit.event(actor, 'key.updated', id, { fields })]);
    });
    return toKeyView(updated, now);
  }

  async transition(id: string, transition: Transition, actor: Actor): Promise<KeyView> {
    const now = this.context.clock.now();
    const result = await retryOnConflict(async () => {
      const current = await requireKey(this.context.store.keys, id);
      const target = nextStatus(current, transition, now);
      if (effectiveStatus(current, now) === target) return { changed: false, key: current };
      const key: KeyRecord = { ...fieldsOf(current), status: target, updatedAt: now.toISOString() };
      if (target === 'revoked') key.revokedAt = now.toISOString();
      const event = this.context.audit.event(actor, `key.${transition}d`, id);
      return { changed: true, key: await this.context.store.keys.update(key, current.version, [event]) };
    });
    return toKeyView(result.key, now);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const now = this.context.clock.now();
    await retryOnConflict(async () => {
      const current = await requireKey(this.context.store.keys, id);
      assertCanDelete(current, now);
      await this.context.store.keys.delete(id, current.version, [
        this.context.audit.event(actor, 'key.deleted', id, { name: current.name }),
      ]);
    });
  }

  /**
   * Stores a new key with its event (refused with DUPLICATE_SECRET when its secret is stored already),
   * its service checked in the same write: a service disabled or deleted meanwhile stores nothing.
   */
  async insert(record: KeyRecord, event: AuditEvent): Promise<Stored<KeyRecord>> {
    return retryOnConflict(() => this.context.store.keys.insert(record, { events: [event], requireEnabledService: true }));
  }

  /**
   * Takes back a key whose injection failed after it was stored (its secret was never handed out); its
   * `key.created` event stays, and this one says the key was taken back and why.
   */
  private async discard(id: string, actor: Actor): Promise<void> {
    const event = this.context.audit.event(actor, 'key.discarded', id, { reason: 'injection failed; the secret was never handed out' });
    await retryOnConflict(async () => {
      const current = await this.context.store.keys.get(id);
      if (current) await this.context.store.keys.delete(id, current.version, [event]);
    });
  }

  private newRecord(
    input: KeyCreateInput | KeyImportInput,
    minted: MintedSecret,
    origin: KeyRecord['origin'],
    actor: Actor,
    defaultValidityDays: number | undefined,
  ): KeyRecord {
    const now = this.context.clock.now();
    const startsAt = input.startsAt ?? now.toISOString();
    const record: KeyRecord = {
      id: minted.id,
      serviceId: input.serviceId,
      environment: input.environment,
      name: input.name,
      reference: minted.reference,
      hint: minted.hint,
      secretHash: minted.secretHash,
      origin,
      status: 'active',
      startsAt,
      permissions: input.permissions ?? [],
      companies: input.companies ?? [],
      ipAllowList: input.ipAllowList ?? [],
      createdAt: now.toISOString(),
      createdBy: actor.name,
      updatedAt: now.toISOString(),
      useCount: 0,
    };
    const expiresAt =
      input.expiresAt ??
      (defaultValidityDays !== undefined ? new Date(Date.parse(startsAt) + defaultValidityDays * DAY_MS).toISOString() : undefined);
    if (expiresAt !== undefined) record.expiresAt = expiresAt;
    if (input.organization !== undefined) record.organization = input.organization;
    if (minted.sealed !== undefined) record.sealed = minted.sealed;
    return record;
  }
}

/** What a key's `key.created` or `key.imported` event says of it (never its secret). */
const describe = (record: KeyRecord) => ({ serviceId: record.serviceId, environment: record.environment, name: record.name });
