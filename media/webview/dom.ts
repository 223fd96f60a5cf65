// Small DOM helpers shared by the views.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`Missing element #${id}`);
  return el as T;
}

/** Localised strings the host rendered as data attributes on #strings. */
export function text(name: string, ...args: string[]): string {
  const template = byId('strings').dataset[name] ?? name;
  return args.reduce((s, arg, i) => s.replace(`{${i}}`, arg), template);
}

export function setText(id: string, value: string): void {
  byId(id).textContent = value;
}

export function show(id: string, visible: boolean): void {
  byId(id).hidden = !visible;
}

/** Lines or commas typed in a textarea, trimmed, without empties. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Shows (or clears) the inline error under a field and marks its control invalid. */
export function setFieldError(field: string, message: string | undefined, controlId = field): void {
  const error = document.getElementById(`error-${field}`);
  if (error) {
    error.textContent = message ?? '';
    error.hidden = !message;
  }
  const control = document.getElementById(controlId) as (HTMLElement & { invalid?: boolean }) | null;
  if (control && 'invalid' in control) control.invalid = Boolean(message);
}

export function clearErrors(): void {
  document.querySelectorAll<HTMLElement>('.field-error, .form-error').forEach((el) => {
    el.textContent = '';
    el.hidden = true;
  });
  document.querySelectorAll<HTMLElement & { invalid?: boolean }>('[invalid]').forEach((el) => (el.invalid = false));
}

/** Maps the protocol's field names (camelCase) to the form's ids (kebab-case). */
export function fieldId(name: string): string {
  const known: Record<string, string> = {
    serviceId: 'service',
    startsAt: 'starts-at',
    expiresAt: 'expires-at',
    ipAllowList: 'ip-allow-list',
  };
  return known[name] ?? name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function checkboxes(group: HTMLElement, values: readonly string[], checked: readonly string[]): void {
  group.replaceChildren(
    ...values.map((value) => {
      const box = document.createElement('vscode-checkbox');
      box.setAttribute('label', value);
      box.setAttribute('value', value);
      box.setAttribute('data-testid', `permission-${value}`);
      (box as HTMLElement & { checked: boolean }).checked = checked.includes(value);
      return box;
    }),
  );
}

export function checkedValues(group: HTMLElement): string[] {
  return [...group.querySelectorAll<HTMLElement & { checked: boolean; value: string }>('vscode-checkbox')]
    .filter((box) => box.checked)
    .map((box) => box.value);
}
