// The messages between the webviews and the extension host: one discriminated union per direction,
// a `ready` handshake, request ids to match replies, and an allow-list check for everything that
// comes from a webview (unknown or malformed messages are dropped and logged by the panel).
import type { AuditEvent, Environment, InjectTarget, KeyPatch, KeyView, Service } from '../../daemon/protocol';

// The daemon types the webview scripts draw, re-exported so media/ imports this file and nothing else.
export type { Environment, InjectTarget, KeyPatch, KeyView, Service };

export type ViewName = 'generate' | 'reveal' | 'details';

export interface GenerateForm {
  serviceId: string;
  environment: Environment;
  name: string;
  /** `YYYY-MM-DD` from a date field, or empty. */
  startsAt: string;
  expiresAt: string;
  permissions: string[];
  companies: string[];
  ipAllowList: string[];
  /** Chosen among the workspace's mapped targets for the service and environment. */
  inject: InjectTarget[];
}

export type CopyWhat = 'reference' | 'secret' | 'authorization';
export const DETAIL_ACTIONS = [
  'copyReference',
  'copyAuthorization',
  'reveal',
  'copyEndpoint',
  'deactivate',
  'reactivate',
  'regenerate',
  'revoke',
  'delete',
  'inject',
  'audit',
] as const;
export type DetailAction = (typeof DETAIL_ACTIONS)[number];

/** What the details panel offers for one key (built by detailsLayout.ts; the page only draws it). */
export interface DetailsLayout {
  /** False once the key is revoked: revoked is final, so no field can change and there is no Save. */
  editable: boolean;
  /** The action buttons shown, in DETAIL_ACTIONS order. */
  actions: DetailAction[];
  /** Fields the service takes; one it does not take is hidden unless the key still carries values for it. */
  fields: { permissions: boolean; companies: boolean };
  /** The service's API endpoint, shown with a copy button. */
  endpoint?: string;
}

/** Webview -> extension host. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'key/generate'; requestId: string; form: GenerateForm }
  | { type: 'reveal/copy'; what: CopyWhat }
  | { type: 'reveal/writeConfig' }
  | { type: 'details/save'; requestId: string; patch: KeyPatch }
  | { type: 'details/action'; requestId: string; action: DetailAction };

export interface MappingView {
  serviceId: string;
  environment: Environment;
  targets: InjectTarget[];
}

/** Extension host -> webview. */
export type ToWebview =
  | { type: 'generate/init'; services: Service[]; defaultEnvironment: Environment; mappings: MappingView[]; hasWorkspace: boolean }
  | { type: 'generate/error'; requestId: string; message: string; fieldErrors: Record<string, string> }
  | {
      type: 'reveal/init';
      keyName: string;
      environment: Environment;
      reference: string;
      masked: string;
      /** Sent once per load, kept only in a script variable: never in webview state. */
      secret: string;
      authorization?: string;
      shownOnce: boolean;
      injected: string[];
    }
  | { type: 'reveal/copied'; what: CopyWhat; clearSeconds: number }
  | { type: 'details/init'; key: KeyView; serviceName: string; offeredPermissions: string[]; layout: DetailsLayout; audit: AuditEvent[] }
  | { type: 'details/result'; requestId: string; ok: boolean; message?: string; fieldErrors?: Record<string, string> };

const isString = (v: unknown): v is string => typeof v === 'string';
const isShortString = (v: unknown, max = 1000): v is string => isString(v) && v.length <= max;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 1000 && v.every((s) => isShortString(s));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRequestId = (v: unknown): v is string => isString(v) && /^[A-Za-z0-9-]{1,64}$/.test(v);

function isTarget(v: unknown): v is InjectTarget {
  return (
    isRecord(v) &&
    isShortString(v.file) &&
    isShortString(v.path) &&
    ['secret', 'reference', 'authorization', 'pair'].includes(v.value as string) &&
    (v.format === undefined || isShortString(v.format, 20)) &&
    (v.referencePath === undefined || isShortString(v.referencePath))
  );
}

function isGenerateForm(v: unknown): v is GenerateForm {
  return (
    isRecord(v) &&
    isShortString(v.serviceId, 200) &&
    (v.environment === 'test' || v.environment === 'production') &&
    isShortString(v.name, 500) &&
    isShortString(v.startsAt, 40) &&
    isShortString(v.expiresAt, 40) &&
    isStringArray(v.permissions) &&
    isStringArray(v.companies) &&
    isStringArray(v.ipAllowList) &&
    Array.isArray(v.inject) &&
    v.inject.length <= 100 &&
    v.inject.every(isTarget)
  );
}

const PATCH_LISTS = ['permissions', 'companies', 'ipAllowList'] as const;
const PATCH_TEXTS = ['name', 'startsAt'] as const;
const PATCH_NULLABLE = ['expiresAt', 'organization'] as const;

function isKeyPatch(v: unknown): v is KeyPatch {
  if (!isRecord(v)) return false;
  const known = new Set<string>([...PATCH_LISTS, ...PATCH_TEXTS, ...PATCH_NULLABLE]);
  return (
    Object.keys(v).every((k) => known.has(k)) &&
    PATCH_LISTS.every((k) => v[k] === undefined || isStringArray(v[k])) &&
    PATCH_TEXTS.every((k) => v[k] === undefined || isShortString(v[k], 500)) &&
    PATCH_NULLABLE.every((k) => v[k] === undefined || v[k] === null || isShortString(v[k], 500))
  );
}

/** Which message types each view may send: anything else from that view is dropped. */
const ALLOWED: Record<ViewName, ReadonlySet<FromWebview['type']>> = {
  generate: new Set(['ready', 'key/generate']),
  reveal: new Set(['ready', 'reveal/copy', 'reveal/writeConfig']),
  details: new Set(['ready', 'details/save', 'details/action']),
};

/** The message if it is one this view may send and well-formed, else undefined. */
export function parseFromWebview(view: ViewName, raw: unknown): FromWebview | undefined {
  if (!isRecord(raw) || !isString(raw.type) || !ALLOWED[view].has(raw.type as FromWebview['type'])) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'reveal/writeConfig':
      return { type: raw.type };
    case 'key/generate':
      return isRequestId(raw.requestId) && isGenerateForm(raw.form)
        ? { type: raw.type, requestId: raw.requestId, form: raw.form }
        : undefined;
    case 'reveal/copy':
      return raw.what === 'reference' || raw.what === 'secret' || raw.what === 'authorization'
        ? { type: raw.type, what: raw.what }
        : undefined;
    case 'details/save':
      return isRequestId(raw.requestId) && isKeyPatch(raw.patch)
        ? { type: raw.type, requestId: raw.requestId, patch: raw.patch }
        : undefined;
    case 'details/action':
      return isRequestId(raw.requestId) && (DETAIL_ACTIONS as readonly unknown[]).includes(raw.action)
        ? { type: raw.type, requestId: raw.requestId, action: raw.action as DetailAction }
        : undefined;
    default:
      return undefined;
  }
}

/** For the log: what arrived, without its content (a malformed message could carry anything). */
export function describeRejected(raw: unknown): string {
  if (!isRecord(raw)) return `a ${Array.isArray(raw) ? 'array' : typeof raw}`;
  return isString(raw.type) ? `type "${raw.type.slice(0, 40)}"` : 'an object without a type';
}
