// Writing key material into workspace config files. The formats live in daemon/inject; this decides
// which material may be used (a secret the caller holds and proves by hash, or the sealed copy), masks
// it for previews so preview text never holds a secret, and audits every write (file and path only).
import type { InjectResult, InjectTarget, Service } from '../protocol';
import type { InjectMaterial, PlannedTarget } from '../inject';
import { conflict, fieldError } from '../errors';
import { secretMaterial } from '../keys/authorization';
import { sha256Hex } from '../keys/hashing';
import { maskedOf } from '../keys/keyFormat';
import type { KeyRecord } from '../store/types';
import type { InjectInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import { requireKey } from './keyLookup';
import { requireSealed } from './sealedSecret';

export class KeyInjection {
  constructor(private readonly context: CoreContext) {}

  /** Not audited: a preview changes nothing and shows no secret. */
  async preview(input: InjectInput): Promise<InjectResult[]> {
    const { key, service } = await this.keyAndService(input.keyId);
    // Proves the caller may use this key's material, then shows the edit with the masked value only.
    await this.material(key, service, input.secret);
    const masked = secretMaterial(service.scheme, key.reference, maskedOf(key.hint));
    return this.context.injector.previewInjection(input.workspace, input.targets, masked, { force: input.force });
  }

  async inject(input: InjectInput, actor: Actor): Promise<InjectResult[]> {
    const { key, service } = await this.keyAndService(input.keyId);
    const material = await this.material(key, service, input.secret);
    const results = await this.context.injector.applyInjection(input.workspace, input.targets, material, { force: input.force });
    await this.auditWrites(actor, key.id, input.workspace, results);
    return results;
  }

  /** Explicit targets, else the workspace's mapped targets for the service and environment. */
  async targetsFor(
    workspace: string | undefined,
    explicit: InjectTarget[] | undefined,
    key: Pick<KeyRecord, 'serviceId' | 'environment'>,
  ): Promise<PlannedTarget[]> {
    if (workspace === undefined) return [];
    return explicit ?? (await this.context.injector.mappedTargets(workspace, key.serviceId, key.environment));
  }

  /** Plans every target with the real material and throws if any is refused; writes nothing. */
  async check(workspace: string | undefined, targets: PlannedTarget[], material: InjectMaterial, force?: boolean): Promise<void> {
    if (workspace === undefined || targets.length === 0) return;
    await this.context.injector.previewInjection(workspace, targets, material, { force });
  }

  async apply(
    workspace: string | undefined,
    targets: PlannedTarget[],
    material: InjectMaterial,
    keyId: string,
    actor: Actor,
    force?: boolean,
  ): Promise<InjectResult[] | undefined> {
    if (workspace === undefined || targets.length === 0) return undefined;
    const results = await this.context.injector.applyInjection(workspace, targets, material, { force });
    await this.auditWrites(actor, keyId, workspace, results);
    return results;
  }

  private async auditWrites(actor: Actor, keyId: string, workspace: string, results: InjectResult[]): Promise<void> {
    await this.context.audit.recordAll(
      results.map((result) =>
        this.context.audit.event(actor, 'key.injected', keyId, {
          workspace,
          file: result.file,
          path: result.path,
          changed: result.changed,
        }),
      ),
    );
  }

  private async keyAndService(keyId: string): Promise<{ key: KeyRecord; service: Service }> {
    const key = await requireKey(this.context.store.keys, keyId);
    const service = await this.context.store.services.get(key.serviceId);
    if (!service) throw conflict('SERVICE_MISSING', `The service "${key.serviceId}" of this key no longer exists.`);
    return { key, service };
  }

  private async material(key: KeyRecord, service: Service, secret: string | undefined): Promise<InjectMaterial> {
    if (secret !== undefined) {
      if (sha256Hex(secret) !== key.secretHash) {
        throw fieldError(
          'secret',
          'does not match this key; pass the secret shown when the key was created, or omit it for retrievable keys',
        );
      }
      return secretMaterial(service.scheme, key.reference, secret);
    }
    const sealed = await requireSealed(
      this.context,
      key,
      'This production key was generated here and its secret was shown only once; inject it when you create or regenerate it, or pass the secret you still hold.',
    );
    return secretMaterial(service.scheme, key.reference, this.context.sealer.unseal(sealed, key.id));
  }
}
