// The verify index's read (KeyRepository.eachVerifyKey, and verifyKeys in pages), made for a million keys:
// - only the columns verify needs, exactly what keysmith_verifier is granted, so every member can run it;
// - a sequential scan in one read-only snapshot, shared by two connections: keyset pages in id order
//   visited the heap in random order (the ids are random) and took seconds of I/O alone;
// - each row made a key as node-postgres reads it off the socket (rowFields.ts), no row object and no
//   page of rows kept: at start the key goes straight into the index and its strings die young (kept
//   in pages, a million keys' rows outlived scavenges, ~350 MB copied and promoted, 1.6 s of GC);
// - each key as ONE line of text in COPY's format (below): node-postgres parsing a row field by field
//   (three timestamptz into Dates, three arrays), JSON built per row (json_build_array), and escaping
//   built in SQL (replace() per value) each cost seconds at a million keys. Dates are read by hand
//   (timestampText.ts), the hash as hex; the profile part of the line (service, environment,
//   restrictions, organization) is parsed once per distinct text.
import pg from 'pg';
import type { KeyStatus } from '../../protocol';
import type { VerifyKey, VerifyProfile } from '../types';
import type { Session, SnapshotReader } from './session';
import { timestampMsIn } from './timestampText';

/** Keys per FETCH of verifyKeyPages: a few MB of text. */
export const VERIFY_PAGE_KEYS = 10_000;

/**
 * Per key, one line in COPY's text format: the columns below split by tabs, \N for NULL, a backslash, tab,
 * newline or carriage return in a value escaped (\\, \t, \n, \r), timestamptz and arrays as PostgreSQL
 * prints them. eachVerifyKey has PostgreSQL write it (COPY ... TO STDOUT: one message per row, escaped in
 * C, no function called per value); the cursor's pages build the same line in SQL. One string per key
 * (a string per column cost node-postgres a call and an object each), the id, reference and hash cut out
 * of it: the index copies their bytes, so they and the line die young together.
 */
const COLUMNS = [
  'id',
  'reference',
  'secret_hash',
  'status',
  'starts_at',
  'expires_at',
  'grace_until',
  'service_id',
  'environment',
  'permissions',
  'companies',
  'ip_allow_list',
  'organization',
] as const;

const COPY_SELECT = `SELECT ${COLUMNS.map((column) => `k.${column}`).join(', ')} FROM keys k`;

/**
 * A column as COPY writes it: its text escaped (the escapes that matter for the split), or \N (concat_ws
 * would skip a NULL, and every field after it would move).
 */
const copyText = (column: string) =>
  `coalesce(replace(replace(replace(replace(k.${column}::text, '\\', '\\\\'), E'\\t', '\\t'), E'\\n', '\\n'), E'\\r', '\\r'), '\\N')`;

/** The cursor's rows: one column, the line COPY would write for the key (without its newline). */
const LINE_SELECT = `SELECT concat_ws(E'\\t', ${COLUMNS.map(copyText).join(', ')}) AS line FROM keys k`;

const NULL_FIELD = '\\N';
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v' };

/** A field as COPY's text format escapes it, read back (the escapes COPY writes, and only those). */
const unescape = (field: string) =>
  field.includes('\\') ? field.replace(/\\([\\tnrbfv])/g, (_, code: string) => COPY_ESCAPES[code]!) : field;

/** text[]: node-postgres's own parser for it, so an array reads back exactly as in a whole record. */
const TEXT_ARRAY_OID = 1009;
const parseTextArray = pg.types.getTypeParser(TEXT_ARRAY_OID as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (
  text: string,
) => string[];

function profileOf(text: string): VerifyProfile {
  const [serviceId, environment, permissions, companies, ipAllowList, organization] = text.split('\t') as [string, ...string[]];
  const profile: VerifyProfile = {
    serviceId: unescape(serviceId),
    environment: unescape(environment!) as VerifyProfile['environment'],
    permissions: parseTextArray(unescape(permissions!)),
    companies: parseTextArray(unescape(companies!)),
    ipAllowList: parseTextArray(unescape(ipAllowList!)),
  };
  if (organization !== NULL_FIELD) profile.organization = unescape(organization!);
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
      await part.reader.query(`DECLARE ${part.cursor} NO SCROLL CURSOR FOR ${LINE_SELECT}${shareOf(index, parts.length)}`);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { parts, close };
}

/** The next page of the part's cursor, each row made a key as it arrives (no row object, no row kept). */
function fetchKeys(part: Part, pageKeys: number, profiles: Map<string, VerifyProfile>, each: (key: VerifyKey) => void): Promise<number> {
  return part.reader.eachRow(`FETCH ${pageKeys} FROM ${part.cursor}`, (fields) => each(keyOf(fields[0]!, profiles)));
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
  const onLine = (line: string) => {
    if (failure !== undefined) return;
    try {
      each(keyOf(line, profiles));
    } catch (error) {
      failure = { error };
    }
  };
  try {
    const outcomes = await Promise.allSettled(
      snapshot.map((reader, index) => reader.eachCopyLine(`COPY (${COPY_SELECT}${shareOf(index, snapshot.length)}) TO STDOUT`, onLine)),
    );
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    if (failure !== undefined) throw failure.error;
  } finally {
    await Promise.all(snapshot.map((reader) => reader.end()));
  }
}

/** The statuses as constants: the line's status field compared in place rather than cut out per key. */
const STATUSES: readonly KeyStatus[] = ['active', 'inactive', 'revoked'];

function statusAt(line: string, start: number, end: number): KeyStatus {
  for (const status of STATUSES) if (end - start === status.length && line.startsWith(status, start)) return status;
  return unescape(line.slice(start, end)) as KeyStatus;
}

/** The field at [start, end) of the line, as its text (cut out, read back when escaped). */
function textAt(line: string, start: number, end: number, escapes: boolean): string {
  const text = line.slice(start, end);
  return escapes ? unescape(text) : text;
}

/** A date field's epoch ms, or undefined for \N. */
function dateAt(line: string, start: number, end: number): number | undefined {
  return end - start === NULL_FIELD.length && line.startsWith(NULL_FIELD, start) ? undefined : timestampMsIn(line, start, end);
}

// Fields are found by their tabs and the dates read where they lie: only the id, reference and hash
// are cut out (slices of the line), and the profile's text (the key of `profiles`).
function keyOf(line: string, profiles: Map<string, VerifyProfile>): VerifyKey {
  const idEnd = line.indexOf('\t');
  const referenceEnd = line.indexOf('\t', idEnd + 1);
  const hashEnd = line.indexOf('\t', referenceEnd + 1);
  const statusEnd = line.indexOf('\t', hashEnd + 1);
  const startsAtEnd = line.indexOf('\t', statusEnd + 1);
  const expiresAtEnd = line.indexOf('\t', startsAtEnd + 1);
  const graceUntilEnd = line.indexOf('\t', expiresAtEnd + 1);
  // One look for an escape in the id, reference and hash (there is none, as a rule).
  const firstEscape = line.indexOf('\\');
  const escapes = firstEscape >= 0 && firstEscape < hashEnd;
  const profileText = line.slice(graceUntilEnd + 1);
  let profile = profiles.get(profileText);
  if (profile === undefined) {
    // Bounded: a store where most keys have a profile of their own must not keep them all here.
    if (profiles.size >= PROFILES_KEPT) profiles.clear();
    profile = profileOf(profileText);
    profiles.set(profileText, profile);
  }
  const key: VerifyKey = {
    id: textAt(line, 0, idEnd, escapes),
    secretHash: textAt(line, referenceEnd + 1, hashEnd, escapes),
    reference: textAt(line, idEnd + 1, referenceEnd, escapes),
    status: statusAt(line, hashEnd + 1, statusEnd),
    startsAt: timestampMsIn(line, statusEnd + 1, startsAtEnd),
    profile,
  };
  const expiresAt = dateAt(line, startsAtEnd + 1, expiresAtEnd);
  if (expiresAt !== undefined) key.expiresAt = expiresAt;
  const graceUntil = dateAt(line, expiresAtEnd + 1, graceUntilEnd);
  if (graceUntil !== undefined) key.graceUntil = graceUntil;
  return key;
}
