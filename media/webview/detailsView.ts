// Browser side of "Key details": shows every field, sends edits as one `details/save` patch of
// what changed, and runs actions through `details/action` (the host asks for confirmations).
import {
  DETAIL_ACTIONS,
  type DetailAction,
  type DetailsLayout,
  type KeyPatch,
  type KeyView,
  type ToWebview,
} from '../../extension/webviews/protocol';
import { byId, checkboxes, checkedValues, clearErrors, fieldId, setFieldError, setText, show, splitList, text } from './dom';
import { newRequestId, onHostMessage, post } from './messaging';

type Valued = HTMLElement & { value: string; disabled: boolean };
let key: KeyView | undefined;

export function startDetailsView(): void {
  onHostMessage(handle);
  for (const button of document.querySelectorAll<HTMLElement>('[data-action]')) {
    button.addEventListener('click', () => act(button.dataset.action ?? ''));
  }
  byId<HTMLFormElement>('details-form').addEventListener('submit', (e) => e.preventDefault());
  post({ type: 'ready' });
}

function handle(message: ToWebview): void {
  if (message.type === 'details/init') {
    key = message.key;
    render(message.key, message.serviceName, message.offeredPermissions);
    applyLayout(message.layout);
    renderAudit(message.audit);
  } else if (message.type === 'details/result') {
    byId<Valued>('action-save').disabled = false;
    for (const [field, error] of Object.entries(message.fieldErrors ?? {}))
      setFieldError(fieldId(field.split('.')[0] ?? field), error, `edit-${fieldId(field.split('.')[0] ?? field)}`);
    setFieldError('form', message.ok ? undefined : message.message);
  }
}

function render(k: KeyView, serviceName: string, offered: string[]): void {
  clearErrors();
  setText('detail-name', k.name);
  setText('detail-state', text(`state${capital(k.state)}`));
  byId('detail-state').dataset.state = k.state;
  setText('detail-reference', k.reference);
  setText('detail-masked', k.masked);
  setText('detail-service', serviceName);
  setText('detail-environment', text(`env${capital(k.environment)}`));
  setText('detail-origin', text(`origin${capital(k.origin)}`));
  setText('detail-created', `${when(k.createdAt)} — ${k.createdBy}`);
  setText('detail-last-used', k.lastUsedAt ? `${when(k.lastUsedAt)}${k.lastUsedIp ? ` — ${k.lastUsedIp}` : ''}` : text('never'));
  setText('detail-use-count', String(k.useCount));
  setText(
    'detail-rotation',
    [
      k.rotatedFrom ? text('rotatedFrom', k.rotatedFrom) : '',
      k.rotatedTo ? text('rotatedTo', k.rotatedTo) : '',
      k.graceUntil ? text('grace', when(k.graceUntil)) : '',
    ]
      .filter(Boolean)
      .join(' · ') || '—',
  );
  byId<Valued>('edit-name').value = k.name;
  byId<Valued>('edit-starts-at').value = k.startsAt.slice(0, 10);
  byId<Valued>('edit-expires-at').value = k.expiresAt?.slice(0, 10) ?? '';
  checkboxes(byId('edit-permissions'), offered, k.permissions);
  byId<Valued>('edit-companies').value = k.companies.join('\n');
  byId<Valued>('edit-ip-allow-list').value = k.ipAllowList.join('\n');
  byId<Valued>('edit-organization').value = k.organization ?? '';
}

/** Shows what the host offers for this key, and nothing else. */
function applyLayout(layout: DetailsLayout): void {
  for (const action of DETAIL_ACTIONS) show(`action-${kebab(action)}`, layout.actions.includes(action));
  show('group-permissions', layout.fields.permissions);
  show('group-companies', layout.fields.companies);
  show('row-endpoint', layout.endpoint !== undefined);
  setText('detail-endpoint', layout.endpoint ?? '');
  // A revoked key's fields stay readable but not editable, and there is nothing to save.
  const form = byId('details-form');
  form.toggleAttribute('inert', !layout.editable);
  for (const control of form.querySelectorAll('vscode-textfield, vscode-textarea')) control.toggleAttribute('readonly', !layout.editable);
  for (const box of form.querySelectorAll('vscode-checkbox')) box.toggleAttribute('disabled', !layout.editable);
  show('save-row', layout.editable);
}

function renderAudit(events: Array<{ at: string; actor: string; action: string }>): void {
  const rows = events.map((e) => {
    const tr = document.createElement('tr');
    for (const value of [when(e.at), e.actor, e.action]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 3;
    td.textContent = text('noEvents');
    tr.append(td);
    rows.push(tr);
  }
  byId('audit-rows').replaceChildren(...rows);
}

function act(verb: string): void {
  if (verb === 'save') return save();
  const action = verb.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if ((DETAIL_ACTIONS as readonly string[]).includes(action)) {
    post({ type: 'details/action', requestId: newRequestId(), action: action as DetailAction });
  }
}

function save(): void {
  if (!key) return;
  clearErrors();
  const patch: KeyPatch = {};
  const name = byId<Valued>('edit-name').value.trim();
  if (name !== key.name) patch.name = name;
  const startsAt = byId<Valued>('edit-starts-at').value;
  if (startsAt && startsAt !== key.startsAt.slice(0, 10)) patch.startsAt = startsAt;
  const expiresAt = byId<Valued>('edit-expires-at').value;
  if (expiresAt !== (key.expiresAt?.slice(0, 10) ?? '')) patch.expiresAt = expiresAt || null;
  const permissions = checkedValues(byId('edit-permissions'));
  if (!sameList(permissions, key.permissions)) patch.permissions = permissions;
  const companies = splitList(byId<Valued>('edit-companies').value);
  if (!sameList(companies, key.companies)) patch.companies = companies;
  const ips = splitList(byId<Valued>('edit-ip-allow-list').value);
  if (!sameList(ips, key.ipAllowList)) patch.ipAllowList = ips;
  const organization = byId<Valued>('edit-organization').value.trim();
  if (organization !== (key.organization ?? '')) patch.organization = organization || null;
  if (Object.keys(patch).length === 0) return;
  byId<Valued>('action-save').disabled = true;
  post({ type: 'details/save', requestId: newRequestId(), patch });
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
