// About 1 MB per config format, twice: a normal file (many ordinary entries, what the reference parser
// is timed on) and a worst case for a writer (long runs of blanks, long quoted values, deep nesting),
// with the path an injection writes in it. Built at run time; the values are not secret-shaped.
import { parse as parseDotenv } from 'dotenv';
import { parse as parseProperties } from 'dot-properties';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseIni } from 'ini';
import { parseTree } from 'jsonc-parser';
import { MAX_NESTING } from '../daemon/inject/formats/text';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import type { InjectFormat } from '../daemon/protocol';

// JSON and TOML files nested deeper than the writers' limit are refused at once (400): the worst case a
// writer really works through is the deepest file it accepts.
const DEEPEST_EDITABLE = MAX_NESTING - 2;

export const FILE_BYTES = 1024 * 1024;

export interface FormatCase {
  format: InjectFormat;
  /** The file name the daemon picks the writer by. */
  file: string;
  /** The reference parser of the format, for "one parse of a normal file". */
  parse(text: string): unknown;
  normal(): string;
  /** The worst-case text and the path an injection replaces in it. */
  worst(): { text: string; path: string };
}

/** `unit` repeated until `fill` has about `bytes` characters in all. */
function repeatTo(bytes: number, unit: (n: number) => string): string {
  const parts: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const part = unit(n);
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

const third = Math.floor(FILE_BYTES / 3);
const half = Math.floor(FILE_BYTES / 2);
const blanks = (n: number) => ' \t'.repeat(n / 2);
const xmlParser = new XMLParser({ ignoreAttributes: false });

export const FORMAT_CASES: FormatCase[] = [
  {
    format: 'env',
    file: 'big.env',
    parse: (text) => parseDotenv(text),
    normal: () =>
      repeatTo(FILE_BYTES, (n) => `# setting ${n}\nSERVICE_${n}_URL=https://api-${n}.example/v1\nSERVICE_${n}_KEY="old-${n}"\n`),
    worst: () => ({
      text: `PADDING=${blanks(third)}x\nQUOTED="${'a\\"'.repeat(third / 3)}"\n${'#'.repeat(third)}\nAPI_KEY=old\n`,
      path: 'API_KEY',
    }),
  },
  {
    format: 'json',
    file: 'big.json',
    parse: (text) => parseTree(text),
    normal: () =>
      `{\n${repeatTo(FILE_BYTES, (n) => `  "service_${n}": {"url": "https://api-${n}.example/v1", "apiKey": "old-${n}"},\n`)}  "last": 0\n}\n`,
    worst: () => {
      const depth = DEEPEST_EDITABLE;
      return {
        text: `{${blanks(half)}"quoted": "${'\\"'.repeat(half / 2)}", "deep": ${'{"a": '.repeat(depth)}0${'}'.repeat(depth)}, "apiKey": "old"}\n`,
        path: 'apiKey',
      };
    },
  },
  {
    format: 'yaml',
    file: 'big.yaml',
    parse: (text) => parseDocument(text),
    normal: () => repeatTo(FILE_BYTES, (n) => `# service ${n}\nservice_${n}:\n  url: https://api-${n}.example/v1\n  apiKey: "old-${n}"\n`),
    worst: () => {
      const depth = 500;
      const nested = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}n${i}:\n`).join('') + `${'  '.repeat(depth)}leaf: 1\n`;
      return { text: `padding: x${blanks(third)}\nquoted: "${'\\"'.repeat(third / 2)}"\n${nested}apiKey: old\n`, path: 'apiKey' };
    },
  },
  {
    format: 'toml',
    file: 'big.toml',
    parse: (text) => parseToml(text),
    normal: () =>
      repeatTo(FILE_BYTES, (n) => `# service ${n}\n[service_${n}]\nurl = "https://api-${n}.example/v1"\napiKey = "old-${n}"\n\n`),
    worst: () => {
      const depth = DEEPEST_EDITABLE;
      return {
        text: `padding = "x"${blanks(half)}\nquoted = "${'\\"'.repeat(half / 2)}"\ndeep = ${'{ a = '.repeat(depth)}1${' }'.repeat(depth)}\napiKey = "old"\n`,
        path: 'apiKey',
      };
    },
  },
  {
    format: 'ini',
    file: 'big.ini',
    parse: (text) => parseIni(text),
    normal: () => repeatTo(FILE_BYTES, (n) => `; service ${n}\n[service_${n}]\nurl = https://api-${n}.example/v1\napiKey = old-${n}\n\n`),
    worst: () => ({
      // A continuation line (as tox.ini's `commands =`) of blanks with no separator: scanned for one.
      text: `[app]\ncommands = run\n  x${blanks(half)}y\nquoted = "${'a\\"'.repeat(half / 3)}"\napiKey = old\n`,
      path: 'app.apiKey',
    }),
  },
  {
    format: 'properties',
    file: 'big.properties',
    parse: (text) => parseProperties(text),
    normal: () =>
      repeatTo(FILE_BYTES, (n) => `# service ${n}\nservice.${n}.url = https://api-${n}.example/v1\nservice.${n}.apiKey = old-${n}\n`),
    worst: () => ({
      text: `padding = x${blanks(third)}y\ncontinued = ${'a \\\n    '.repeat(third / 8)}end\nescaped = ${'\\\\'.repeat(third / 2)}\napi.key = old\n`,
      path: 'api.key',
    }),
  },
  {
    format: 'xml',
    file: 'web.config',
    parse: (text) => xmlParser.parse(text),
    normal: () =>
      `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n${repeatTo(FILE_BYTES, (n) => `    <add key="Service${n}Url" value="https://api-${n}.example/v1" />\n`)}  </appSettings>\n</configuration>\n`,
    worst: () => {
      const depth = 500;
      return {
        // Blanks inside the last <add>'s value: a new key copies that element's spacing before "/>".
        text: `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <system.web${blanks(third)}mode="x" />\n  <deep>${'<n>'.repeat(depth)}${'</n>'.repeat(depth)}</deep>\n  <appSettings>\n    <add key="Quoted" value="${'&quot;'.repeat(third / 6)}" />\n    <add key="Padding" value="x${blanks(third)}y" />\n  </appSettings>\n</configuration>\n`,
        path: 'ApiKey',
      };
    },
  },
];
