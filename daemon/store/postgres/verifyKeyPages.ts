// The verify index's read (KeyRepository.eachVerifyKey, and verifyKeys in pages), made for a million keys:
// - only the columns verify needs, exactly what keysmith_verifier is granted, so every member can run it;
// - a sequential scan in one read-only snapshot, shared by two connections: keyset pages in id order
//   visited the heap in random order (the ids are random) and took seconds of I/O alone;
// - each row made a key as node-postgres reads it off the socket (rowFields.ts), no row object and no
//   page of rows kept: at start the key goes straight into the index and its strings die young (kept
//   in pages, a million keys' rows outlived scavenges, ~350 MB copied and promoted, 1.6 s of GC);
// - each key as its id, reference and hash, and ONE line of text built by PostgreSQL: node-postgres parses a
//   row field by field (three timestamptz into Dates, three arrays), and JSON built per row
//   (json_build_array) cost PostgreSQL several seconds more than concat_ws. Dates arrive as text read by
//   hand (timestampText.ts), the hash as hex; the profile part of the line (service, environment,
//   restrictions, organization) is parsed once per distinct text.
import pg from 'pg';
import type { KeyStatus } from '../../protocol';
import type { VerifyKey, VerifyProfile } from '../types';
import type { RowFields } from './rowFields';
import type { Session, SnapshotReader } from './session';
import { timestampMsIn } from './timestampText';

/** Keys per FETCH of verifyKeyPages: a few MB of text. */
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

/** The row's fields, in ROW_SQL's order (none NULL: the line is never NULL, concat_ws skips NULLs). */
const ID = 0;
const REFERENCE = 1;
const SECRET_HASH = 2;
const LINE = 3;

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

/**
 * Reader `index`'s share of the keys, of `readers`: by a hash of the id, so the shares are about even
 * whatever the ids look like; one snapshot, so together every key once.
 */
const shareOf = (index: number, readers: number) =>
  readers === 1 ? '' : ` WHERE ((hashtext(k.id) % ${readers}) + ${readers}) % ${readers} = ${index}`;

interface Part {
  reader: SnapshotReader;
  cursor: string;
}

interface Cursors {
  parts: Part[];
  /** Closes the cursors and ends the readers' transactions: after the read, finished, stopped or failed. */
  close(): Promise<void>;
}

/** One cursor per reader, each over its share of the keys. */
async function openCursors(session: Session, readers: number): Promise<Cursors> {
  const snapshot = await session.readSnapshot(readers);
  const parts: Part[] = snapshot.map((reader) => ({ reader, cursor: `keysmith_verify_keys_${++cursors}` }));
  const close = async () => {
    for (const part of parts) await part.reader.query(`CLOSE ${part.cursor}`).catch(() => undefined);
    await Promise.all(snapshot.map((reader) => reader.end()));
  };
  try {
    for (const [index, part] of parts.entries()) {
      await part.reader.query(`DECLARE ${part.cursor} NO SCROLL CURSOR FOR ${ROW_SQL}${shareOf(index, parts.length)}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { parts, close };
}

/** The next page of the part's cursor, each row made a key as it arrives (no row object, no row kept). */
function fetchKeys(part: Part, pageKeys: number, profiles: Map<string, VerifyProfile>, each: (key: VerifyKey) => void): Promise<number> {
  return part.reader.eachRow(`FETCH ${pageKeys} FROM ${part.cursor}`, (fields) => each(keyOf(fields, profiles)));
}

export async function* verifyKeyPages(
  session: Session,
  pageKeys = VERIFY_PAGE_KEYS,
  readers = VERIFY_READERS,
): AsyncGenerator<VerifyKey[]> {
  const profiles = new Map<string, VerifyProfile>();
  const { parts, close } = await openCursors(session, readers);
  interface Pending {
    part: Part;
    keys: VerifyKey[];
    fetched: Promise<number>;
  }
  const fetch = (part: Part): Pending => {
    const keys: VerifyKey[] = [];
    return { part, keys, fetched: fetchKeys(part, pageKeys, profiles, (key) => keys.push(key)) };
  };
  // Round robin over the parts: each has its next page asked for while the others' are handed over.
  const pending: Pending[] = parts.map(fetch);
  try {
    for (;;) {
      const next = pending.shift();
      if (next === undefined) return;
      const fetched = await next.fetched;
      // The next page is asked for before this one is handed over: PostgreSQL builds it meanwhile.
      if (fetched === pageKeys) pending.push(fetch(next.part));
      if (fetched > 0) yield next.keys;
    }
  } finally {
    // Stopped early or failed: a page asked for ahead is not wanted, and must not fail unheard.
    for (const { fetched } of pending) await fetched.catch(() => undefined);
    await close();
  }
}

/**
 * The same keys as verifyKeyPages, each handed to `each` as its row arrives, none kept here: the index
 * is filled while the rows stream in, so no page of keys outlives a young-generation collection. No
 * cursor: each reader runs its share as one statement, which PostgreSQL writes out as fast as the socket
 * takes it, so it never waits for the next FETCH (the socket's buffer is the only read-ahead, and what
 * holds it back while the index is slower). Every row is read to the end even after a failure (the
 * first, a query's or `each`'s, is thrown once the readers are done and ended), but none is handed over.
 */
export async function eachVerifyKey(session: Session, each: (key: VerifyKey) => void, readers = VERIFY_READERS): Promise<void> {
  const profiles = new Map<string, VerifyProfile>();
  const snapshot = await session.readSnapshot(readers);
  let failure: { error: unknown } | undefined;
  const onRow = (fields: RowFields) => {
    if (failure !== undefined) return;
    try {
      each(keyOf(fields, profiles));
    } catch (error) {
      failure = { error };
    }
  };
  try {
    const outcomes = await Promise.allSettled(
      snapshot.map((reader, index) => reader.eachRow(`${ROW_SQL}${shareOf(index, snapshot.length)}`, onRow)),
    );
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    if (failure !== undefined) throw failure.error;
  } finally {
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
function keyOf(fields: RowFields, profiles: Map<string, VerifyProfile>): VerifyKey {
  const id = fields[ID]!;
  const reference = fields[REFERENCE]!;
  const secretHash = fields[SECRET_HASH]!;
  const line = fields[LINE]!;
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
  return key;
}
