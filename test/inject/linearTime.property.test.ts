// Every writer is linear in its input: on adversarial files (long runs of blanks, long quoted or
// escaped values, deep nesting, many keys or targets) doubling the input must not more than about
// 2.5x the time. A regex that backtracks over a long line (4x per doubling) fails here.
// It runs in a mocha process of its own (package.json, test:unit): in a heap grown by hundreds of other
// tests, a full GC costs in proportion to that heap and lands in whichever batch allocates more, which
// once made a linear writer look 3x slower on twice the input.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeDotenv } from '../../daemon/inject/formats/dotenv';
import { writeIni } from '../../daemon/inject/formats/ini';
import { writeJson } from '../../daemon/inject/formats/json';
import { writeProperties } from '../../daemon/inject/formats/properties';
import { writeToml } from '../../daemon/inject/formats/toml';
import type { ConfigWriter } from '../../daemon/inject/formats/types';
import { writeXmlAppSetting } from '../../daemon/inject/formats/xml';
import { writeYaml } from '../../daemon/inject/formats/yaml';
import { parseMappings } from '../../daemon/inject/mappings';
import { growth, type Workload } from './support/linearTime';

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 2), seed: Number(process.env.FC_SEED ?? 20261129) };
const BOUND = 2.5;

/** Runs of these are what the quadratic regexes choked on. */
const blank = fc.constantFrom(' ', '\t', ' \t', '  \t ');

/** One write, refusals included: refusing must be linear too. */
const writing =
  (writer: ConfigWriter, text: string, path: string): (() => unknown) =>
  () => {
    try {
      return writer(text, { path, value: 'new-value' });
    } catch (error) {
      return error;
    }
  };

const repeatTo = (unit: string, n: number) => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

const FAMILIES: Array<[string, (filler: string) => Workload]> = [
  [
    'INI: a key followed by a long run of blanks and no separator',
    (f) => (n) => writing(writeIni, `[s]\nk${repeatTo(f, n)}x\nother = 1\n`, 's.new'),
  ],
  ['INI: blanks between a value and its comment', (f) => (n) => writing(writeIni, `[s]\nk = v${repeatTo(f, n)};c\n`, 's.k')],
  ['INI: a long unclosed quoted value', (f) => (n) => writing(writeIni, `[s]\nk = "${repeatTo(`x${f}`, n)}\n`, 's.k')],
  [
    'XML: blanks before "/>" of the <add> a new key copies',
    (f) => (n) =>
      writing(
        writeXmlAppSetting,
        `<configuration>\n  <appSettings>\n    <add key="a" value="b"${repeatTo(f, n)}/>\n  </appSettings>\n</configuration>\n`,
        'new',
      ),
  ],
  [
    'XML: blanks inside a web.config attribute, next to a new key',
    (f) => (n) =>
      writing(
        writeXmlAppSetting,
        `<configuration><appSettings><add key="a" value="${repeatTo(f, n)}x" /></appSettings></configuration>`,
        'new',
      ),
  ],
  [
    'XML: deep nesting',
    () => (n) =>
      writing(
        writeXmlAppSetting,
        `<configuration>${repeatTo('<x>', n / 2)}${repeatTo('</x>', (n / 2) * (4 / 3))}<appSettings/></configuration>`,
        'k',
      ),
  ],
  ['.env: a long double-quoted value of escaped quotes', () => (n) => writing(writeDotenv, `A="${repeatTo('\\"', n)}\nB=1\n`, 'B')],
  ['.env: blanks between a value and its comment', (f) => (n) => writing(writeDotenv, `A=x${repeatTo(f, n)}# c\nB=1\n`, 'A')],
  [
    'YAML: a long escaped string and blanks before a comment',
    (f) => (n) =>
      writing(writeYaml, `a: "${repeatTo('x\\"', n / 2)}"\nb: c${repeatTo(f === '\t' ? ' ' : f.replace(/\t/g, ' '), n / 2)}# note\n`, 'b'),
  ],
  [
    'YAML: deep nesting',
    () => (n) => {
      const depth = Math.floor(Math.sqrt(2 * n));
      const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`);
      return writing(writeYaml, `${lines.join('\n')} leaf\n`, `k0.k1.new`);
    },
  ],
  [
    'JSON: a long escaped string and many keys',
    () => (n) =>
      writing(
        writeJson,
        `{\n  "a": "${repeatTo('\\"', n / 2)}",\n${Array.from({ length: Math.floor(n / 40) }, (_, i) => `  "k${i}": ${i},`).join('\n')}\n  "z": 0\n}\n`,
        'new',
      ),
  ],
  [
    'TOML: a long escaped string and many tables',
    () => (n) =>
      writing(
        writeToml,
        `a = "${repeatTo('\\"', n / 2)}"\n${Array.from({ length: Math.floor(n / 40) }, (_, i) => `[t${i}]\nk = ${i}\n`).join('')}`,
        't0.new',
      ),
  ],
  [
    '.properties: blanks before the separator and a long run of backslashes',
    (f) => (n) => writing(writeProperties, `k${repeatTo(f, n / 2)}= v\nb = ${repeatTo('\\\\', n / 2)}\n`, 'k'),
  ],
  [
    'keysmith.json: many targets',
    () => (n) => () => {
      const targets = Array.from({ length: Math.floor(n / 60) }, (_, i) => `{"file": ".env", "path": "K${i}", "value": "secret"}`);
      try {
        return parseMappings(`{"mappings": [{"serviceId": "s", "environment": "test", "targets": [${targets.join(',')}]}]}`);
      } catch (error) {
        return error;
      }
    },
  ],
];

describe('writers take linear time on adversarial inputs', function () {
  this.timeout(10 * 60_000);
  for (const [name, family] of FAMILIES) {
    it(`${name}: doubling the input at most ${BOUND}x the time`, function () {
      fc.assert(
        fc.property(blank, (filler) => {
          const { n, small, large, ratio } = growth(family(filler));
          assert.ok(
            ratio <= BOUND,
            `${n} -> ${2 * n} characters took ${small.toFixed(1)} -> ${large.toFixed(1)} ms (${ratio.toFixed(2)}x)`,
          );
        }),
        RUNS,
      );
    });
  }
});
