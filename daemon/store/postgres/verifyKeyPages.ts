// The verify index's read (KeyRepository.verifyKeys), made for a million keys:
// - only the columns verify needs, exactly what keysmith_verifier is granted, so every member can run it;
// - one cursor over a sequential scan, fetched a page at a time, in one read-only snapshot: keyset pages
//   in id order visited the heap in random order (the ids are random) and took seconds of I/O alone;
// - each key as its id, reference and hash, and ONE line of text built by PostgreSQL: node-postgres parses a
//   row field by field (three timestamptz into Dates, three arrays), and JSON built per row
//   (json_build_array) cost PostgreSQL several seconds more than concat_ws. Dates arrive as text read by
//   hand (timestampText.ts), the hash as hex; the profile part of the line (service, environment,
//   restrictions, organization) is parsed once per distinct text.
import pg from 'pg';
import type { KeyStatus } from '../../protocol';
import type { VerifyKey, VerifyProfile } from '../types';
import type { Session, SnapshotReader } from './session';
import { timestampMsIn } from './timestampText';

/** Keys per FETCH: a few MB of text. */
export const VERIFY_PAGE_KEYS = 10_000;

/** Free text in the line: a backslash, a tab and a newline escaped, so tabs split fields and nothing else. */
const escaped = (expression: string) => `replace(replace(replace(${expression}, '\\', '\\\\'), E'\\t', '\\t'), E'\\n', '\\n')`;

/**
 * Per key, the id, the reference and the hash as columns of their own (node-postgres makes each a string
 * of its own: a piece cut from a longer line would keep the whole line alive for as long as the index
 * keeps the id), and one line of the rest, fields split by tabs: status, starts_at, expires_at and
 * grace_until (timestamptz text, empty when NULL), then the profile: service, environment, the three
 * arrays in PostgreSQL's array text, and the organization ('=' and the text, empty when NULL: concat_ws
 * skips NULLs).
 */
const ROW_SQL = `SELECT k.id, k.reference, k.secret_hash, concat_ws(E'\t', k.status,
  k.starts_at, coalesce(k.expires_at::text, ''), coalesce(k.grace_until::text, ''),
  ${escaped('k.service_id')}, k.environment, ${escaped('k.permissions::text')}, ${escaped('k.companies::text')},
  ${escaped('k.ip_allow_list::text')}, coalesce('=' || ${escaped('k.organization')}, '')) AS line
FROM keys k`;

interface Row {
  id: string;
  reference: string;
  secret_hash: string;
  line: string;
}

const unescape = (field: string) =>
  field.includes('\\') ? field.replace(/\\([\\tn])/g, (_, code: string) => (code === 't' ? '\t' : code === 'n' ? '\n' : '\\')) : field;

/** text[]: node-postgres's own parser for it, so an array reads back exactly as in a whole record. */
const TEXT_ARRAY_OID = 1009;
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY_OID as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (
  text: string,
) => string[];

function profileOf(text: string): VerifyProfile {
  const [serviceId, environment, permissions, companies, ipAllowList, organization] = text.split('\t') as [string, ...string[]];
  const profile: VerifyProfile = {
    serviceId: unescape(serviceId),
    environment: environment as VerifyProfile['environment'],
    permissions: parseTextArray(unescape(permissions!)),
    companies: parseTextArray(unescape(companies!)),
    ipAllowList: parseTextArray(unescape(ipAllowList!)),
  };
  if (organization !== '') profile.organization = unescape(organization!.slice(1));
  return profile;
}

/** Profiles read so far, by their text, so keys that share one share the object (the index interns by it). */
const PROFILES_KEPT = 10_000;
let cursors = 0;

/** Connections reading at once: PostgreSQL prints each key's line in one process, so two halve the wait. */
export const VERIFY_READERS = 2;

interface Part {
  reader: SnapshotReader;
  cursor: string;
  next: Promise<pg.QueryResult<Row>> | undefined;
}

export async function* verifyKeyPages(
  session: Session,
  pageKeys = VERIFY_PAGE_KEYS,
  readers = VERIFY_READERS,
): AsyncGenerator<VerifyKey[]> {
  const profiles = new Map<string, VerifyProfile>();
  const snapshot = await session.readSnapshot(readers);
  const parts: Part[] = snapshot.map((reader) => ({ reader, cursor: `keysmith_verify_keys_${++cursors}`, next: undefined }));
  try {
    for (const [index, part] of parts.entries()) {
      // Each reader its share of the keys, by a hash of the id: one snapshot, so together every key once.
      const share = parts.length === 1 ? '' : ` WHERE ((hashtext(k.id) % ${parts.length}) + ${parts.length}) % ${parts.length} = ${index}`;
      await part.reader.query(`DECLARE ${part.cursor} NO SCROLL CURSOR FOR ${ROW_SQL}${share}`);
      part.next = part.reader.query<Row>(`FETCH ${pageKeys} FROM ${part.cursor}`);
    }
    for (;;) {
      const part = parts.find((candidate) => candidate.next !== undefined);
      if (part === undefined) return;
      // Round robin: this part goes last, the others' pages are being printed meanwhile.
      parts.push(parts.splice(parts.indexOf(part), 1)[0]!);
      const { rows }: pg.QueryResult<Row> = await part.next!;
      // The next page is asked for before this one is parsed and handed over: PostgreSQL builds it meanwhile.
      part.next = rows.length === pageKeys ? part.reader.query<Row>(`FETCH ${pageKeys} FROM ${part.cursor}`) : undefined;
      if (rows.length > 0) yield keysOf(rows, profiles);
    }
  } finally {
    for (const part of parts) {
      // Stopped early or failed: a page asked for ahead is not wanted, and must not fail unheard.
      await part.next?.catch(() => undefined);
      await part.reader.query(`CLOSE ${part.cursor}`).catch(() => undefined);
    }
    await Promise.all(snapshot.map((reader) => reader.end()));
  }
}

/** The statuses as constants: the line's status field compared in place rather than cut out per key. */
const STATUSES: readonly KeyStatus[] = ['active', 'inactive', 'revoked'];

function statusAt(line: string, end: number): KeyStatus {
  for (const status of STATUSES) if (end === status.length && line.startsWith(status)) return status;
  return line.slice(0, end) as KeyStatus;
}

// Fields are read where they lie in the line, by their tab positions: no string cut out per field but
// the profile's text (the key of `profiles`), so a million keys leave less garbage for the scavenger.
function keysOf(rows: Row[], profiles: Map<string, VerifyProfile>): VerifyKey[] {
  const keys: VerifyKey[] = [];
  for (const { id, reference, secret_hash: secretHash, line } of rows) {
    const statusEnd = line.indexOf('\t');
    const startsAtEnd = line.indexOf('\t', statusEnd + 1);
    const expiresAtEnd = line.indexOf('\t', startsAtEnd + 1);
    const graceUntilEnd = line.indexOf('\t', expiresAtEnd + 1);
    const status = statusAt(line, statusEnd);
    const startsAt = timestampMsIn(line, statusEnd + 1, startsAtEnd);
    const profileText = line.slice(graceUntilEnd + 1);
    let profile = profiles.get(profileText);
    if (profile === undefined) {
      // Bounded: a store where most keys have a profile of their own must not keep them all here.
      if (profiles.size >= PROFILES_KEPT) profiles.clear();
      profile = profileOf(profileText);
      profiles.set(profileText, profile);
    }
    const key: VerifyKey = { id, secretHash, reference, status, startsAt, profile };
    // An empty field: no such date.
    if (expiresAtEnd > startsAtEnd + 1) key.expiresAt = timestampMsIn(line, startsAtEnd + 1, expiresAtEnd);
    if (graceUntilEnd > expiresAtEnd + 1) key.graceUntil = timestampMsIn(line, expiresAtEnd + 1, graceUntilEnd);
    keys.push(key);
  }
  return keys;
}
