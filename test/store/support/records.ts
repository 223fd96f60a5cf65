// Records for store tests: a complete key (every optional field absent unless given), a service and a
// token, and a seeded generator of varied keys for the list tests.
import type { KeyStatus } from '../../../daemon/protocol';
import type { KeyRecord, ServiceRecord, TokenRecord } from '../../../daemon/store/types';

let counter = 0;
const next = () => (counter += 1).toString().padStart(6, '0');

export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const n = next();
  return {
    id: `key_${n}`,
    serviceId: 'svc_test',
    environment: 'test',
    name: `Key ${n}`,
    reference: `ref-${n}`,
    hint: 'wxyz',
    status: 'active',
    origin: 'generated',
    startsAt: '2030-01-01T00:00:00.000Z',
    permissions: [],
    companies: [],
    ipAllowList: [],
    createdAt: '2030-01-01T00:00:00.000Z',
    createdBy: 'tester',
    updatedAt: '2030-01-01T00:00:00.000Z',
    useCount: 0,
    secretHash: `hash_${n}_${Math.random().toString(16).slice(2)}`,
    ...overrides,
  };
}

export function serviceRecord(overrides: Partial<ServiceRecord> = {}): ServiceRecord {
  const n = next();
  return {
    id: `svc_${n}`,
    name: `Service ${n}`,
    enabled: true,
    scheme: 'bearer',
    prefix: 'sk_',
    permissions: [],
    builtIn: false,
    ...overrides,
  };
}

export function tokenRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  const n = next();
  return {
    id: `tok_${n}`,
    name: `Token ${n}`,
    role: 'verify',
    tokenHash: `tokenhash_${n}`,
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A small deterministic PRNG (mulberry32): the same keys on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Few distinct values, so ties (same date, same name) and every derived state are common.
export const LIST_DATES = ['2030-01-01T00:00:00.000Z', '2030-06-01T00:00:00.000Z', '2030-06-01T00:00:00.001Z', '2030-09-01T00:00:00.000Z'];
export const LIST_NAMES = [
  'Alpha',
  'alpha',
  'Béta shop',
  'beta Shop',
  'CRM',
  'crm backend',
  'Zeta',
  'éclair',
  'Ω omega',
  '10 keys',
  '9 keys',
];
export const LIST_SERVICES = ['svc_cloudmc', 'svc_payline', 'svc_cabinet'];
export const LIST_CREATORS = ['alice', 'bob'];

/** `count` varied keys: every status, derived state, service, environment and creator appears. */
export function variedKeys(count: number, seed = 42): KeyRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const maybe = <T>(value: () => T): T | undefined => (random() < 0.4 ? value() : undefined);
  return Array.from({ length: count }, (_, index) => {
    const record = keyRecord({
      id: `key_${String(Math.floor(random() * 1000)).padStart(3, '0')}_${index}`,
      serviceId: pick(LIST_SERVICES),
      environment: pick(['test', 'production'] as const),
      name: pick(LIST_NAMES),
      reference: pick(['ref-one', 'REF-two', 'shop-3', 'Crm-ref']),
      status: pick<KeyStatus>(['active', 'active', 'inactive', 'revoked']),
      startsAt: pick(LIST_DATES),
      createdAt: pick(LIST_DATES),
      updatedAt: pick(LIST_DATES),
      createdBy: pick(LIST_CREATORS),
    });
    const expiresAt = maybe(() => pick(LIST_DATES));
    const graceUntil = maybe(() => pick(LIST_DATES));
    if (expiresAt !== undefined) record.expiresAt = expiresAt;
    if (graceUntil !== undefined) record.graceUntil = graceUntil;
    return record;
  });
}
