// Creating, importing, changing and retiring keys. Each operation validates against the catalogue,
// commits one transaction, refreshes the verify index from the committed copy, then audits.
import type { KeyCreated, KeyView } from '../protocol';
import { conflict, fieldError } from '../errors';
import { sha256Hex } from '../keys/hashing';
import { assertCanDelete, effectiveStatus, nextStatus, toKeyView, type Transition } from '../keys/keyState';
import type { KeyRecord, StoreData } from '../store/types';
import { datesProblem } from '../validation/dates';
import type { KeyCreateInput, KeyImportInput, KeyPatchInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import type { KeyInjection } from './keyInjection';
import { describeSecret, mintSecret, type MintedSecret } from './keyMinting';
import { keyInDraft, copyOfKey } from './keyLookup';
import type { ServiceCatalog } from './serviceCatalog';

const DAY_MS = 86_400_000;

const duplicateSecret = () => conflict('DUPLICATE_SECRET', 'This secret is already stored as another key; nothing was imported.');

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
    await this.insert(record);
    let injected;
    try {
      injected = await this.injection.apply(input.workspace, targets, minted.material, record.id, actor, input.force);
    } catch (error) {
      await this.discard(record.id);
      throw error;
    }
    await this.context.audit.record(actor, 'key.created', record.id, {
      serviceId: record.serviceId,
      environment: record.environment,
      name: record.name,
    });
    const created: KeyCreated = { key: toKeyView(record, this.context.clock.now()), secret: minted.material };
    if (injected !== undefined) created.injected = injected;
    return created;
  }

  async import(input: KeyImportInput, actor: Actor): Promise<KeyView> {
    const service = this.catalog.requireForNewKey(input.serviceId);
    this.catalog.checkKeySettings(service, input);
    if (this.context.index.lookup(sha256Hex(input.secret))) throw duplicateSecret();
    const minted = describeSecret(this.context.sealer, service, input.secret, { reference: input.reference, retrievable: true });
    const record = this.newRecord(input, minted, 'imported', actor, service.defaultValidityDays);
    // Checked again inside the transaction: concurrent imports of one secret must store it once.
    await this.insert(record, (data) => data.keys.some((key) => key.secretHash === record.secretHash));
    await this.context.audit.record(actor, 'key.imported', record.id, {
      serviceId: record.serviceId,
      environment: record.environment,
      name: record.name,
    });
    return toKeyView(record, this.context.clock.now());
  }

  async patch(id: string, input: KeyPatchInput, actor: Actor): Promise<KeyView> {
    const now = this.context.clock.now();
    const current = copyOfKey(this.context.store.read(), id);
    const service = this.catalog.get(current.serviceId);
    this.catalog.checkKeySettings(service, input);
    const fields = Object.keys(input);
    const updated = await this.context.store.transact((data) => {
      const key = keyInDraft(data, id);
      if (effectiveStatus(key, now) === 'revoked')
        throw conflict('KEY_REVOKED', 'This key is revoked, which is final: it can no longer be changed.');
      for (const [field, value] of Object.entries(input)) {
        if (value === null) delete (key as unknown as Record<string, unknown>)[field];
        else if (value !== undefined) Object.assign(key, { [field]: value });
      }
      const problem = datesProblem(key.startsAt, key.expiresAt);
      if (problem) throw fieldError(input.expiresAt !== undefined ? 'expiresAt' : 'startsAt', problem);
      key.updatedAt = now.toISOString();
      return structuredClone(key);
    });
    this.context.index.upsert(updated);
    await this.context.audit.record(actor, 'key.updated', id, { fields });
    return toKeyView(updated, now);
  }

  async transition(id: string, transition: Transition, actor: Actor): Promise<KeyView> {
    const now = this.context.clock.now();
    const result = await this.context.store.transact((data) => {
      const key = keyInDraft(data, id);
      const target = nextStatus(key, transition, now);
      if (effectiveStatus(key, now) === target) return { changed: false, key: structuredClone(key) };
      key.status = target;
      key.updatedAt = now.toISOString();
      if (target === 'revoked') key.revokedAt = now.toISOString();
      return { changed: true, key: structuredClone(key) };
    });
    if (result.changed) {
      this.context.index.upsert(result.key);
      await this.context.audit.record(actor, `key.${transition}d`, id);
    }
    return toKeyView(result.key, now);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const now = this.context.clock.now();
    const name = await this.context.store.transact((data) => {
      const key = keyInDraft(data, id);
      assertCanDelete(key, now);
      data.keys = data.keys.filter((candidate) => candidate.id !== id);
      return key.name;
    });
    this.context.index.remove(id);
    await this.context.audit.record(actor, 'key.deleted', id, { name });
  }

  /** Adds a record (refused as a duplicate when `isDuplicate` says so) and indexes the committed copy. */
  async insert(record: KeyRecord, isDuplicate?: (data: StoreData) => boolean): Promise<void> {
    await this.context.store.transact((data) => {
      // The service may have been disabled or deleted since it was checked, by a concurrent request.
      if (!data.services.some((service) => service.id === record.serviceId && service.enabled)) {
        throw fieldError('serviceId', 'the service was disabled or deleted meanwhile; nothing was stored');
      }
      if (isDuplicate?.(data)) throw duplicateSecret();
      data.keys.push(structuredClone(record));
    });
    this.context.index.upsert(record);
  }

  /** Takes back a key whose injection failed after it was stored: its secret was never handed out. */
  private async discard(id: string): Promise<void> {
    await this.context.store.transact((data) => {
      data.keys = data.keys.filter((candidate) => candidate.id !== id);
    });
    this.context.index.remove(id);
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
