// The response bodies of protocol.ts as zod schemas, for the OpenAPI document only (the daemon builds
// its answers from the TypeScript types and never parses them). The `Same` checks at the bottom make
// the type check fail when a schema and its protocol.ts type drift apart, in either direction.
import { z } from 'zod';
import { ERROR_CODES } from '../http/errorStatus';
import type * as protocol from '../protocol';

const environment = z.enum(['test', 'production']);
const keyState = z.enum(['active', 'inactive', 'revoked', 'scheduled', 'expired']);
const instant = z.string().meta({ format: 'date-time' });

export const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES).meta({ description: 'UPPER_SNAKE, e.g. VALIDATION_FAILED, KEY_REVOKED' }),
    message: z.string().meta({ description: 'A sentence for a person; never holds a secret.' }),
    details: z.unknown().optional().meta({ description: 'VALIDATION_FAILED: one sentence per bad field, keyed by its dotted path.' }),
  }),
});

export const member = z.object({ name: z.string(), role: z.enum(['owner', 'admin', 'issuer', 'auditor', 'verifier']) });

export const health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  proof: z.string().optional(),
  store: z.string().optional(),
  member: member.optional(),
});

export const service = z.object({
  id: z.string(),
  name: z.string(),
  code: z.string().optional(),
  description: z.string().optional(),
  endpoint: z.string().optional(),
  enabled: z.boolean(),
  disabledReason: z.string().optional(),
  scheme: z.enum(['bearer', 'basic', 'pair']),
  prefix: z.string(),
  permissions: z.array(z.string()),
  supportsCompanies: z.boolean().optional(),
  defaultValidityDays: z.number().optional(),
  builtIn: z.boolean(),
  environmentLabels: z.object({ test: z.string().optional(), production: z.string().optional() }).optional(),
});

export const serviceList = z.object({ items: z.array(service) });

export const keyView = z.object({
  id: z.string(),
  serviceId: z.string(),
  environment,
  name: z.string(),
  reference: z.string(),
  hint: z.string(),
  masked: z.string(),
  status: z.enum(['active', 'inactive', 'revoked']),
  state: keyState,
  retrievable: z.boolean(),
  origin: z.enum(['generated', 'imported']),
  startsAt: instant,
  expiresAt: instant.optional(),
  permissions: z.array(z.string()),
  companies: z.array(z.string()),
  ipAllowList: z.array(z.string()),
  organization: z.string().optional(),
  createdAt: instant,
  createdBy: z.string(),
  updatedAt: instant,
  lastUsedAt: instant.optional(),
  lastUsedIp: z.string().optional(),
  useCount: z.number(),
  rotatedFrom: z.string().optional(),
  rotatedTo: z.string().optional(),
  graceUntil: instant.optional(),
  revokedAt: instant.optional(),
  version: z.number(),
});

export const keyList = z.object({ items: z.array(keyView), total: z.number(), page: z.number(), pageSize: z.number() });
export const keyLookupResponse = z.object({ items: z.array(z.object({ hash: z.string(), key: keyView })) });

export const secretMaterial = z.object({
  reference: z.string(),
  secret: z.string().meta({ description: 'The key itself: in this answer only.' }),
  authorization: z.string().optional(),
});

const injectWarning = z.object({
  code: z.literal('NOT_GITIGNORED'),
  message: z.string(),
  gitignoreFile: z.string().optional(),
  gitignoreLine: z.string().optional(),
});

export const injectResult = z.object({
  file: z.string(),
  path: z.string(),
  changed: z.boolean(),
  gitTracked: z.boolean(),
  gitIgnored: z.boolean(),
  warnings: z.array(injectWarning).optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  hash: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const injectResponse = z.object({ results: z.array(injectResult) });

export const keyCreated = z.object({ key: keyView, secret: secretMaterial, injected: z.array(injectResult).optional() });
export const keyImported = z.object({ key: keyView });
export const keyRegenerated = keyCreated.extend({ previous: keyView });
export const revealResponse = z.object({ secret: secretMaterial });

const injectTarget = z.object({
  file: z.string(),
  format: z.enum(['env', 'json', 'jsonc', 'yaml', 'properties', 'ini', 'toml', 'xml']).optional(),
  path: z.string(),
  referencePath: z.string().optional(),
  value: z.enum(['secret', 'reference', 'authorization', 'pair']),
});
export const injectPresetList = z.object({
  items: z.array(z.object({ id: z.string(), label: z.string(), serviceId: z.string(), targets: z.array(injectTarget) })),
});

/** Read by hand on the hot path (validation/verifyBody.ts); a body that is not this answers 200 MALFORMED. */
export const verifyRequest = z.object({
  key: z.string().optional(),
  authorization: z.string().optional(),
  method: z.string().optional(),
  company: z.string().optional(),
  clientIp: z.string().optional(),
});

export const verifyResponse = z.union([
  z.object({
    valid: z.literal(true),
    keyId: z.string(),
    serviceId: z.string(),
    environment,
    permissions: z.array(z.string()),
    organization: z.string().optional(),
  }),
  z.object({
    valid: z.literal(false),
    code: z.enum([
      'UNKNOWN',
      'REVOKED',
      'INACTIVE',
      'EXPIRED',
      'NOT_YET_VALID',
      'FORBIDDEN_METHOD',
      'FORBIDDEN_COMPANY',
      'IP_NOT_ALLOWED',
      'MALFORMED',
    ]),
  }),
]);

const tokenSummary = z.object({ id: z.string(), name: z.string(), role: z.literal('verify'), createdAt: instant });
export const tokenCreated = tokenSummary.extend({ token: z.string().meta({ description: 'Shown once.' }) });
export const tokenList = z.object({ items: z.array(tokenSummary) });

export const auditList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      at: instant,
      actor: z.string(),
      action: z.string(),
      keyId: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** An OpenAPI 3.1 document: its shape is the OpenAPI specification's, not restated here. */
export const openApiDocument = z.object({ openapi: z.string() }).loose();

// Compile-time: each schema accepts exactly its protocol type, with the same field names (mutual
// assignability alone would not notice a missing optional field). `| undefined` on optional fields is
// what zod adds; the project does not use exactOptionalPropertyTypes, so both spellings are equal.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Same<A, B> = Mutual<A, B> extends true ? Mutual<keyof A, keyof B> : false;
type Holds<T extends true> = T;
export type SchemasMatchProtocol = [
  Holds<Same<z.input<typeof errorBody>, protocol.ErrorBody>>,
  Holds<Same<z.input<typeof health>, protocol.Health>>,
  Holds<Same<z.input<typeof service>, protocol.Service>>,
  Holds<Same<z.input<typeof serviceList>, protocol.ServiceList>>,
  Holds<Same<z.input<typeof keyView>, protocol.KeyView>>,
  Holds<Same<z.input<typeof keyList>, protocol.KeyList>>,
  Holds<Same<z.input<typeof keyLookupResponse>, protocol.KeyLookupResponse>>,
  Holds<Same<z.input<typeof keyCreated>, protocol.KeyCreated>>,
  Holds<Same<z.input<typeof keyRegenerated>, protocol.KeyRegenerated>>,
  Holds<Same<z.input<typeof revealResponse>, protocol.RevealResponse>>,
  Holds<Same<z.input<typeof injectResponse>, protocol.InjectResponse>>,
  Holds<Same<z.input<typeof injectPresetList>, protocol.InjectPresetList>>,
  Holds<Same<z.input<typeof verifyRequest>, protocol.VerifyRequest>>,
  Holds<Same<z.input<typeof verifyResponse>, protocol.VerifyResponse>>,
  Holds<Same<z.input<typeof tokenCreated>, protocol.TokenCreated>>,
  Holds<Same<z.input<typeof tokenList>, protocol.TokenList>>,
  Holds<Same<z.input<typeof auditList>, protocol.AuditList>>,
];
