// A user may paste a secret into any field, path segment or query parameter. Whatever the daemon answers
// to that, no error and no log line may repeat it: an error says what was wrong and what is accepted,
// never what was received. Every field of every endpoint gets a secret-shaped value in turn (a Keysmith
// key, and two shapes other platforms use), and every answer and log line is searched for it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBase62 } from '../../daemon/keys/base62';
import { generateSecret } from '../../daemon/keys/keyFormat';
import { createKey, createVerifyToken, expectStillServing, validKeyBody } from './support/api';
import { send, type Answer } from '../support/http';
import { useTestDaemon } from '../support/hooks';
import { useTempDirs } from '../support/tempDirs';

interface Probe {
  label: string;
  method: string;
  path: string;
  json?: unknown;
  token?: string;
}

/** Every place a value is received, each holding `secret` once (the rest of the request valid). */
function probesFor(secret: string, ids: { key: string; service: string; token: string }, workspace: string): Probe[] {
  const probes: Probe[] = [];
  const body = (method: string, url: string, base: Record<string, unknown>, fields: string[]) => {
    for (const field of fields) {
      const [name, index, sub] = field.split('.');
      const json: Record<string, unknown> = structuredClone(base);
      if (index === undefined) json[name!] = secret;
      else if (sub === undefined) json[name!] = [secret];
      else json[name!] = [{ ...(json[name!] as object[])[0], [sub]: secret }];
      probes.push({ label: `${method} ${url} ${field}`, method, path: url, json });
    }
    probes.push({ label: `${method} ${url} unknown field`, method, path: url, json: { ...base, [secret]: true } });
    probes.push({ label: `${method} ${url} unknown nested field`, method, path: url, json: { ...base, [secret]: { [secret]: 1 } } });
  };
  const target = { file: '.env', path: 'API_KEY', value: 'secret' };
  const keyFields = [
    'serviceId',
    'environment',
    'name',
    'startsAt',
    'expiresAt',
    'permissions.0',
    'companies.0',
    'ipAllowList.0',
    'organization',
  ];
  const injectFields = [
    'workspace',
    'inject.0.file',
    'inject.0.path',
    'inject.0.referencePath',
    'inject.0.format',
    'inject.0.value',
    'force',
  ];
  body('POST', '/v1/keys', { ...validKeyBody(), workspace, inject: [target] }, [...keyFields, ...injectFields]);
  body('POST', '/v1/keys/import', { ...validKeyBody(), secret: generateSecret('imp', 'test') }, [
    ...keyFields,
    'reference',
    'workspace',
    'force',
  ]);
  body('PATCH', `/v1/keys/${ids.key}`, {}, [
    'name',
    'startsAt',
    'expiresAt',
    'permissions.0',
    'companies.0',
    'ipAllowList.0',
    'organization',
  ]);
  body('POST', `/v1/keys/${ids.key}/regenerate`, {}, ['graceSeconds', 'workspace', 'force']);
  for (const action of ['deactivate', 'reactivate', 'revoke', 'reveal']) body('POST', `/v1/keys/${ids.key}/${action}`, {}, []);
  const serviceFields = [
    'name',
    'code',
    'description',
    'endpoint',
    'enabled',
    'disabledReason',
    'scheme',
    'prefix',
    'permissions.0',
    'supportsCompanies',
    'defaultValidityDays',
  ];
  body('POST', '/v1/services', { name: 'Probe service' }, serviceFields);
  body('PATCH', `/v1/services/${ids.service}`, {}, serviceFields);
  body('POST', '/v1/tokens', { name: 'probe', role: 'verify' }, ['name', 'role']);
  const injectBase = { keyId: ids.key, workspace, targets: [target] };
  const targetFields = [
    'keyId',
    'workspace',
    'targets.0.file',
    'targets.0.path',
    'targets.0.referencePath',
    'targets.0.format',
    'targets.0.value',
    'targets.0.expectedHash',
    'force',
  ];
  body('POST', '/v1/inject/preview', injectBase, targetFields);
  body('POST', '/v1/inject', injectBase, targetFields);
  body('POST', '/v1/verify', { key: 'x' }, ['key']);

  const id = encodeURIComponent(secret);
  for (const [method, url] of [
    ['GET', `/v1/keys/${id}`],
    ['PATCH', `/v1/keys/${id}`],
    ['DELETE', `/v1/keys/${id}`],
    ...['deactivate', 'reactivate', 'revoke', 'regenerate', 'reveal'].map((action) => ['POST', `/v1/keys/${id}/${action}`]),
    ['PATCH', `/v1/services/${id}`],
    ['DELETE', `/v1/services/${id}`],
    ['DELETE', `/v1/tokens/${id}`],
    ['GET', `/v1/${id}`],
    ['POST', `/v1/keys/${ids.key}/${id}`],
    ['GET', `/${id}`],
    ...['serviceId', 'environment', 'status', 'q', 'sort', 'order', 'page', 'pageSize', id].map((name) => [
      'GET',
      `/v1/keys?${name}=${id}`,
    ]),
    ...['keyId', 'limit', id].map((name) => ['GET', `/v1/audit?${name}=${id}`]),
  ] as const) {
    probes.push({
      label: `${method} ${url.replace(id, '<secret>').replace(id, '<secret>')}`,
      method,
      path: url,
      json: method === 'GET' || method === 'DELETE' ? undefined : {},
    });
  }
  probes.push({ label: 'GET /v1/keys with the secret as bearer token', method: 'GET', path: '/v1/keys', token: secret });
  return probes;
}

/** Pieces of the secret that would betray it even when cut (e.g. the first 40 characters). */
function fragmentsOf(secret: string): string[] {
  return [secret, secret.slice(0, 20), secret.slice(-20), secret.slice(10, 30)];
}

describe('reliability: no error message or log line repeats a received value', function () {
  this.timeout(120_000);
  const daemon = useTestDaemon({ defaults: 'daemon' });
  const temp = useTempDirs('all');
  let ids: { key: string; service: string; token: string };
  let workspace: string;

  before(async () => {
    workspace = await temp.make('echo-ws');
    await writeFile(path.join(workspace, '.env'), 'OTHER=1\n');
    const key = (await createKey(daemon, { name: 'echo probe' })).key.id;
    const service = (await send(daemon, 'POST', '/v1/services', { json: { name: 'Echo service', permissions: ['a.read'] } })).body
      .id as string;
    await createVerifyToken(daemon, 'echo token');
    const token = (await send(daemon, 'GET', '/v1/tokens')).body.items[0].id as string;
    ids = { key, service, token };
  });

  const shapes: Array<[string, () => string]> = [
    ['a Keysmith key', () => generateSecret('probe', 'production')],
    ['a foreign live key (prefix_live_ + 32 base62)', () => `sk_live_${randomBase62(32)}`],
    ['40 hex digits', () => randomBytes(20).toString('hex')],
  ];

  for (const [shape, make] of shapes) {
    it(`never repeats ${shape} in an error answer or a log line, wherever it was sent`, async () => {
      const secret = make();
      const leaks: string[] = [];
      const logsBefore = daemon.logs.length;
      for (const probe of probesFor(secret, ids, workspace)) {
        const answer: Answer = await send(daemon, probe.method, probe.path, {
          json: probe.json,
          ...(probe.token ? { token: probe.token } : {}),
        });
        // A 2xx may hold what the caller stored (a name it chose); an error must never repeat the input.
        if (answer.status < 400) continue;
        const leaked = fragmentsOf(secret).find((fragment) => answer.text.includes(fragment));
        if (leaked !== undefined)
          leaks.push(`${probe.label} -> ${answer.status} ${answer.text.split(secret).join('<SECRET>').slice(0, 300)}`);
      }
      const logged = daemon.logs.slice(logsBefore).filter((line) => fragmentsOf(secret).some((fragment) => line.includes(fragment)));
      assert.deepEqual(leaks, [], `errors repeated the value:\n${leaks.join('\n')}`);
      assert.deepEqual(logged.length, 0, 'a log line repeated the value');
      await expectStillServing(daemon);
    });
  }
});
