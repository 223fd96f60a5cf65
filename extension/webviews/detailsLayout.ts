// What the "Key details" panel offers for one key, decided here in the host rather than in the page:
// the page only draws it, and the panel refuses what the layout does not offer, so a stale or tampered
// page cannot edit a revoked key or reveal its secret. `rights` is what the member's role allows on this
// key (team/roleCapabilities.ts), the same rules as the tree's menus.
import type { KeyView, Service } from '../../daemon/protocol';
import type { KeyRights } from '../team/roleCapabilities';
import { DETAIL_ACTIONS, type DetailAction, type DetailsLayout } from './protocol';

const ALL_RIGHTS: KeyRights = { manage: true, reveal: true, inject: true, audit: true };

export function detailsLayout(key: KeyView, service: Service | undefined, rights: KeyRights = ALL_RIGHTS): DetailsLayout {
  const revoked = key.status === 'revoked';
  const offered: Record<DetailAction, boolean> = {
    copyReference: true,
    // Revoked is final: its secret is handed out nowhere any more, as in the tree's menus.
    copyAuthorization: rights.reveal && key.retrievable && !revoked,
    reveal: rights.reveal && key.retrievable && !revoked,
    copyEndpoint: Boolean(service?.endpoint),
    inject: rights.inject && !revoked,
    deactivate: rights.manage && key.status === 'active',
    reactivate: rights.manage && key.status === 'inactive',
    regenerate: rights.manage && !revoked,
    revoke: rights.manage && !revoked,
    delete: rights.manage && revoked,
    audit: rights.audit,
  };
  const layout: DetailsLayout = {
    editable: rights.manage && !revoked,
    actions: DETAIL_ACTIONS.filter((action) => offered[action]),
    fields: {
      permissions: (service?.permissions.length ?? 0) > 0 || key.permissions.length > 0,
      companies: Boolean(service?.supportsCompanies) || key.companies.length > 0,
    },
  };
  if (service?.endpoint) layout.endpoint = service.endpoint;
  return layout;
}
