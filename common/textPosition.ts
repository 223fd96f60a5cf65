// Line and column of an offset in a text, the way editors count them: the daemon names where a config
// file is broken, the extension puts a diagnostic or a cursor there, and both must agree.

/** 1-based line and column of an offset (columns count UTF-16 units, as editors do). */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
