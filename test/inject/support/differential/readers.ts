// The judges: each format's reference reader, not our writers' code. A reader turns a batch of
// texts into plain trees (or says a text is unreadable); the trees are what "the file means".
// INI has two judges, the `ini` package and Python's configparser, because projects use both.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseProperties } from 'dot-properties';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseIni } from 'ini';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import type { InjectFormat } from '../../../../daemon/protocol';

export type Tree = unknown;
export type Reading = { tree: Tree } | { unreadable: string };

export interface Reader {
  name: string;
  readAll(texts: string[]): Reading[];
}

const noBom = (text: string) => text.replace(/^\uFEFF/, '');

/** A reader of one text at a time; an exception means "unreadable". */
function single(name: string, read: (text: string) => Tree): Reader {
  return {
    name,
    readAll: (texts) =>
      texts.map((text) => {
        try {
          return { tree: read(noBom(text)) };
        } catch (error) {
          return { unreadable: (error as Error).name };
        }
      }),
  };
}

const dotenv = single('dotenv', (text) => parseDotenv(text));

const jsonc = single('jsonc-parser', (text) => {
  const errors: ParseError[] = [];
  const tree = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) throw new SyntaxError('jsonc');
  return tree;
});

/** Every document, aliases and merge keys resolved as an application sees them. */
const yaml = single('yaml', (text) =>
  parseAllDocuments(text, { merge: true }).map((doc) => {
    if (doc.errors.length > 0) throw new SyntaxError('yaml');
    return doc.toJS({ maxAliasCount: -1 });
  }),
);

const toml = single('smol-toml', (text) => parseToml(text));

const properties = single('dot-properties', (text) => parseProperties(text));

/** `{ section: { key: value } }`, top-level keys under "": the ini package nests dotted sections. */
const iniPackage = single('ini', (text) => {
  const out: Record<string, Record<string, unknown>> = {};
  const walk = (node: Record<string, unknown>, section: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, [...section, key]);
      else (out[section.join('.')] ??= {})[key] = value;
    }
  };
  walk(parseIni(text), []);
  return out;
});

const CONFIGPARSER = path.join(__dirname, 'configparserRead.py');

/** Python's configparser, one process per batch. Missing python3 fails under CI, skips locally. */
const configparser: Reader = {
  name: 'configparser',
  readAll(texts) {
    if (!hasPython()) return texts.map(() => ({ unreadable: 'no python3' }));
    const out = execFileSync('python3', [CONFIGPARSER], { input: JSON.stringify(texts.map(noBom)), maxBuffer: 256 * 1024 * 1024 });
    return (JSON.parse(out.toString('utf8')) as Array<{ sections?: Tree; error?: string }>).map((r) =>
      r.sections !== undefined ? { tree: r.sections } : { unreadable: r.error ?? 'error' },
    );
  },
};

let python: boolean | undefined;
export function hasPython(): boolean {
  if (python === undefined) {
    try {
      execFileSync('python3', ['-c', 'import configparser'], { stdio: 'ignore' });
      python = true;
    } catch {
      if (process.env.CI === 'true') throw new Error('python3 with configparser is needed to judge INI files; CI must install it.');
      python = false;
    }
  }
  return python;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => name === 'add',
});

/** `{ settings: { key: value } (last wins, as .NET reads them), rest: everything else }`. */
const xml = single('fast-xml-parser', (text) => {
  const doc = xmlParser.parse(text, true) as { configuration?: { appSettings?: unknown } };
  const appSettings = doc.configuration?.appSettings;
  const settings: Record<string, string> = {};
  const attributes: Record<string, unknown> = {};
  if (appSettings && typeof appSettings === 'object') {
    for (const [name, value] of Object.entries(appSettings)) {
      if (name === 'add') for (const add of value as Array<Record<string, string>>) settings[add['@_key']!] = add['@_value'] ?? '';
      else attributes[name] = value;
    }
  }
  // An empty <appSettings/> and one that gained an <add> differ only in their settings.
  if (doc.configuration) delete doc.configuration.appSettings;
  return { settings, appSettingsAttributes: attributes, rest: doc };
});

export const READERS: Record<InjectFormat, Reader[]> = {
  env: [dotenv],
  json: [jsonc],
  jsonc: [jsonc],
  yaml: [yaml],
  toml: [toml],
  ini: [iniPackage, configparser],
  properties: [properties],
  xml: [xml],
};
