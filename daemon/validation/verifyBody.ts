// The verify body, read by hand rather than by zod: it sits on the hot path, and the API answers a bad
// body with 200 {valid:false, code:"MALFORMED"} rather than a 400, so there is nothing to detail.
import { isIP } from 'node:net';
import type { VerifyRequest } from '../protocol';
import { normalizeIp } from '../keys/ipAllowList';

const MAX_FIELD = 4096;
const FIELDS = new Set(['key', 'authorization', 'method', 'company', 'clientIp']);

function optionalString(value: unknown): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD);
}

/**
 * The request, or undefined when it is not exactly one of `key` / `authorization` plus optional strings
 * (clientIp a valid address, returned normalised: `::ffff:a.b.c.d` becomes `a.b.c.d`).
 */
export function readVerifyRequest(body: unknown): VerifyRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  for (const name of Object.keys(fields)) if (!FIELDS.has(name)) return undefined;
  const { key, authorization, method, company, clientIp } = fields;
  if (
    !optionalString(key) ||
    !optionalString(authorization) ||
    !optionalString(method) ||
    !optionalString(company) ||
    !optionalString(clientIp)
  )
    return undefined;
  if ((key === undefined) === (authorization === undefined)) return undefined;
  const request: VerifyRequest = {};
  if (key !== undefined) request.key = key;
  if (authorization !== undefined) request.authorization = authorization;
  if (method !== undefined) request.method = method;
  if (company !== undefined) request.company = company.normalize('NFC');
  if (clientIp !== undefined) {
    const address = normalizeIp(clientIp.trim());
    if (isIP(address) === 0) return undefined;
    request.clientIp = address;
  }
  return request;
}
