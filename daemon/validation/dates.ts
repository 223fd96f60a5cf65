// ISO 8601 instants: a date, or a date-time with a time zone (Z or ±hh:mm). Four-digit years only, so
// nothing past 9999 and no expanded `+275760-...` forms; impossible dates (Feb 30) are refused.
import { z } from 'zod';

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const ACCEPTED = 'an ISO 8601 date like 2026-03-01 or 2026-03-01T09:30:00Z (year 1970..9999, with a time zone)';

/** The canonical `toISOString()` form, or undefined when `value` is not an acceptable instant. */
export function parseInstant(value: string): string | undefined {
  const match = ISO_8601.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const time = Date.parse(match[4] === undefined ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time) || Number(year) < 1970) return undefined;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined;
  return new Date(time).toISOString();
}

export function instant(what: string) {
  return z.string({ error: `${what} must be ${ACCEPTED}` }).transform((value, ctx) => {
    const parsed = parseInstant(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} is not ${ACCEPTED}` });
      return z.NEVER;
    }
    return parsed;
  });
}

/** The rule both create and PATCH apply: a key cannot expire before (or when) it starts. */
export function datesProblem(startsAt: string | undefined, expiresAt: string | undefined): string | undefined {
  if (startsAt === undefined || expiresAt === undefined) return undefined;
  return Date.parse(expiresAt) > Date.parse(startsAt) ? undefined : `expiresAt must be after startsAt (${startsAt})`;
}
