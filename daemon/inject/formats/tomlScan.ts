// A locating scanner for TOML that smol-toml has already validated: it does not judge the syntax,
// it records where each key's value sits so the writer can replace those bytes and nothing else.

export type TomlValueKind = 'basic' | 'literal' | 'multiline' | 'inline-table' | 'other';

export interface TomlEntry {
  path: string[];
  kind: TomlValueKind;
  valueStart: number;
  valueEnd: number;
  /** For entries on their own line: the line's indentation, the text between key and value, and
   * the offset just after the line's newline. Entries inside inline tables have none. */
  line?: { indent: string; separator: string; next: number };
}

export interface TomlTable {
  /** null for `[[array.of.tables]]`: paths into them are not addressable. */
  path: string[] | null;
  /** Offset just after the header line; 0 for the root table. */
  next: number;
  entries: TomlEntry[];
}

export interface TomlInlineTable {
  path: string[];
  open: number;
  close: number;
  lastValueEnd?: number;
}

export function scanToml(text: string): { tables: TomlTable[]; inlineTables: TomlInlineTable[] } {
  return new Scanner(text).scan();
}

class Scanner {
  private pos = 0;
  private readonly tables: TomlTable[] = [{ path: [], next: 0, entries: [] }];
  private readonly inlineTables: TomlInlineTable[] = [];

  constructor(private readonly text: string) {}

  scan() {
    const { text } = this;
    while (this.pos < text.length) {
      this.skipBlanks();
      const ch = text[this.pos];
      if (ch === '[') {
        const isArray = text[this.pos + 1] === '[';
        this.pos += isArray ? 2 : 1;
        this.skipBlanks();
        const path = this.copyOfKey();
        this.pos += isArray ? 2 : 1;
        this.skipToNextLine();
        this.tables.push({ path: isArray ? null : path, next: this.pos, entries: [] });
      } else if (ch !== undefined && !'#\r\n'.includes(ch)) {
        const indentStart = this.text.lastIndexOf('\n', this.pos - 1) + 1;
        const indent = text.slice(indentStart, this.pos);
        const table = this.tables.at(-1)!;
        const entry = this.readKeyValue(table.path ?? ['\u0000[[]]']);
        this.skipToNextLine();
        entry.line!.indent = indent;
        entry.line!.next = this.pos;
        table.entries.push(entry);
      } else {
        this.skipToNextLine();
      }
    }
    return { tables: this.tables, inlineTables: this.inlineTables };
  }

  private readKeyValue(prefix: string[]): TomlEntry {
    const key = this.copyOfKey();
    const keyEnd = this.pos;
    this.skipBlanks();
    this.pos++; // '='
    this.skipBlanks();
    const separator = this.text.slice(keyEnd, this.pos);
    const path = [...prefix, ...key];
    const valueStart = this.pos;
    const kind = this.readValue(path);
    return { path, kind, valueStart, valueEnd: this.pos, line: { indent: '', separator, next: 0 } };
  }

  private copyOfKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlanks();
      const ch = this.text[this.pos];
      if (ch === '"') parts.push(decodeBasic(this.text.slice(this.pos + 1, this.skipString('"') - 1)));
      else if (ch === "'") parts.push(this.text.slice(this.pos + 1, this.skipString("'") - 1));
      else {
        const start = this.pos;
        while (/[A-Za-z0-9_-]/.test(this.text[this.pos] ?? '')) this.pos++;
        parts.push(this.text.slice(start, this.pos));
      }
      const keyEnd = this.pos;
      this.skipBlanks();
      if (this.text[this.pos] !== '.') {
        this.pos = keyEnd;
        return parts;
      }
      this.pos++;
    }
  }

  private readValue(path: string[]): TomlValueKind {
    const { text } = this;
    const ch = text[this.pos];
    if (text.startsWith('"""', this.pos) || text.startsWith("'''", this.pos)) {
      this.skipMultiline(text.slice(this.pos, this.pos + 3));
      return 'multiline';
    }
    if (ch === '"' || ch === "'") {
      this.skipString(ch);
      return ch === '"' ? 'basic' : 'literal';
    }
    if (ch === '[') {
      this.pos++;
      // Elements are addressed by index (`keywords.0`); a string element is an entry of its own.
      let index = 0;
      for (this.skipInsideBrackets(); text[this.pos] !== ']'; this.skipInsideBrackets()) {
        if (text[this.pos] === ',') {
          this.pos++;
          index++;
        } else {
          const valueStart = this.pos;
          const elementPath = [...path, String(index)];
          const kind = this.readValue(elementPath);
          if (kind === 'basic' || kind === 'literal')
            this.tables.at(-1)!.entries.push({ path: elementPath, kind, valueStart, valueEnd: this.pos });
        }
      }
      this.pos++;
      return 'other';
    }
    if (ch === '{') {
      const table: TomlInlineTable = { path, open: this.pos, close: 0 };
      this.pos++;
      for (this.skipInsideBrackets(); text[this.pos] !== '}'; this.skipInsideBrackets()) {
        if (text[this.pos] === ',') this.pos++;
        else {
          const entry = this.readKeyValue(path);
          delete entry.line;
          table.lastValueEnd = entry.valueEnd;
          this.tables.at(-1)!.entries.push(entry);
        }
      }
      table.close = this.pos++;
      this.inlineTables.push(table);
      return 'inline-table';
    }
    const start = this.pos;
    while (this.pos < text.length && !'\r\n#,]}'.includes(text[this.pos]!)) this.pos++;
    this.pos = start + text.slice(start, this.pos).trimEnd().length;
    return 'other';
  }

  /** Moves past a one-line string starting at pos; returns the offset after the closing quote. */
  private skipString(quote: string): number {
    let i = this.pos + 1;
    while (this.text[i] !== quote) i += quote === '"' && this.text[i] === '\\' ? 2 : 1;
    this.pos = i + 1;
    return this.pos;
  }

  private skipMultiline(delimiter: string): void {
    const quote = delimiter[0];
    let i = this.pos + 3;
    while (!this.text.startsWith(delimiter, i)) i += quote === '"' && this.text[i] === '\\' ? 2 : 1;
    // Up to two quotes right before the closing delimiter belong to the content.
    let run = 0;
    while (this.text[i + run] === quote && run < 5) run++;
    this.pos = i + run;
  }

  private skipBlanks(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  /** Blanks, newlines and comments, all allowed between array items. */
  private skipInsideBrackets(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') this.pos++;
      else if (ch === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
      else return;
    }
  }

  private skipToNextLine(): void {
    const lf = this.text.indexOf('\n', this.pos);
    this.pos = lf === -1 ? this.text.length : lf + 1;
  }
}

function decodeBasic(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\u001b' }[e] ?? e;
  });
}
