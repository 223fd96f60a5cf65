// The service catalogue: built-in presets (seeded once, never deleted) and user-defined services, plus
// the checks a key's settings must pass against its service.
import type { Service } from '../protocol';
import { conflict, fieldError, KeysmithError, notFound } from '../errors';
import { newId } from '../keys/keyFormat';
import { BUILT_IN_EDITABLE_FIELDS, BUILT_IN_SERVICES } from '../keys/builtInServices';
import type { StoreData } from '../store/types';
import type { ServiceCreateInput, ServicePatchInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';

function prefixFromName(name: string): string {
  const letters = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^[0-9]+/, '');
  return letters.length >= 2 ? letters.slice(0, 8) : 'key';
}

export class ServiceCatalog {
  constructor(private readonly context: CoreContext) {}

  list(): Service[] {
    return this.context.store.read().services.map((service) => structuredClone(service));
  }

  get(id: string): Service {
    const service = this.context.store.read().services.find((candidate) => candidate.id === id);
    if (!service) throw notFound('service', id);
    return structuredClone(service);
  }

  /**
   * Brings the built-in presets up to date: adds missing ones (first start, or a preset added in an
   * update) and refreshes the fields users cannot edit, keeping what they chose (enabled, endpoint...).
   */
  async ensurePresets(): Promise<void> {
    const stale = (service: Service | undefined, preset: Service) => !service || lockedFieldsDiffer(service, preset);
    const current = new Map(this.context.store.read().services.map((service) => [service.id, service]));
    if (!BUILT_IN_SERVICES.some((preset) => stale(current.get(preset.id), preset))) return;
    await this.context.store.transact((data) => {
      for (const preset of BUILT_IN_SERVICES) {
        const index = data.services.findIndex((service) => service.id === preset.id);
        if (index === -1) {
          data.services.push(structuredClone(preset));
          continue;
        }
        // Editable fields follow the stored record entirely (one the user cleared stays cleared).
        const existing = data.services[index]! as unknown as Record<string, unknown>;
        const refreshed = structuredClone(preset) as unknown as Record<string, unknown>;
        for (const field of BUILT_IN_EDITABLE_FIELDS) {
          if (field in existing) refreshed[field] = existing[field];
          else delete refreshed[field];
        }
        data.services[index] = refreshed as unknown as Service;
      }
    });
  }

  /** The service a new key would belong to, refused (400 on `serviceId`) when unknown or disabled. */
  requireForNewKey(serviceId: string): Service {
    const service = this.context.store.read().services.find((candidate) => candidate.id === serviceId);
    if (!service) {
      throw fieldError('serviceId', 'no service has this id; GET /v1/services lists the catalogue');
    }
    if (!service.enabled) {
      throw fieldError(
        'serviceId',
        `the service "${service.name}" is disabled (${service.disabledReason ?? 'no reason given'}); enable it first`,
      );
    }
    return structuredClone(service);
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
    await this.context.store.transact((data) => {
      data.services.push(structuredClone(service));
    });
    await this.context.audit.record(actor, 'service.created', undefined, { serviceId: service.id, name: service.name });
    return service;
  }

  async patch(id: string, input: ServicePatchInput, actor: Actor): Promise<Service> {
    const current = this.get(id);
    const fields = Object.keys(input) as (keyof ServicePatchInput)[];
    if (current.builtIn) {
      const locked = fields.filter((field) => !BUILT_IN_EDITABLE_FIELDS.has(field));
      if (locked.length > 0) {
        throw new KeysmithError(
          'VALIDATION_FAILED',
          `Built-in services only accept changes to ${[...BUILT_IN_EDITABLE_FIELDS].join(', ')}.`,
          Object.fromEntries(locked.map((field) => [field, `cannot be changed on the built-in service "${current.name}"`])),
        );
      }
    }
    const updated = await this.context.store.transact((data) => {
      const service = data.services.find((candidate) => candidate.id === id);
      if (!service) throw notFound('service', id);
      if (input.scheme !== undefined && input.scheme !== service.scheme && hasKeys(data, id)) {
        throw conflict('SERVICE_IN_USE', `The scheme of "${service.name}" cannot change while keys use it; revoke and delete them first.`);
      }
      Object.assign(service, input);
      if (input.enabled === true && input.disabledReason === undefined) delete service.disabledReason;
      return structuredClone(service);
    });
    await this.context.audit.record(actor, 'service.updated', undefined, { serviceId: id, fields });
    return updated;
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const current = this.get(id);
    if (current.builtIn) {
      throw conflict('BUILT_IN', `"${current.name}" is a built-in service: it can be disabled (PATCH enabled=false), not deleted.`);
    }
    await this.context.store.transact((data) => {
      if (hasKeys(data, id)) {
        throw conflict('SERVICE_IN_USE', `Keys still belong to "${current.name}"; revoke and delete them before deleting the service.`);
      }
      data.services = data.services.filter((service) => service.id !== id);
    });
    await this.context.audit.record(actor, 'service.deleted', undefined, { serviceId: id, name: current.name });
  }
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

function hasKeys(data: StoreData, serviceId: string): boolean {
  return data.keys.some((key) => key.serviceId === serviceId);
}
