// timestamptz as PostgreSQL writes it (DateStyle ISO, which node-postgres requires anyway), read to
// epoch ms by hand: `2026-11-18 09:31:49.696+00`. The verify index reads up to three per key at start,
// a million keys' worth; PostgreSQL's floor(extract(epoch ...)) cost it a second, and node-postgres's
// own parser is a regular expression per date. Same arithmetic as that parser (postgres-date: fields to
// Date.UTC, the fraction as 1000 * parseFloat, minus the offset), so a date reads to the same ms as in
// a whole record; any other shape (BC, a year of other than 4 digits, before year 100) goes to it.
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

export function timestampMs(text: string): number {
  const fast = fastTimestampMs(text);
  if (!Number.isNaN(fast)) return fast;
  const parsed = parseWithDriver(text);
  return typeof parsed === 'number' ? parsed : parsed.getTime();
}

function fastTimestampMs(text: string): number {
  // YYYY-MM-DD HH:MM:SS at fixed places.
  if (text.length < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return Number.NaN;
  const year = digits(text, 0, 4);
  if (!(year >= 100)) return Number.NaN;
  let at = 19;
  let ms = 0;
  if (text[at] === '.') {
    let end = at + 1;
    while (end < text.length && text.charCodeAt(end) >= ZERO && text.charCodeAt(end) <= ZERO + 9) end += 1;
    const length = end - at - 1;
    ms = length >= 1 && length <= 3 ? FRACTION_MS[length - 1]![digits(text, at + 1, length)]! : 1000 * parseFloat(text.slice(at, end));
    at = end;
  }
  // The offset: +HH, +HH:MM or +HH:MM:SS (or -), and nothing after it.
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  const rest = text.length - at - 1;
  if (sign === 0 || (rest !== 2 && rest !== 5 && rest !== 8)) return Number.NaN;
  let offsetSeconds = digits(text, at + 1, 2) * 3600;
  if (rest >= 5) offsetSeconds += text[at + 3] === ':' ? digits(text, at + 4, 2) * 60 : Number.NaN;
  if (rest === 8) offsetSeconds += text[at + 6] === ':' ? digits(text, at + 7, 2) : Number.NaN;
  const utc = Date.UTC(year, digits(text, 5, 2) - 1, digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), ms);
  return utc - sign * offsetSeconds * 1000;
}
