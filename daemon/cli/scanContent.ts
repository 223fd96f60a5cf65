// Which file contents are worth decoding and scanning: text files up to a size cap that contain one of
// the two literals every Keysmith key has. The byte-level checks keep a scan of a large tree near the
// cost of reading it: most files are never decoded.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { recognizeKeys, type RecognizedKey } from '../../common/keyRecognition';

/** Files above this are skipped (and counted): keys live in config files, not in dumps or media. */
export const MAX_SCANNED_BYTES = 10 * 1024 * 1024;
/** Git's own test for binary content: a NUL byte in the first 8,000 bytes. */
const BINARY_SNIFF_BYTES = 8000;

export type ContentVerdict = { kind: 'text'; keys: RecognizedKey[] } | { kind: 'binary' } | { kind: 'tooLarge' } | { kind: 'unreadable' };

export function scanContent(content: Buffer): ContentVerdict {
  if (content.length > MAX_SCANNED_BYTES) return { kind: 'tooLarge' };
  const sniff = content.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) return { kind: 'binary' };
  // Every key holds `_live_` or `_test_`: a byte search (memchr-fast) rules most files out undecoded.
  if (!content.includes('_live_') && !content.includes('_test_')) return { kind: 'text', keys: [] };
  return { kind: 'text', keys: recognizeKeys(content.toString('utf8')) };
}

// One buffer reused across files: a tree of small config files is read without an allocation each.
let shared = Buffer.allocUnsafe(1024 * 1024);

/**
 * A working-tree file's verdict. Synchronous on purpose: the scan does nothing else meanwhile, and one
 * sync read costs a fraction of a promise round trip through the thread pool (it matters over 10k files).
 */
export function scanFileAt(absolutePath: string): ContentVerdict {
  let fd: number;
  try {
    fd = openSync(absolutePath, 'r');
  } catch {
    return { kind: 'unreadable' }; // deleted since git listed it, a dangling symlink, no permission
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { kind: 'unreadable' };
    if (stats.size > MAX_SCANNED_BYTES) return { kind: 'tooLarge' };
    if (stats.size > shared.length) shared = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < stats.size) {
      const read = readSync(fd, shared, length, stats.size - length, null);
      if (read === 0) break;
      length += read;
    }
    return scanContent(shared.subarray(0, length));
  } catch {
    return { kind: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}
