// secretHash -> what verify needs, in memory, so verify is a hash plus a Map lookup. Entries are copies
// taken after each committed change (never live store objects), so a failed transaction cannot leak
// into the index and the store stays free to copy or replace its records.
import type { VerifyResponse } from '../protocol';
import { compileAllowList } from '../keys/ipAllowList';
import { parseOptional } from '../keys/keyState';
import type { VerifiableKey } from '../keys/verifyRules';
import type { KeyRecord } from '../store/types';

export interface IndexedKey extends VerifiableKey {
  id: string;
  serviceId: string;
  environment: KeyRecord['environment'];
  reference: string;
  organization?: string;
  ipAllowed: (clientIp: string) => boolean;
  // The dates as epoch ms, parsed once here rather than on every verify.
  startsAtMs: number;
  expiresAtMs: number | undefined;
  graceUntilMs: number | undefined;
  /** The 200 answer for this key, built once and frozen: every valid verify of it returns this object. */
  validAnswer: Readonly<VerifyResponse>;
}

function validAnswerOf(record: KeyRecord): Readonly<VerifyResponse> {
  const answer: VerifyResponse = {
    valid: true,
    keyId: record.id,
    serviceId: record.serviceId,
    environment: record.environment,
    permissions: Object.freeze([...record.permissions]) as string[],
  };
  if (record.organization !== undefined) answer.organization = record.organization;
  return Object.freeze(answer);
}

export class KeyIndex {
  private readonly byHash = new Map<string, IndexedKey>();
  private readonly hashById = new Map<string, string>();

  constructor(records: readonly KeyRecord[] = []) {
    for (const record of records) this.upsert(record);
  }

  get size(): number {
    return this.byHash.size;
  }

  lookup(secretHash: string): IndexedKey | undefined {
    return this.byHash.get(secretHash);
  }

  upsert(record: KeyRecord): void {
    const previousHash = this.hashById.get(record.id);
    if (previousHash !== undefined && previousHash !== record.secretHash) this.byHash.delete(previousHash);
    const entry: IndexedKey = {
      id: record.id,
      serviceId: record.serviceId,
      environment: record.environment,
      reference: record.reference,
      status: record.status,
      startsAt: record.startsAt,
      permissions: [...record.permissions],
      companies: [...record.companies],
      ipAllowList: [...record.ipAllowList],
      ipAllowed: record.ipAllowList.length > 0 ? compileAllowList(record.ipAllowList) : () => true,
      startsAtMs: Date.parse(record.startsAt),
      expiresAtMs: parseOptional(record.expiresAt),
      graceUntilMs: parseOptional(record.graceUntil),
      validAnswer: validAnswerOf(record),
    };
    if (record.expiresAt !== undefined) entry.expiresAt = record.expiresAt;
    if (record.graceUntil !== undefined) entry.graceUntil = record.graceUntil;
    if (record.organization !== undefined) entry.organization = record.organization;
    this.byHash.set(record.secretHash, entry);
    this.hashById.set(record.id, record.secretHash);
  }

  remove(keyId: string): void {
    const hash = this.hashById.get(keyId);
    if (hash === undefined) return;
    this.byHash.delete(hash);
    this.hashById.delete(keyId);
  }
}
