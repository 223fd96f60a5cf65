// Every route the daemon serves, with its request schema, its success answer and the refusals that
// are its own. The refusals every request can meet (transport, token, body) are added to each route by
// `statusesOf`. Tests hold this table to the truth: test/daemon/openapi.test.ts compares it with the
// routes Express registered, and openapi.observedStatuses.test.ts with every status the suites see.
import { z } from 'zod';
import { keyLookupSchema } from '../validation/lookupSchema';
import * as requests from '../validation/schemas';
import * as responses from './responseSchemas';
import { MEMBER_OPERATIONS } from './memberOperations';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** Express's spelling, `:name` for a path parameter. */
  path: string;
  summary: string;
  tag: string;
  /** Reachable without a token (GET /v1/health). */
  public?: true;
  /** Verify-only tokens may call it too (POST /v1/verify). */
  verifyTokens?: true;
  /** `optional`: an empty body is accepted (action endpoints, regenerate). */
  body?: { schema: z.ZodType; optional?: true };
  query?: z.ZodObject;
  success: { status: 200 | 201 | 204; description: string; schema?: z.ZodType };
  /** This route's own refusals, by status: what makes it answer so. */
  refusals?: Partial<Record<400 | 403 | 404 | 409 | 422 | 503, string>>;
}

const invalid = 'VALIDATION_FAILED: `details` names each bad field and what it accepts.';
const noKey = 'NOT_FOUND: no key with this id.';
/** Routes that write into config files run in the injection worker pool, which can cut a call short. */
const injectionCut = {
  422: 'INJECTION_TOO_SLOW: reading and planning the files took too long; nothing was written.',
  503: 'SHUTTING_DOWN: the daemon is stopping; nothing more is written.',
} as const;
/** As routes/keys.ts: action endpoints take an empty body or `{}`. */
export const EMPTY_BODY = z.strictObject({});
const noFields = { schema: EMPTY_BODY, optional: true } as const;
const transition = (verb: string, conflict: string): Operation => ({
  method: 'post',
  path: `/v1/keys/:id/${verb}`,
  tag: 'keys',
  summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a key.`,
  body: noFields,
  success: { status: 200, description: 'The key as it is now.', schema: responses.keyView },
  refusals: { 400: 'VALIDATION_FAILED: the body must be empty or {}.', 404: noKey, 409: conflict },
});

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v1/health',
    tag: 'meta',
    public: true,
    summary: 'Is the daemon up, and which version; on the admin socket also the store and the member it acts as.',
    success: { status: 200, description: 'Up.', schema: responses.health },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    tag: 'meta',
    summary: 'This document.',
    success: { status: 200, description: 'The OpenAPI 3.1 document.', schema: responses.openApiDocument },
  },

  {
    method: 'get',
    path: '/v1/services',
    tag: 'services',
    summary: 'The service catalogue.',
    success: { status: 200, description: 'Every service, built-in and custom.', schema: responses.serviceList },
  },
  {
    method: 'post',
    path: '/v1/services',
    tag: 'services',
    summary: 'Add a custom service.',
    body: { schema: requests.serviceCreateSchema },
    success: { status: 201, description: 'The new service.', schema: responses.service },
    refusals: { 400: invalid },
  },
  {
    method: 'patch',
    path: '/v1/services/:id',
    tag: 'services',
    summary: 'Change a service (built-ins: availability and display only).',
    body: { schema: requests.servicePatchSchema },
    success: { status: 200, description: 'The service as it is now.', schema: responses.service },
    refusals: {
      400: invalid,
      404: 'NOT_FOUND: no service with this id.',
      409: 'SERVICE_IN_USE: the scheme cannot change while keys use it.',
    },
  },
  {
    method: 'delete',
    path: '/v1/services/:id',
    tag: 'services',
    summary: 'Delete a custom service without keys.',
    success: { status: 204, description: 'Deleted.' },
    refusals: {
      404: 'NOT_FOUND: no service with this id.',
      409: 'BUILT_IN (disable it instead) or SERVICE_IN_USE (keys still belong to it).',
    },
  },

  {
    method: 'get',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'List keys: filters, sort, paging.',
    query: requests.keyQuerySchema,
    success: { status: 200, description: 'One page of keys.', schema: responses.keyList },
    refusals: { 400: invalid },
  },
  {
    method: 'post',
    path: '/v1/keys',
    tag: 'keys',
    summary: 'Generate a key; optionally write it into config files.',
    body: { schema: requests.keyCreateSchema },
    success: {
      status: 201,
      description: 'The key and its secret: the only answer that ever holds a production secret.',
      schema: responses.keyCreated,
    },
    refusals: {
      400: `${invalid} Also the injection refusals (INVALID_TARGET, INVALID_WORKSPACE, UNPARSABLE_FILE, ...).`,
      409: 'TRACKED_BY_GIT or FILE_CHANGED (injection): nothing was stored.',
      ...injectionCut,
    },
  },
  {
    method: 'post',
    path: '/v1/keys/import',
    tag: 'keys',
    summary: 'Store a key an outside platform issued.',
    body: { schema: requests.keyImportSchema },
    success: { status: 201, description: 'The imported key (its secret is sealed, never returned here).', schema: responses.keyImported },
    refusals: { 400: invalid, 409: 'DUPLICATE_SECRET: this secret is already stored as another key.' },
  },
  {
    method: 'post',
    path: '/v1/keys/lookup',
    tag: 'keys',
    summary: 'Which stored keys these SHA-256 hashes are (for scanners): never a secret.',
    body: { schema: keyLookupSchema },
    success: {
      status: 200,
      description: 'One entry per known hash, in the order asked; unknown hashes are absent.',
      schema: responses.keyLookupResponse,
    },
    refusals: { 400: `${invalid} At most 500 hashes, each 64 lower-case hex characters.` },
  },
  {
    method: 'get',
    path: '/v1/keys/:id',
    tag: 'keys',
    summary: 'One key.',
    success: { status: 200, description: 'The key.', schema: responses.keyView },
    refusals: { 404: noKey },
  },
  {
    method: 'patch',
    path: '/v1/keys/:id',
    tag: 'keys',
    summary: 'Rename a key or change its dates and restrictions.',
    body: { schema: requests.keyPatchSchema },
    success: { status: 200, description: 'The key as it is now.', schema: responses.keyView },
    refusals: { 400: invalid, 404: noKey, 409: 'KEY_REVOKED: a revoked key can no longer change.' },
  },
  {
    method: 'delete',
    path: '/v1/keys/:id',
    tag: 'keys',
    summary: 'Delete a revoked key.',
    success: { status: 204, description: 'Deleted.' },
    refusals: { 404: noKey, 409: 'KEY_NOT_REVOKED: revoke it first.' },
  },
  transition('deactivate', 'KEY_REVOKED: revoked is final.'),
  transition('reactivate', 'KEY_REVOKED: revoked is final.'),
  transition('revoke', 'KEY_REVOKED: already revoked.'),
  {
    method: 'post',
    path: '/v1/keys/:id/regenerate',
    tag: 'keys',
    summary: 'A new key replaces this one, at once or after a grace period.',
    body: { schema: requests.keyRegenerateSchema, optional: true },
    success: { status: 201, description: 'The new key, its secret, and the previous key.', schema: responses.keyRegenerated },
    refusals: {
      400: invalid,
      404: noKey,
      409: 'KEY_REVOKED, ALREADY_ROTATED, SERVICE_DISABLED, or an injection refusal (TRACKED_BY_GIT, FILE_CHANGED).',
      ...injectionCut,
    },
  },
  {
    method: 'post',
    path: '/v1/keys/:id/reveal',
    tag: 'keys',
    summary: 'The secret again, for retrievable keys (test environment, imported).',
    body: noFields,
    success: { status: 200, description: 'The secret.', schema: responses.revealResponse },
    refusals: {
      400: 'VALIDATION_FAILED: the body must be empty or {}.',
      403: "FORBIDDEN_ROLE: on a team store, a secret the member's role may not read (an issuer: another member's key, or a production key).",
      404: noKey,
      409: 'NOT_RETRIEVABLE: a production key generated here; KEY_REVOKED: a revoked key.',
    },
  },

  {
    method: 'post',
    path: '/v1/verify',
    tag: 'verify',
    verifyTokens: true,
    summary: 'Check a key as an app server would.',
    body: { schema: responses.verifyRequest },
    success: {
      status: 200,
      description: 'Valid or not (with the reason); a body that is not a verify request is MALFORMED, still 200.',
      schema: responses.verifyResponse,
    },
  },
  {
    method: 'get',
    path: '/v1/tokens',
    tag: 'tokens',
    summary: 'Verify-only tokens (never the tokens themselves).',
    success: { status: 200, description: 'The tokens.', schema: responses.tokenList },
  },
  {
    method: 'post',
    path: '/v1/tokens',
    tag: 'tokens',
    summary: 'Create a verify-only token.',
    body: { schema: requests.tokenCreateSchema },
    success: { status: 201, description: 'The token, shown once.', schema: responses.tokenCreated },
    refusals: { 400: invalid },
  },
  {
    method: 'delete',
    path: '/v1/tokens/:id',
    tag: 'tokens',
    summary: 'Delete a verify-only token.',
    success: { status: 204, description: 'Deleted.' },
    refusals: { 404: 'NOT_FOUND: no token with this id.' },
  },
  {
    method: 'get',
    path: '/v1/audit',
    tag: 'audit',
    summary: 'Audit events, newest first.',
    query: requests.auditQuerySchema,
    success: { status: 200, description: 'The events.', schema: responses.auditList },
    refusals: { 400: invalid },
  },

  {
    method: 'get',
    path: '/v1/inject/presets',
    tag: 'inject',
    summary: 'Integration-kit presets.',
    success: { status: 200, description: 'The presets.', schema: responses.injectPresetList },
  },
  ...(['preview', ''] as const).map((step): Operation => ({
    method: 'post',
    path: step ? `/v1/inject/${step}` : '/v1/inject',
    tag: 'inject',
    summary: step ? 'What writing a key into config files would change.' : 'Write a key into config files.',
    body: { schema: requests.injectSchema },
    success: {
      status: 200,
      description: step ? 'Each file before and after.' : 'What each file became.',
      schema: responses.injectResponse,
    },
    refusals: {
      400: `${invalid} Also INVALID_TARGET, INVALID_WORKSPACE, INVALID_MAPPINGS, UNPARSABLE_FILE, NO_AUTHORIZATION, ...`,
      404: noKey,
      409: 'NOT_RETRIEVABLE, SERVICE_MISSING, TRACKED_BY_GIT, FILE_CHANGED.',
      ...injectionCut,
    },
  })),
  ...MEMBER_OPERATIONS,
];

/** Refusals any route can answer, before or around its own work. */
export const COMMON_REFUSALS: Readonly<Record<number, string>> = {
  400: 'MALFORMED_JSON, FORBIDDEN_KEY (`__proto__`, `constructor`, `prototype`) or BAD_REQUEST (unreadable request).',
  401: 'UNAUTHORIZED: no token, or not one of this daemon.',
  403: 'FORBIDDEN_HOST (DNS rebinding), FORBIDDEN_ORIGIN (a web page), FORBIDDEN_TOKEN (a verify-only token off POST /v1/verify).',
  413: 'PAYLOAD_TOO_LARGE: bodies are limited to 64 KiB.',
  415: 'UNSUPPORTED_MEDIA_TYPE: bodies must be application/json.',
  500: 'STORE_WRITE_FAILED (the disk refused; nothing changed), SEALED_SECRET_DAMAGED, or INTERNAL.',
};

/** Answered by Node's HTTP parser before any route is known (see http/respond.ts). */
export const PARSER_REFUSALS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST: not valid HTTP/1.1.',
  408: 'REQUEST_TIMEOUT: the request did not arrive in time.',
  413: 'PAYLOAD_TOO_LARGE: chunk extensions too large.',
  431: 'HEADERS_TOO_LARGE: headers over 16 KiB.',
};

/** Every status `op` can answer: its success, its own refusals, and the common ones that apply to it. */
export function statusesOf(op: Operation): Map<number, string> {
  const statuses = new Map<number, string>([[op.success.status, op.success.description]]);
  for (const [status, why] of [...Object.entries(op.refusals ?? {}), ...Object.entries(COMMON_REFUSALS)]) {
    if (status === '401' && op.public) continue;
    const known = statuses.get(Number(status));
    statuses.set(Number(status), known ? `${known} Or ${why}` : why);
  }
  return statuses;
}
