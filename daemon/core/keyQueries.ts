// Reading keys: the filtered, sorted, paged list, one key, and the audited reveal of a retrievable secret.
import type { KeyList, KeyView, RevealResponse } from '../protocol';
import { conflict } from '../errors';
import { secretMaterial } from '../keys/authorization';
import { effectiveStatus, toKeyView } from '../keys/keyState';
import type { KeyQueryInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import { requireKey } from './keyLookup';
import { requireSealed } from './sealedSecret';

export class KeyQueries {
  constructor(private readonly context: CoreContext) {}

  /** Filtered, sorted and paged by the store; views are built only for the page it returns. */
  async list(query: KeyQueryInput): Promise<KeyList> {
    const now = this.context.clock.now();
    const { status, ...rest } = query;
    const { items, total } = await this.context.store.keys.list({ ...rest, ...(status === undefined ? {} : { state: status }), now });
    return { items: items.map((key) => toKeyView(key, now)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<KeyView> {
    return toKeyView(await requireKey(this.context.store.keys, id), this.context.clock.now());
  }

  async reveal(id: string, actor: Actor): Promise<RevealResponse> {
    const key = await requireKey(this.context.store.keys, id);
    // Revoked is final: nothing may use the key again, so its secret has no reason to leave the store.
    if (effectiveStatus(key, this.context.clock.now()) === 'revoked') {
      throw conflict('KEY_REVOKED', 'This key is revoked, which is final: its secret is no longer shown.');
    }
    const sealed = await requireSealed(
      this.context,
      key,
      'This production key was generated here: its secret was shown once, at creation, and is not stored. Regenerate the key to get a new secret.',
    );
    const service = await this.context.store.services.get(key.serviceId);
    const secret = this.context.sealer.unseal(sealed, key.id);
    await this.context.audit.recordOrRefuse(actor, 'key.revealed', id);
    return { secret: secretMaterial(service?.scheme ?? 'bearer', key.reference, secret) };
  }
}
