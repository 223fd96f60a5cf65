// timestamptz as PostgreSQL writes it (DateStyle ISO, which node-postgres requires anyway), read to
// epoch ms by hand: `2026-11-18 09:31:49.696+00`. The verify index reads up to three per key at start,
// a million keys' worth; PostgreSQL's floor(extract(epoch ...)) cost it a second, and node-postgres's
// own parser is a regular expression per date. Same arithmetic as that parser (postgres-date: fields to
// Date.UTC, here the same days-from-civil by hand, the fraction as 1000 * parseFloat truncated, minus
// the offset), so a date reads to the same ms as in a whole record; any other shape (BC, a year of other than 4 digits, before year 100) goes to it.
import pg from 'pg';

const TIMESTAMPTZ_OID = 1184;
const parseWithDriver = pg.types.getTypeParser(TIMESTAMPTZ_OID as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (
  text: string,
) => Date | number;

const ZERO = 48;

/**
 * The whole ms of a fraction of 1 to 3 digits, by its digits and length: 1000 * parseFloat('.ddd')
 * truncated, as Date.UTC truncates it, computed once here for the 1,110 of them instead of per date.
 */
const FRACTION_MS = [1, 2, 3].map((length) =>
  Int16Array.from({ length: 10 ** length }, (_, value) => Math.trunc(1000 * parseFloat(`.${String(value).padStart(length, '0')}`))),
);

/** The number in `text` from `start`, `length` decimal digits long, or NaN. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's days_from_civil), month 1 to 12: what
 * Date.UTC computes for it, in plain arithmetic (Date.UTC cost most of a million keys' dates).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

export function timestampMs(text: string): number {
  return timestampMsIn(text, 0, text.length);
}

/** timestampMs of `text.slice(start, end)`, read in place: the verify read takes its dates out of a longer line. */
export function timestampMsIn(text: string, start: number, end: number): number {
  const fast = fastTimestampMs(text, start, end);
  if (!Number.isNaN(fast)) return fast;
  const parsed = parseWithDriver(text.slice(start, end));
  return typeof parsed === 'number' ? parsed : parsed.getTime();
}

function fastTimestampMs(text: string, start: number, end: number): number {
  // YYYY-MM-DD HH:MM:SS at fixed places.
  if (
    end - start < 22 ||
    text[start + 4] !== '-' ||
    text[start + 7] !== '-' ||
    text[start + 10] !== ' ' ||
    text[start + 13] !== ':' ||
    text[start + 16] !== ':'
  )
    return Number.NaN;
  const year = digits(text, start, 4);
  if (!(year >= 100)) return Number.NaN;
  const month = digits(text, start + 5, 2);
  // Date.UTC carries a month out of range into the year; PostgreSQL never writes one, the driver reads it.
  if (!(month >= 1 && month <= 12)) return Number.NaN;
  let at = start + 19;
  let ms = 0;
  if (text[at] === '.') {
    let fractionEnd = at + 1;
    while (fractionEnd < end && text.charCodeAt(fractionEnd) >= ZERO && text.charCodeAt(fractionEnd) <= ZERO + 9) fractionEnd += 1;
    const length = fractionEnd - at - 1;
    ms =
      length >= 1 && length <= 3
        ? FRACTION_MS[length - 1]![digits(text, at + 1, length)]!
        : Math.trunc(1000 * parseFloat(text.slice(at, fractionEnd)));
    at = fractionEnd;
  }
  // The offset: +HH, +HH:MM or +HH:MM:SS (or -), and nothing after it.
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  const rest = end - at - 1;
  if (sign === 0 || (rest !== 2 && rest !== 5 && rest !== 8)) return Number.NaN;
  let offsetSeconds = digits(text, at + 1, 2) * 3600;
  if (rest >= 5) offsetSeconds += text[at + 3] === ':' ? digits(text, at + 4, 2) * 60 : Number.NaN;
  if (rest === 8) offsetSeconds += text[at + 6] === ':' ? digits(text, at + 7, 2) : Number.NaN;
  const utc =
    daysFromCivil(year, month, digits(text, start + 8, 2)) * DAY_MS +
    digits(text, start + 11, 2) * 3_600_000 +
    digits(text, start + 14, 2) * 60_000 +
    digits(text, start + 17, 2) * 1000 +
    ms;
  return utc - sign * offsetSeconds * 1000;
}
