// Browser side of the "Generate key" form: fills services and permissions from `generate/init`,
// posts `key/generate`, and shows the daemon's field errors inline next to the fields.
import type { Environment, GenerateForm, InjectTarget, MappingView, Service, ToWebview } from '../../extension/webviews/protocol';
import { byId, checkboxes, checkedValues, clearErrors, fieldId, setFieldError, show, splitList, text } from './dom';
import { newRequestId, onHostMessage, post } from './messaging';

type Valued = HTMLElement & { value: string; disabled: boolean };

let services: Service[] = [];
let mappings: MappingView[] = [];
let hasWorkspace = false;
let pendingRequest: string | undefined;

export function startGenerateView(): void {
  onHostMessage(handle);
  initialHelp('permissions-help');
  initialHelp('inject-help');
  byId('service').addEventListener('change', refreshDependents);
  byId('environment').addEventListener('change', refreshDependents);
  byId<HTMLFormElement>('generate-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  // vscode-button is form-associated, but a click handler keeps submit working whatever the version.
  byId('submit').addEventListener('click', (e) => {
    e.preventDefault();
    submit();
  });
  post({ type: 'ready' });
}

function handle(message: ToWebview): void {
  if (message.type === 'generate/init') {
    services = message.services;
    mappings = message.mappings;
    hasWorkspace = message.hasWorkspace;
    fillServices();
    byId<Valued>('environment').value = message.defaultEnvironment;
    refreshDependents();
  } else if (message.type === 'generate/error' && message.requestId === pendingRequest) {
    pendingRequest = undefined;
    setBusy(false);
    for (const [field, error] of Object.entries(message.fieldErrors)) setFieldError(fieldId(field), error);
    const general = Object.keys(message.fieldErrors).length === 0 || 'form' in message.fieldErrors;
    setFieldError('form', general ? (message.fieldErrors.form ?? message.message) : undefined);
  }
}

function fillServices(): void {
  const select = byId<Valued>('service');
  select.replaceChildren(
    ...services.map((service) => {
      const option = document.createElement('vscode-option') as HTMLElement & { disabled: boolean; description: string };
      option.setAttribute('value', service.id);
      option.textContent = service.enabled
        ? `${service.name}${service.code ? ` (${service.code})` : ''}`
        : `${service.name} — ${text('unavailable')}`;
      option.description = service.enabled ? (service.description ?? '') : (service.disabledReason ?? text('unavailable'));
      option.disabled = !service.enabled;
      return option;
    }),
  );
  const first = services.find((s) => s.enabled);
  if (first) select.value = first.id;
}

function selected(): { service: Service | undefined; environment: Environment } {
  const id = byId<Valued>('service').value;
  return {
    service: services.find((s) => s.id === id),
    environment: byId<Valued>('environment').value === 'production' ? 'production' : 'test',
  };
}

function refreshDependents(): void {
  const { service, environment } = selected();
  byId('service-help').textContent = service
    ? service.enabled
      ? [service.description, service.endpoint].filter(Boolean).join(' — ')
      : (service.disabledReason ?? text('unavailable'))
    : '';
  const permissions = service?.permissions ?? [];
  checkboxes(byId('permissions'), permissions, []);
  byId('permissions-help').textContent = permissions.length ? initialHelp('permissions-help') : text('noPermissions');
  const companies = byId<Valued>('companies');
  companies.disabled = !service?.supportsCompanies;
  if (companies.disabled) companies.value = '';
  byId('companies-help').textContent = service?.supportsCompanies ? '' : text('noCompanies');
  fillTargets(service ? targetsFor(service.id, environment) : []);
}

function targetsFor(serviceId: string, environment: Environment): InjectTarget[] {
  return mappings.filter((m) => m.serviceId === serviceId && m.environment === environment).flatMap((m) => m.targets);
}

function fillTargets(targets: InjectTarget[]): void {
  const box = byId('inject');
  box.replaceChildren(
    ...targets.map((target, i) => {
      const check = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
      check.setAttribute('label', `${target.file} — ${target.path} ← ${target.value}`);
      check.setAttribute('value', String(i));
      check.setAttribute('data-testid', `inject-target-${i}`);
      check.checked = true;
      return check;
    }),
  );
  byId('inject-help').textContent = !hasWorkspace ? text('noWorkspace') : targets.length ? initialHelp('inject-help') : text('noMapping');
}

/** The help text the host rendered, remembered before it is first replaced. */
function initialHelp(id: string): string {
  const el = byId(id);
  el.dataset.initial ??= el.textContent ?? '';
  return el.dataset.initial;
}

function submit(): void {
  if (pendingRequest) return;
  clearErrors();
  const { service, environment } = selected();
  const name = byId<Valued>('name').value.trim();
  let invalid = false;
  if (!service || !service.enabled) {
    setFieldError('service', text('serviceRequired'));
    invalid = true;
  }
  if (!name) {
    setFieldError('name', text('nameRequired'));
    invalid = true;
  }
  if (invalid || !service) return;
  const targets = targetsFor(service.id, environment);
  const form: GenerateForm = {
    serviceId: service.id,
    environment,
    name,
    startsAt: byId<Valued>('starts-at').value,
    expiresAt: byId<Valued>('expires-at').value,
    permissions: checkedValues(byId('permissions')),
    companies: splitList(byId<Valued>('companies').value),
    ipAllowList: splitList(byId<Valued>('ip-allow-list').value),
    inject: checkedValues(byId('inject'))
      .map((i) => targets[Number(i)])
      .filter((t): t is InjectTarget => Boolean(t)),
  };
  pendingRequest = newRequestId();
  setBusy(true);
  post({ type: 'key/generate', requestId: pendingRequest, form });
}

function setBusy(busy: boolean): void {
  const button = byId<Valued>('submit');
  button.disabled = busy;
  show('error-form', false);
  button.setAttribute('aria-busy', String(busy));
}
