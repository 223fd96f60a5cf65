// Typed calls to the daemon's v1 API used across the reliability tests. Each throws when the daemon
// answers something other than success, so a test fails at the call that went wrong.
import type { KeyCreate, KeyCreated, KeyList, KeyRegenerated, KeyView, TokenCreated, VerifyResponse } from '../../../daemon/protocol';
import { describeAnswer, send, type Answer, type SendOptions as RequestOptions, type Target } from '../../support/http';

/** A service whose keys accept method permissions and company restrictions (a built-in preset). */
export const SERVICE_WITH_PERMISSIONS = 'ingeneo';
/** A built-in preset that exists but is disabled until the firm subscribes. */
export const DISABLED_SERVICE = 'cegid-loop-cabinet';

export function validKeyBody(overrides: Partial<KeyCreate> = {}): KeyCreate {
  return { serviceId: SERVICE_WITH_PERMISSIONS, environment: 'test', name: 'reliability key', ...overrides };
}

function expectStatus(answer: Answer, accepted: number[], what: string): void {
  if (!accepted.includes(answer.status)) {
    throw new Error(`${what}: expected ${accepted.join('/')}, got ${describeAnswer(answer)}`);
  }
}

export async function createKey(target: Target, overrides: Partial<KeyCreate> = {}, options: RequestOptions = {}): Promise<KeyCreated> {
  const answer = await send(target, 'POST', '/v1/keys', { ...options, json: validKeyBody(overrides) });
  expectStatus(answer, [201], 'create key');
  return answer.body as KeyCreated;
}

export async function regenerateKey(
  target: Target,
  keyId: string,
  graceSeconds = 0,
  options: RequestOptions = {},
): Promise<KeyRegenerated> {
  const answer = await send(target, 'POST', `/v1/keys/${keyId}/regenerate`, { ...options, json: { graceSeconds } });
  expectStatus(answer, [201], 'regenerate key');
  return answer.body as KeyRegenerated;
}

export async function revokeKey(target: Target, keyId: string, options: RequestOptions = {}): Promise<KeyView> {
  const answer = await send(target, 'POST', `/v1/keys/${keyId}/revoke`, { ...options, json: {} });
  expectStatus(answer, [200], 'revoke key');
  return answer.body as KeyView;
}

export async function getKey(target: Target, keyId: string): Promise<KeyView> {
  const answer = await send(target, 'GET', `/v1/keys/${keyId}`);
  expectStatus(answer, [200], `get key ${keyId}`);
  return answer.body as KeyView;
}

export async function verifyKey(target: Target, key: string, options: RequestOptions = {}): Promise<VerifyResponse> {
  const answer = await send(target, 'POST', '/v1/verify', { ...options, json: { key } });
  expectStatus(answer, [200], 'verify');
  return answer.body as VerifyResponse;
}

export async function createVerifyToken(target: Target, name = 'app server'): Promise<string> {
  const answer = await send(target, 'POST', '/v1/tokens', { json: { name, role: 'verify' } });
  expectStatus(answer, [201, 200], 'create verify token');
  return (answer.body as TokenCreated).token;
}

/** Every key the daemon lists, across pages. */
export async function listAllKeys(target: Target): Promise<KeyView[]> {
  const all: KeyView[] = [];
  for (let page = 1; ; page++) {
    const answer = await send(target, 'GET', `/v1/keys?page=${page}&pageSize=100&sort=createdAt&order=asc`);
    expectStatus(answer, [200], 'list keys');
    const list = answer.body as KeyList;
    all.push(...list.items);
    if (list.items.length === 0 || all.length >= list.total) return all;
  }
}

export async function countKeys(target: Target): Promise<number> {
  const answer = await send(target, 'GET', '/v1/keys?pageSize=1');
  expectStatus(answer, [200], 'count keys');
  return (answer.body as KeyList).total;
}

/** Health answers, and an authenticated read works: the daemon is still serving. */
export async function expectStillServing(target: Target): Promise<void> {
  expectStatus(await send(target, 'GET', '/v1/health', { token: null }), [200], 'health after the attack');
  expectStatus(await send(target, 'GET', '/v1/keys?pageSize=1'), [200], 'list keys after the attack');
}
