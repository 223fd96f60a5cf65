// One schema per request body or query. Everything here is shape and syntax; rules that need the
// store (does the service exist, is the permission in its list) live in daemon/core.
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { documentSelector } from './documentSelector';
import { PREFIX_PATTERN } from '../keys/keyFormat';
import { allowListEntryProblem } from '../keys/ipAllowList';
import { MAX_GRACE_SECONDS } from '../keys/rotation';
import { boundedList, humanText, keyInTextProblem, textProblem } from './text';
import { datesProblem, instant } from './dates';

/** For free text kept in clear (paths recorded in the audit log, references, URLs): no Keysmith key in it. */
const noKeyInside = <T extends z.ZodType<string>>(what: string, schema: T) =>
  schema.superRefine((value, ctx) => {
    const problem = keyInTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
  });

const id = (what: string) =>
  z
    .string({ error: `${what} must be a string id` })
    .min(1, { error: `${what} must not be empty` })
    .max(100, { error: `${what} must be at most 100 characters` });

const environment = z.enum(['test', 'production'], { error: 'environment must be "test" or "production"' });

const permission = z.string({ error: 'a permission must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
  error: 'a permission is a method name like "payroll.read" (letters, digits, . _ : / -)',
});

const ipEntry = z.string({ error: 'an allow-list entry must be a string' }).superRefine((value, ctx) => {
  const problem = allowListEntryProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const workspace = noKeyInside(
  'workspace',
  z
    .string({ error: 'workspace must be an absolute folder path' })
    .max(4096, { error: 'workspace path is too long' })
    .refine((value) => isAbsolute(value) && textProblem(value) === undefined, {
      error: 'workspace must be an absolute folder path, e.g. /home/me/project',
    }),
);

const targetFile = noKeyInside(
  'file',
  z
    .string({ error: 'file must be a path relative to the workspace' })
    .min(1, { error: 'file must not be empty' })
    .max(1024, { error: 'file path is too long' })
    .refine((value) => !isAbsolute(value) && textProblem(value) === undefined, {
      error: 'file must be a path relative to the workspace folder, e.g. config/.env',
    }),
);

const targetPath = noKeyInside(
  'path',
  z
    .string({ error: 'path must be a variable name or dotted path' })
    .min(1, { error: 'path must not be empty' })
    .max(200, { error: 'path must be at most 200 characters' })
    .refine((value) => textProblem(value) === undefined, { error: 'path contains control or invisible characters' }),
);

export const targetSchema = z.strictObject({
  file: targetFile,
  format: z
    .enum(['env', 'json', 'jsonc', 'yaml', 'properties', 'ini', 'toml', 'xml'], {
      error: 'format must be one of env, json, jsonc, yaml, properties, ini, toml, xml (or omitted to guess from the file name)',
    })
    .optional(),
  path: targetPath,
  referencePath: targetPath.optional(),
  value: z.enum(['secret', 'reference', 'authorization', 'pair'], {
    error: 'value must be one of secret, reference, authorization, pair',
  }),
  document: documentSelector.optional(),
});

const plannedTarget = targetSchema.extend({
  expectedHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'expectedHash must be the hex SHA-256 a preview returned' })
    .optional(),
});

const targets = <T extends z.ZodType>(entry: T) =>
  z.array(entry, { error: 'must be an array of targets' }).max(100, { error: 'accepts at most 100 targets' });

const keySettings = {
  startsAt: instant('startsAt').optional(),
  expiresAt: instant('expiresAt').optional(),
  permissions: boundedList('permissions', permission).optional(),
  companies: boundedList('companies', humanText('a company', 100)).optional(),
  ipAllowList: boundedList('ipAllowList', ipEntry).optional(),
  organization: humanText('organization').optional(),
};

function checkDates(value: { startsAt?: string | undefined; expiresAt?: string | null | undefined }, ctx: z.RefinementCtx) {
  const problem = datesProblem(value.startsAt, value.expiresAt ?? undefined);
  if (problem) ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: problem });
}

export const keyCreateSchema = z
  .strictObject({
    serviceId: id('serviceId'),
    environment,
    name: humanText('name'),
    ...keySettings,
    workspace: workspace.optional(),
    inject: targets(targetSchema).optional(),
    force: z.boolean({ error: 'force must be true or false' }).optional(),
  })
  .superRefine((value, ctx) => {
    checkDates(value, ctx);
    if (value.inject !== undefined && value.workspace === undefined) {
      ctx.addIssue({ code: 'custom', path: ['workspace'], message: 'workspace (an absolute folder path) is required with inject' });
    }
  });

const importedSecret = z
  .string({ error: 'secret must be the key as the platform gave it' })
  .min(8, { error: 'secret must be at least 8 characters' })
  .max(4096, { error: 'secret must be at most 4096 characters' })
  .refine((value) => !/[\s\p{Cc}]/u.test(value), { error: 'secret must not contain spaces or control characters' });

export const keyImportSchema = z
  .strictObject({
    serviceId: id('serviceId'),
    environment,
    name: humanText('name'),
    ...keySettings,
    secret: importedSecret,
    reference: noKeyInside(
      'reference',
      z
        .string({ error: 'reference must be a string' })
        .min(1)
        .max(200, { error: 'reference must be 1 to 200 characters' })
        .refine((value) => !/[\s\p{Cc}]/u.test(value) && textProblem(value) === undefined, {
          error: 'reference must not contain spaces, control or invisible characters',
        }),
    ).optional(),
    workspace: workspace.optional(),
    force: z.boolean({ error: 'force must be true or false' }).optional(),
  })
  .superRefine(checkDates);

export const keyPatchSchema = z
  .strictObject({
    name: humanText('name').optional(),
    startsAt: instant('startsAt').optional(),
    expiresAt: instant('expiresAt').nullable().optional(),
    permissions: keySettings.permissions,
    companies: keySettings.companies,
    ipAllowList: keySettings.ipAllowList,
    organization: humanText('organization').nullable().optional(),
  })
  .superRefine(checkDates);

export const keyRegenerateSchema = z.strictObject({
  graceSeconds: z
    .number({ error: `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}` })
    .int({ error: `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}` })
    .min(0, { error: `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}` })
    .max(MAX_GRACE_SECONDS, { error: `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS} (24 hours)` })
    .optional(),
  workspace: workspace.optional(),
  force: z.boolean({ error: 'force must be true or false' }).optional(),
});

export const injectSchema = z.strictObject({
  keyId: id('keyId'),
  workspace,
  targets: targets(plannedTarget).min(1, { error: 'targets must list at least one target' }),
  secret: z.string({ error: 'secret must be a string' }).min(1).max(4096).optional(),
  force: z.boolean({ error: 'force must be true or false' }).optional(),
});

const serviceFields = {
  name: humanText('name'),
  code: z
    .string({ error: 'code must be a string' })
    .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'code must be 1 to 40 letters, digits, _ or -, e.g. P04448' })
    .optional(),
  description: humanText('description', 1000).optional(),
  endpoint: noKeyInside(
    'endpoint',
    z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL, e.g. https://api.example.com/v1' }).max(2048),
  ).optional(),
  enabled: z.boolean({ error: 'enabled must be true or false' }).optional(),
  disabledReason: humanText('disabledReason').optional(),
  scheme: z.enum(['bearer', 'basic', 'pair'], { error: 'scheme must be one of bearer, basic, pair' }).optional(),
  prefix: z
    .string({ error: 'prefix must be a string' })
    .regex(PREFIX_PATTERN, { error: 'prefix must be 2 to 16 lower-case letters or digits, starting with a letter (no _)' })
    .optional(),
  permissions: boundedList('permissions', permission).optional(),
  supportsCompanies: z.boolean({ error: 'supportsCompanies must be true or false' }).optional(),
  defaultValidityDays: z
    .number({ error: 'defaultValidityDays must be a whole number of days from 1 to 3650' })
    .int()
    .min(1)
    .max(3650, { error: 'defaultValidityDays must be a whole number of days from 1 to 3650' })
    .optional(),
};

export const serviceCreateSchema = z.strictObject(serviceFields);
export const servicePatchSchema = z.strictObject({ ...serviceFields, name: serviceFields.name.optional() });

export const tokenCreateSchema = z.strictObject({
  name: humanText('name', 100),
  role: z.literal('verify', { error: 'role must be "verify" (the only kind of extra token)' }),
});

const positiveInt = (what: string, max: number) =>
  z.coerce
    .number({ error: `${what} must be a whole number from 1 to ${max}` })
    .int({ error: `${what} must be a whole number from 1 to ${max}` })
    .min(1, { error: `${what} must be a whole number from 1 to ${max}` })
    .max(max, { error: `${what} must be a whole number from 1 to ${max}` });

export const keyQuerySchema = z.strictObject({
  serviceId: id('serviceId').optional(),
  environment: environment.optional(),
  status: z
    .enum(['active', 'inactive', 'revoked', 'scheduled', 'expired'], {
      error: 'status must be one of active, inactive, revoked, scheduled, expired',
    })
    .optional(),
  q: z.string().max(200, { error: 'q must be at most 200 characters' }).optional(),
  createdBy: z
    .string()
    .min(1, { error: 'createdBy must be a member name' })
    .max(200, { error: 'createdBy must be at most 200 characters' })
    .optional(),
  sort: z.enum(['startsAt', 'createdAt', 'name'], { error: 'sort must be startsAt, createdAt or name' }).default('startsAt'),
  order: z.enum(['asc', 'desc'], { error: 'order must be asc or desc' }).default('desc'),
  page: positiveInt('page', 1_000_000).default(1),
  pageSize: positiveInt('pageSize', 500).default(50),
});

export const auditQuerySchema = z.strictObject({
  keyId: id('keyId').optional(),
  limit: positiveInt('limit', 1000).default(100),
});

export type KeyCreateInput = z.output<typeof keyCreateSchema>;
export type KeyImportInput = z.output<typeof keyImportSchema>;
export type KeyPatchInput = z.output<typeof keyPatchSchema>;
export type KeyRegenerateInput = z.output<typeof keyRegenerateSchema>;
export type InjectInput = z.output<typeof injectSchema>;
export type ServiceCreateInput = z.output<typeof serviceCreateSchema>;
export type ServicePatchInput = z.output<typeof servicePatchSchema>;
export type KeyQueryInput = z.output<typeof keyQuerySchema>;
