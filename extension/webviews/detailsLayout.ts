// What the "Key details" panel offers for one key, decided here in the host rather than in the page:
// the page only draws it, and the panel refuses what the layout does not offer, so a stale or tampered
// page cannot edit a revoked key or reveal its secret.
import type { KeyView, Service } from '../../daemon/protocol';
import { DETAIL_ACTIONS, type DetailAction, type DetailsLayout } from './protocol';

export function detailsLayout(key: KeyView, service: Service | undefined): DetailsLayout {
  const revoked = key.status === 'revoked';
  const offered: Record<DetailAction, boolean> = {
    copyReference: true,
    // Revoked is final: its secret is handed out nowhere any more, as in the tree's menus.
    copyAuthorization: key.retrievable && !revoked,
    reveal: key.retrievable && !revoked,
    copyEndpoint: Boolean(service?.endpoint),
    inject: !revoked,
    deactivate: key.status === 'active',
    reactivate: key.status === 'inactive',
    regenerate: !revoked,
    revoke: !revoked,
    delete: revoked,
    audit: true,
  };
  const layout: DetailsLayout = {
    editable: !revoked,
    actions: DETAIL_ACTIONS.filter((action) => offered[action]),
    fields: {
      permissions: (service?.permissions.length ?? 0) > 0 || key.permissions.length > 0,
      companies: Boolean(service?.supportsCompanies) || key.companies.length > 0,
    },
  };
  if (service?.endpoint) layout.endpoint = service.endpoint;
  return layout;
}
