// The verify index's read (KeyRepository.verifyKeys): only the columns verify needs (exactly what
// keysmith_verifier is granted, so every member can run it), a page at a time by keyset on the id, and
// each page as ONE text: node-postgres parses a text row field by field, and a million keys of 13 fields
// (three arrays, three timestamptz parsed into Dates) took most of a minute that way. PostgreSQL builds
// the page as JSON, JSON.parse reads it at native speed; dates arrive as epoch ms, the hash as hex.
import type { KeyStatus } from '../../protocol';
import type { VerifyKey, VerifyProfile } from '../types';
import type { Session } from './session';

/** Keys per page: a few MB of text, a few hundred pages for a million keys. */
export const VERIFY_PAGE_KEYS = 10_000;

/** Per key: [id, secret_hash, reference, status, starts_at ms, expires_at ms, grace_until ms, profile as JSON text]. */
type PageRow = [string, string, string, KeyStatus, number, number | null, number | null, string];
/** The profile text: [service_id, environment, permissions, companies, ip_allow_list, organization]. */
type ProfileRow = [string, VerifyProfile['environment'], string[], string[], string[], string | null];

const epochMs = (column: string) => `floor(extract(epoch FROM k.${column}) * 1000)::bigint`;

// max(id) and the ORDER BYs use the id's "C" collation: the next page starts after `last`.
const PAGE_SQL = `SELECT json_agg(json_build_array(id, secret_hash, reference, status, starts_at, expires_at, grace_until, profile) ORDER BY id)::text AS page,
  max(id) AS last, count(*)::int AS count
FROM (
  SELECT k.id, k.secret_hash, k.reference, k.status, ${epochMs('starts_at')} AS starts_at, ${epochMs('expires_at')} AS expires_at,
    ${epochMs('grace_until')} AS grace_until,
    json_build_array(k.service_id, k.environment, k.permissions, k.companies, k.ip_allow_list, k.organization)::text AS profile
  FROM keys k WHERE k.id > $1 ORDER BY k.id LIMIT $2
) k`;

interface Page {
  /** The page's keys as a JSON array of PageRow (NULL when there are none). */
  page: string | null;
  last: string | null;
  count: number;
}

/** Profiles read so far, by their text, so keys that share one share the object (the index interns by it). */
const PROFILES_KEPT = 10_000;

export async function* verifyKeyPages(session: Session, pageKeys = VERIFY_PAGE_KEYS): AsyncGenerator<VerifyKey[]> {
  const profiles = new Map<string, VerifyProfile>();
  const profileOf = (text: string): VerifyProfile => {
    let profile = profiles.get(text);
    if (profile === undefined) {
      const [serviceId, environment, permissions, companies, ipAllowList, organization] = JSON.parse(text) as ProfileRow;
      profile = { serviceId, environment, permissions, companies, ipAllowList };
      if (organization !== null) profile.organization = organization;
      // Bounded: a store where most keys have a profile of their own must not keep them all here.
      if (profiles.size >= PROFILES_KEPT) profiles.clear();
      profiles.set(text, profile);
    }
    return profile;
  };
  const fetch = async (after: string): Promise<Page> => (await session.query<Page>(PAGE_SQL, [after, pageKeys])).rows[0]!;
  // The next page is asked for before this one is parsed and handed over: PostgreSQL builds it meanwhile.
  let next: Promise<Page> | undefined = fetch('');
  try {
    while (next !== undefined) {
      const page: Page = await next;
      next = page.count === pageKeys ? fetch(page.last!) : undefined;
      if (page.page === null) return;
      const keys: VerifyKey[] = [];
      for (const [id, secretHash, reference, status, startsAt, expiresAt, graceUntil, profile] of JSON.parse(page.page) as PageRow[]) {
        const key: VerifyKey = { id, secretHash, reference, status, startsAt, profile: profileOf(profile) };
        if (expiresAt !== null) key.expiresAt = expiresAt;
        if (graceUntil !== null) key.graceUntil = graceUntil;
        keys.push(key);
      }
      yield keys;
    }
  } finally {
    // Stopped early (or failed): the page asked for ahead is not wanted, and must not fail unheard.
    next?.catch(() => undefined);
  }
}
