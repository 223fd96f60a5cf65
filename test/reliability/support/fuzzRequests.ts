// fast-check generators for requests to every endpoint: fully random JSON, objects with the API's field
// names and random values, and near-valid bodies (so a good share of calls succeed and change state
// that later calls then act on). Ids in paths are chosen when the request runs, from the keys that exist.
import fc from 'fast-check';

export interface FuzzCall {
  method: string;
  /** Path with `{key}` / `{service}` placeholders filled at run time. */
  path: string;
  /** Undefined: no body. */
  body?: unknown;
  /** Which existing key or service a placeholder picks (index modulo the count), or a random id. */
  pick: number | string;
}

const FIELD_NAMES = [
  'serviceId',
  'environment',
  'name',
  'startsAt',
  'expiresAt',
  'permissions',
  'companies',
  'ipAllowList',
  'organization',
  'workspace',
  'inject',
  'secret',
  'reference',
  'graceSeconds',
  'force',
  'key',
  'authorization',
  'method',
  'company',
  'clientIp',
  'role',
  'keyId',
  'targets',
  'prefix',
  'scheme',
  'enabled',
  'code',
  '__proto__',
  'constructor',
];

const anyJson = fc.jsonValue({ maxDepth: 3 });
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', 'a\u202Eb', 'x\u200By', '\0'),
);
const dateText = fc.oneof(
  fc.date({ min: new Date('1960-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30', '+010000-01-01T00:00:00Z', 'tomorrow', '2027-01-01', '1969-12-31'),
  text,
);
const serviceId = fc.constantFrom('ingeneo', 'payline', 'cloudmc', 'cegid-loop-standard', 'cegid-loop-cabinet', 'no-such-service');
const permission = fc.constantFrom('employees.read', 'payroll.write', 'documents.read', 'employees.delete', 'x y');
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('10.0.0.0/8', '10.0.0.0/33', '::1/129', 'nope'));

const keySettings = {
  startsAt: dateText,
  expiresAt: dateText,
  permissions: fc.array(permission, { maxLength: 4 }),
  companies: fc.array(text, { maxLength: 3 }),
  ipAllowList: fc.array(ip, { maxLength: 3 }),
  organization: text,
};
const name = fc.oneof(fc.constantFrom('fuzzed key', 'Café', 'Cafe\u0301'), text);
const environment = fc.constantFrom('test', 'production', 'staging');

const nearValidKey = fc.record({ serviceId, environment, name, ...keySettings }, { requiredKeys: ['serviceId', 'environment', 'name'] });
/** Valid (or nearly: a permission the service lacks) so creates succeed and later calls act on real keys. */
const validKey = fc.record(
  {
    serviceId: fc.constantFrom('ingeneo', 'payline', 'cloudmc'),
    environment: fc.constantFrom('test', 'production'),
    name: fc.constantFrom('fuzzed key', 'Café', 'Cafe\u0301', 'ünïcödé ключ'),
    permissions: fc.subarray(['employees.read', 'payroll.read']),
    expiresAt: fc.date({ min: new Date('2030-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  },
  { requiredKeys: ['serviceId', 'environment', 'name'] },
);
const nearValidImport = fc.record(
  { serviceId, environment, name, secret: fc.oneof(fc.string({ minLength: 16, maxLength: 60 }), text), reference: text, ...keySettings },
  { requiredKeys: ['serviceId', 'environment', 'name', 'secret'] },
);
const nearValidPatch = fc.record({ name, ...keySettings }, { requiredKeys: [] });
const fieldSoup = fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 8 })), anyJson, { maxKeys: 6 });
const target = fc.record(
  {
    file: fc.constantFrom('.env', 'config/app.json', 'settings.yaml', '../out.env', '/etc/x.env', 'a\0b', 'app.toml'),
    path: fc.constantFrom('API_KEY', 'api.key', 'a.b.c', ''),
    value: fc.constantFrom('secret', 'reference', 'authorization', 'pair', 'other'),
    format: fc.constantFrom('env', 'json', 'yaml', 'toml', 'exe'),
  },
  { requiredKeys: ['file', 'path', 'value'] },
);

const body = (nearValid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: nearValid }, anyJson, fieldSoup);
const noneOr = (arb: fc.Arbitrary<unknown>) => fc.oneof(fc.constant(undefined), arb);
const query = fc
  .dictionary(
    fc.constantFrom('serviceId', 'environment', 'status', 'q', 'sort', 'order', 'page', 'pageSize', 'keyId', 'limit', 'x'),
    fc.oneof(text, fc.integer().map(String)),
    { maxKeys: 4 },
  )
  .map((params) => (Object.keys(params).length ? `?${new URLSearchParams(params).toString()}` : ''));
const pick = fc.oneof({ weight: 4, arbitrary: fc.nat() }, fc.string({ maxLength: 20 }));

/** One random request; `workspace` is the only folder injection may be pointed at (a temp dir). */
export function fuzzCall(workspace: string): fc.Arbitrary<FuzzCall> {
  const injectBody = fc.oneof(
    fc.record(
      {
        keyId: fc.constant('{key}'),
        workspace: fc.constantFrom(workspace, 'relative', ''),
        targets: fc.array(target, { maxLength: 3 }),
        force: fc.boolean(),
      },
      { requiredKeys: ['keyId', 'workspace', 'targets'] },
    ),
    anyJson,
  );
  const route = (method: string, path: string | fc.Arbitrary<string>, bodyArb: fc.Arbitrary<unknown> = fc.constant(undefined)) =>
    fc.record({ method: fc.constant(method), path: typeof path === 'string' ? fc.constant(path) : path, body: bodyArb, pick });
  return fc.oneof(
    route(
      'GET',
      query.map((q) => `/v1/keys${q}`),
    ),
    route('POST', '/v1/keys', body(nearValidKey)),
    route('POST', '/v1/keys', validKey),
    route('POST', '/v1/keys', validKey),
    route('POST', '/v1/keys/import', body(nearValidImport)),
    route('GET', '/v1/keys/{key}'),
    route('PATCH', '/v1/keys/{key}', body(nearValidPatch)),
    route('DELETE', '/v1/keys/{key}'),
    route(
      'POST',
      fc.constantFrom('/v1/keys/{key}/deactivate', '/v1/keys/{key}/reactivate', '/v1/keys/{key}/revoke', '/v1/keys/{key}/reveal'),
      noneOr(body(fc.constant({}))),
    ),
    route(
      'POST',
      '/v1/keys/{key}/regenerate',
      noneOr(body(fc.record({ graceSeconds: fc.oneof(fc.integer({ min: -5, max: 90_000 }), fc.double()) }, { requiredKeys: [] }))),
    ),
    route('GET', '/v1/services'),
    route(
      'POST',
      '/v1/services',
      body(
        fc.record(
          {
            name: text,
            prefix: fc.constantFrom('abc', 'fz', 'Bad_', ''),
            scheme: fc.constantFrom('bearer', 'basic', 'pair', 'x'),
            permissions: fc.array(permission),
          },
          { requiredKeys: ['name'] },
        ),
      ),
    ),
    route(
      'PATCH',
      '/v1/services/{service}',
      body(fc.record({ enabled: fc.boolean(), name: text, description: text }, { requiredKeys: [] })),
    ),
    route('DELETE', '/v1/services/{service}'),
    route(
      'POST',
      '/v1/verify',
      body(fc.record({ key: fc.oneof(fc.constant('{secret}'), text), method: text, company: text, clientIp: ip }, { requiredKeys: [] })),
    ),
    route('POST', '/v1/tokens', body(fc.record({ name: text, role: fc.constantFrom('verify', 'admin') }, { requiredKeys: [] }))),
    route('POST', fc.constantFrom('/v1/inject', '/v1/inject/preview'), injectBody),
    route(
      'GET',
      query.map((q) => `/v1/audit${q}`),
    ),
  );
}
