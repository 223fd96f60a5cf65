// Finds Keysmith keys in a text (a file, an editor document) and hashes them as the store does, so a
// scanner can ask the daemon "which keys are these?" with hashes only. No secret leaves this module:
// a found key is described by where it is, its prefix, its hash and its last 4 characters.
import { checksumOf, CHECKSUM_LENGTH, MAX_PREFIX_LENGTH, RANDOM_PART_LENGTH } from './keyChecksum';
import { sha256Hex } from './secretHash';

export interface RecognizedKey {
  /** UTF-16 offsets of the key in the text, end exclusive (what `document.positionAt` takes). */
  start: number;
  end: number;
  /** 1-based line and column of the key's first character. */
  line: number;
  column: number;
  /** The service prefix, e.g. `pay`. */
  prefix: string;
  /** `live` keys are production keys, `test` keys test (homologation) keys. */
  tag: 'test' | 'live';
  /** SHA-256 hex of the key: what the daemon stores and `POST /v1/keys/lookup` takes. */
  hash: string;
  /** The last 4 characters, as the daemon's `masked` shows them (`****` + hint). */
  hint: string;
}

const TAIL_LENGTH = RANDOM_PART_LENGTH + CHECKSUM_LENGTH;
// The scan anchors on the literal `_test_`/`_live_` (rare in ordinary text) and checks the rest by hand:
// every character is looked at a bounded number of times, so the cost is linear in the text.
const TAG_SOURCE = '_(?:test|live)_';

const isBase62 = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isLowerAlnum = (code: number) => (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
const isLower = (code: number) => code >= 97 && code <= 122;

/** Every Keysmith key (prefix, tag, 32 base62, valid checksum) in `text`, in order. */
export function recognizeKeys(text: string): RecognizedKey[] {
  const found: RecognizedKey[] = [];
  let line = 1;
  let lineStart = 0;
  let counted = 0;
  const tag = new RegExp(TAG_SOURCE, 'g'); // a fresh lastIndex per call
  for (let match = tag.exec(text); match !== null; match = tag.exec(text)) {
    const tagStart = match.index;
    const tailStart = tagStart + match[0].length;
    const end = tailStart + TAIL_LENGTH;
    if (end > text.length) break;
    let tailOk = true;
    for (let i = tailStart; i < end; i += 1) {
      if (!isBase62(text.charCodeAt(i))) {
        tailOk = false;
        break;
      }
    }
    // On a miss the search resumes right after the tag: a later key's prefix may sit in this tail.
    if (!tailOk) continue;
    const start = prefixStart(text, tagStart, end);
    if (start === undefined) continue;
    for (let newline = text.indexOf('\n', counted); newline !== -1 && newline < start; newline = text.indexOf('\n', newline + 1)) {
      line += 1;
      lineStart = newline + 1;
    }
    counted = start;
    found.push({
      start,
      end,
      line,
      column: start - lineStart + 1,
      prefix: text.slice(start, tagStart),
      tag: text.startsWith('_live_', tagStart) ? 'live' : 'test',
      hash: sha256Hex(text.slice(start, end)),
      hint: text.slice(end - 4, end),
    });
    tag.lastIndex = end;
  }
  return found;
}

/**
 * Where the key ending at `end` starts, or undefined when no prefix before the tag gives a valid
 * checksum. Prefixes are 2 to 16 lower-case letters and digits starting with a letter; the text before
 * may run on (`xpay_live_…` holds the key `pay_live_…`), so each possible start is tried, longest first.
 */
function prefixStart(text: string, tagStart: number, end: number): number | undefined {
  let earliest = tagStart;
  while (earliest > 0 && tagStart - earliest < MAX_PREFIX_LENGTH && isLowerAlnum(text.charCodeAt(earliest - 1))) earliest -= 1;
  const checksum = text.slice(end - CHECKSUM_LENGTH, end);
  for (let start = earliest; start <= tagStart - 2; start += 1) {
    if (!isLower(text.charCodeAt(start))) continue;
    if (checksumOf(text.slice(start, end - CHECKSUM_LENGTH)) === checksum) return start;
  }
  return undefined;
}
