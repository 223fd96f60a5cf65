// The service catalogue: built-in presets (seeded once, never deleted) and user-defined services, plus
// the checks a key's settings must pass against its service.
import type { Service } from '../protocol';
import { conflict, fieldError, KeysmithError, notFound } from '../errors';
import { newId } from '../keys/keyFormat';
import { BUILT_IN_EDITABLE_FIELDS, BUILT_IN_SERVICES } from '../keys/builtInServices';
import type { ServiceRepository, Stored } from '../store/repositories';
import type { ServiceRecord } from '../store/types';
import type { ServiceCreateInput, ServicePatchInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import { retryOnConflict } from './keyLookup';

function prefixFromName(name: string): string {
  const letters = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^[0-9]+/, '');
  return letters.length >= 2 ? letters.slice(0, 8) : 'key';
}

export class ServiceCatalog {
  /**
   * The services as committed, fed by the store's change feed (createCore): the catalogue is small and
   * read on every key request, so its checks stay synchronous. Decisions that must hold at commit
   * (patch, delete, a new key's service) read the store inside their unit of work.
   */
  private readonly services = new Map<string, Stored<ServiceRecord>>();

  constructor(private readonly context: CoreContext) {}

  replaceAll(services: readonly Stored<ServiceRecord>[]): void {
    this.services.clear();
    for (const service of services) this.services.set(service.id, service);
  }

  /** One committed change: the service as stored, or undefined when it was deleted. */
  apply(id: string, record: Stored<ServiceRecord> | undefined): void {
    if (record === undefined) this.services.delete(id);
    else this.services.set(id, record);
  }

  list(): Service[] {
    return [...this.services.values()].map(serviceView);
  }

  get(id: string): Service {
    const service = this.services.get(id);
    if (!service) throw notFound('service', id);
    return serviceView(service);
  }

  /**
   * Brings the built-in presets up to date: adds missing ones (first start, or a preset added in an
   * update) and refreshes the fields users cannot edit, keeping what they chose (enabled, endpoint...).
   */
  async ensurePresets(): Promise<void> {
    const stale = (service: Service | undefined, preset: Service) => !service || lockedFieldsDiffer(service, preset);
    if (!BUILT_IN_SERVICES.some((preset) => stale(this.services.get(preset.id), preset))) return;
    // On a team store only owners and admins write services: an issuer's, auditor's or verifier's
    // daemon starts with the catalogue as it is, and the next owner or admin daemon brings it up to date.
    await this.writePresets(stale).catch((error: unknown) => {
      if (!(error instanceof KeysmithError && error.code === 'FORBIDDEN_ROLE')) throw error;
    });
  }

  private async writePresets(stale: (service: Service | undefined, preset: Service) => boolean): Promise<void> {
    await retryOnConflict(() =>
      this.context.store.unitOfWork(async (tx) => {
        for (const preset of BUILT_IN_SERVICES) {
          const existing = await tx.services.get(preset.id);
          if (!existing) {
            await tx.services.insert(structuredClone(preset));
            continue;
          }
          if (!stale(serviceView(existing), preset)) continue;
          // Editable fields follow the stored record entirely (one the user cleared stays cleared).
          const stored = existing as unknown as Record<string, unknown>;
          const refreshed = structuredClone(preset) as unknown as Record<string, unknown>;
          for (const field of BUILT_IN_EDITABLE_FIELDS) {
            if (field in stored) refreshed[field] = stored[field];
            else delete refreshed[field];
          }
          await tx.services.update(refreshed as unknown as Service, existing.version);
        }
      }),
    );
  }

  /**
   * The service a new key would belong to, refused (400 on `serviceId`) when unknown or disabled. The
   * cached record itself, read-only: a create only reads it, and copying it was a clone per create.
   */
  requireForNewKey(serviceId: string): Readonly<Service> {
    const service = this.services.get(serviceId);
    if (!service) {
      throw fieldError('serviceId', 'no service has this id; GET /v1/services lists the catalogue');
    }
    if (!service.enabled) {
      throw fieldError(
        'serviceId',
        `the service "${service.name}" is disabled (${service.disabledReason ?? 'no reason given'}); enable it first`,
      );
    }
    return service;
  }

  /** Permissions must come from the service's list; companies only where the service supports them. */
  checkKeySettings(service: Service, settings: { permissions?: string[] | undefined; companies?: string[] | undefined }): void {
    const offered = new Set(service.permissions);
    const unknown = (settings.permissions ?? []).filter((permission) => !offered.has(permission));
    if (unknown.length > 0) {
      const accepted =
        service.permissions.length > 0 ? `accepted: ${service.permissions.join(', ')}` : 'this service has no method permissions';
      // Counted, not quoted: a received value is never repeated (it may be a pasted secret).
      throw fieldError('permissions', `${unknown.length} permission(s) not offered by ${service.name}; ${accepted}`);
    }
    if ((settings.companies ?? []).length > 0 && !service.supportsCompanies) {
      throw fieldError('companies', `${service.name} has no company restrictions; leave companies empty`);
    }
  }

  async create(input: ServiceCreateInput, actor: Actor): Promise<Service> {
    const service: Service = {
      id: newId('svc'),
      name: input.name,
      enabled: input.enabled ?? true,
      scheme: input.scheme ?? 'bearer',
      prefix: input.prefix ?? prefixFromName(input.name),
      permissions: input.permissions ?? [],
      builtIn: false,
    };
    for (const field of ['code', 'description', 'endpoint', 'disabledReason', 'supportsCompanies', 'defaultValidityDays'] as const) {
      if (input[field] !== undefined) Object.assign(service, { [field]: input[field] });
    }
    await this.context.store.services.insert(service, [
      this.context.audit.event(actor, 'service.created', undefined, { serviceId: service.id, name: service.name }),
    ]);
    return service;
  }

  async patch(id: string, input: ServicePatchInput, actor: Actor): Promise<Service> {
    const fields = Object.keys(input) as (keyof ServicePatchInput)[];
    const updated = await retryOnConflict(() =>
      this.context.store.unitOfWork(async (tx) => {
        const service = await requireService(tx.services, id);
        if (service.builtIn) {
          const locked = fields.filter((field) => !BUILT_IN_EDITABLE_FIELDS.has(field));
          if (locked.length > 0) {
            throw new KeysmithError(
              'VALIDATION_FAILED',
              `Built-in services only accept changes to ${[...BUILT_IN_EDITABLE_FIELDS].join(', ')}.`,
              Object.fromEntries(locked.map((field) => [field, `cannot be changed on the built-in service "${service.name}"`])),
            );
          }
        }
        if (input.scheme !== undefined && input.scheme !== service.scheme && (await tx.services.keyCount(id)) > 0) {
          throw conflict(
            'SERVICE_IN_USE',
            `The scheme of "${service.name}" cannot change while keys use it; revoke and delete them first.`,
          );
        }
        const next: Service = Object.assign(serviceView(service), input);
        if (input.enabled === true && input.disabledReason === undefined) delete next.disabledReason;
        return tx.services.update(next, service.version, [
          this.context.audit.event(actor, 'service.updated', undefined, { serviceId: id, fields }),
        ]);
      }),
    );
    return serviceView(updated);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await retryOnConflict(() =>
      this.context.store.unitOfWork(async (tx) => {
        const service = await requireService(tx.services, id);
        if (service.builtIn) {
          throw conflict('BUILT_IN', `"${service.name}" is a built-in service: it can be disabled (PATCH enabled=false), not deleted.`);
        }
        if ((await tx.services.keyCount(id)) > 0) {
          throw conflict('SERVICE_IN_USE', `Keys still belong to "${service.name}"; revoke and delete them before deleting the service.`);
        }
        await tx.services.delete(id, service.version, [
          this.context.audit.event(actor, 'service.deleted', undefined, { serviceId: id, name: service.name }),
        ]);
      }),
    );
  }
}

async function requireService(services: ServiceRepository, id: string): Promise<Stored<ServiceRecord>> {
  const service = await services.get(id);
  if (!service) throw notFound('service', id);
  return service;
}

/** A service as the API shows it: the store's version is the store's business. */
function serviceView(service: Stored<ServiceRecord>): Service {
  const { version: _version, ...view } = structuredClone(service);
  return view;
}

function lockedFieldsDiffer(service: Service, preset: Service): boolean {
  const locked = (value: Service) =>
    JSON.stringify(
      Object.entries(value)
        .filter(([field]) => !BUILT_IN_EDITABLE_FIELDS.has(field))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return locked(service) !== locked(preset);
}
