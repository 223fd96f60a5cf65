// secretHash -> what verify needs, in memory, so verify is a hash plus a Map lookup. Fed only by the
// store's change feed (createCore): each committed change, by this daemon or another on the same store,
// arrives as the record as stored, so a failed transaction never reaches the index.
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

  /** Starts over from every key (at start, and when the feed says changes may have been missed). */
  replaceAll(records: readonly KeyRecord[]): void {
    this.byHash.clear();
    this.hashById.clear();
    for (const record of records) this.upsert(record);
  }

  /** One committed change: the key as stored, or undefined when it was deleted. */
  apply(keyId: string, record: KeyRecord | undefined): void {
    if (record === undefined) this.remove(keyId);
    else this.upsert(record);
  }

  get size(): number {
    return this.byHash.size;
  }

  lookup(secretHash: string): IndexedKey | undefined {
    return this.byHash.get(secretHash);
  }

  private upsert(record: KeyRecord): void {
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

  private remove(keyId: string): void {
    const hash = this.hashById.get(keyId);
    if (hash === undefined) return;
    this.byHash.delete(hash);
    this.hashById.delete(keyId);
  }
}
