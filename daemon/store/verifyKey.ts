// A key record narrowed to what verify needs: what the embedded store hands out from its records, and
// what the verify index makes of a whole record arriving on the change feed.
import type { KeyRecord, VerifyKey, VerifyProfile } from './types';

export function verifyProfileOf(record: KeyRecord): VerifyProfile {
  const profile: VerifyProfile = {
    serviceId: record.serviceId,
    environment: record.environment,
    permissions: record.permissions,
    companies: record.companies,
    ipAllowList: record.ipAllowList,
  };
  if (record.organization !== undefined) profile.organization = record.organization;
  return profile;
}

/** The arrays are the record's own (not copied): the index copies what it keeps. */
export function verifyKeyOf(record: KeyRecord, profile: VerifyProfile = verifyProfileOf(record)): VerifyKey {
  const key: VerifyKey = {
    id: record.id,
    secretHash: record.secretHash,
    reference: record.reference,
    status: record.status,
    startsAt: Date.parse(record.startsAt),
    profile,
  };
  if (record.expiresAt !== undefined) key.expiresAt = Date.parse(record.expiresAt);
  if (record.graceUntil !== undefined) key.graceUntil = Date.parse(record.graceUntil);
  return key;
}
