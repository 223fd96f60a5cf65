// Which file contents are worth decoding and scanning: text files up to a size cap that contain one of
// the two literals every Keysmith key has. The byte-level checks keep a scan of a large tree near the
// cost of reading it: most files are never decoded.
import { closeSync, openSync, readSync } from 'node:fs';
import { recognizeKeys, type RecognizedKey } from '../../common/keyRecognition';

/** Files above this are skipped (and counted): keys live in config files, not in dumps or media. */
export const MAX_SCANNED_BYTES = 10 * 1024 * 1024;
/** Git's own test for binary content: a NUL byte in the first 8,000 bytes. */
const BINARY_SNIFF_BYTES = 8000;

export type ContentVerdict =
  { kind: 'text'; keys: readonly RecognizedKey[] } | { kind: 'binary' } | { kind: 'tooLarge' } | { kind: 'unreadable' };

/** The verdict of most files, shared: a scan of 10k files should not allocate 10k of them. */
export const NO_KEYS: ContentVerdict = Object.freeze({ kind: 'text', keys: Object.freeze([]) });

export function scanContent(content: Buffer): ContentVerdict {
  if (content.length > MAX_SCANNED_BYTES) return { kind: 'tooLarge' };
  const sniff = content.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) return { kind: 'binary' };
  if (!hasKeyCandidate(content, TAG_LIVE) && !hasKeyCandidate(content, TAG_TEST)) return NO_KEYS;
  return { kind: 'text', keys: recognizeKeys(content.toString('utf8')) };
}

const TAG_LIVE = Buffer.from('_live_');
const TAG_TEST = Buffer.from('_test_');
const TAIL_LENGTH = 38;

/**
 * Whether a tag is followed by 38 base62 bytes somewhere: checked on the bytes, so the many files that
 * hold `_test_` only in identifiers (`run_test_suite`) are ruled out without being decoded.
 */
function hasKeyCandidate(content: Buffer, tag: Buffer): boolean {
  for (let at = content.indexOf(tag); at !== -1; at = content.indexOf(tag, at + 1)) {
    const tail = at + tag.length;
    if (tail + TAIL_LENGTH > content.length) return false;
    let i = tail;
    while (i < tail + TAIL_LENGTH && isBase62Byte(content[i]!)) i += 1;
    if (i === tail + TAIL_LENGTH) return true;
  }
  return false;
}

const isBase62Byte = (byte: number) => (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122);

// One buffer reused across files: a tree of small config files is read without an allocation each.
let shared = Buffer.allocUnsafe(1024 * 1024);

/**
 * A working-tree file's verdict. Synchronous on purpose: the scan does nothing else meanwhile, and one
 * sync read costs a fraction of a promise round trip through the thread pool (it matters over 10k files).
 * No fstat either: reading until end of file, or past the cap, tells the size for free.
 */
export function scanFileAt(file: string): ContentVerdict {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { kind: 'unreadable' }; // deleted since git listed it, a dangling symlink, no permission
  }
  try {
    let length = 0;
    for (;;) {
      if (length === shared.length) {
        if (length > MAX_SCANNED_BYTES) return { kind: 'tooLarge' };
        const bigger = Buffer.allocUnsafe(Math.min(shared.length * 4, MAX_SCANNED_BYTES + 1));
        shared.copy(bigger, 0, 0, length);
        shared = bigger;
      }
      const read = readSync(fd, shared, length, shared.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return scanContent(shared.subarray(0, length));
  } catch {
    return { kind: 'unreadable' }; // a folder (EISDIR), an I/O error
  } finally {
    closeSync(fd);
  }
}
