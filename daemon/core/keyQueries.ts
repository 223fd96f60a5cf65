// Reading keys: the filtered, sorted, paged list, one key, and the audited reveal of a retrievable secret.
import type { KeyList, KeyView, RevealResponse } from '../protocol';
import { conflict } from '../errors';
import { secretMaterial } from '../keys/authorization';
import { deriveState, effectiveStatus, isRetrievable, toKeyView } from '../keys/keyState';
import type { KeyRecord } from '../store/types';
import type { KeyQueryInput } from '../validation/schemas';
import type { Actor, CoreContext } from './context';
import { copyOfKey } from './keyLookup';

export class KeyQueries {
  constructor(private readonly context: CoreContext) {}

  /**
   * Filters and sorts the stored records themselves and builds views only for the returned page: a
   * view per matching key (copy, derived status, mask) was most of the cost of a page over 10k keys.
   * The state is derived per record only when the status filter asks for it.
   */
  list(query: KeyQueryInput): KeyList {
    const now = this.context.clock.now();
    const needle = query.q?.normalize('NFC').toLowerCase();
    const matches: KeyRecord[] = [];
    for (const key of this.context.store.read().keys) {
      if (query.serviceId !== undefined && key.serviceId !== query.serviceId) continue;
      if (query.environment !== undefined && key.environment !== query.environment) continue;
      if (needle && !key.name.toLowerCase().includes(needle) && !key.reference.toLowerCase().includes(needle)) continue;
      if (query.status !== undefined && deriveState(key, now) !== query.status) continue;
      matches.push(key);
    }
    // The sort fields (startsAt, createdAt, name) are stored fields, the same in a record and its view.
    const direction = query.order === 'asc' ? 1 : -1;
    const field = query.sort;
    matches.sort((a, b) => {
      const byField = field === 'name' ? a.name.localeCompare(b.name) : a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
      return (byField || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * direction;
    });
    const start = (query.page - 1) * query.pageSize;
    const items = matches.slice(start, start + query.pageSize).map((key) => toKeyView(key, now));
    return { items, total: matches.length, page: query.page, pageSize: query.pageSize };
  }

  get(id: string): KeyView {
    return toKeyView(copyOfKey(this.context.store.read(), id), this.context.clock.now());
  }

  async reveal(id: string, actor: Actor): Promise<RevealResponse> {
    const key = copyOfKey(this.context.store.read(), id);
    // Revoked is final: nothing may use the key again, so its secret has no reason to leave the store.
    if (effectiveStatus(key, this.context.clock.now()) === 'revoked') {
      throw conflict('KEY_REVOKED', 'This key is revoked, which is final: its secret is no longer shown.');
    }
    if (!isRetrievable(key) || key.sealed === undefined) {
      throw conflict(
        'NOT_RETRIEVABLE',
        'This production key was generated here: its secret was shown once, at creation, and is not stored. Regenerate the key to get a new secret.',
      );
    }
    const service = this.context.store.read().services.find((candidate) => candidate.id === key.serviceId);
    const secret = this.context.sealer.unseal(key.sealed, key.id);
    await this.context.audit.record(actor, 'key.revealed', id);
    return { secret: secretMaterial(service?.scheme ?? 'bearer', key.reference, secret) };
  }
}
