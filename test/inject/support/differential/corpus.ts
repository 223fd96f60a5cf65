// The files the differential suite writes into: other projects' config files (the peer corpus,
// read where it lies and never copied into this repository) and our own fixtures under
// test/fixtures/inject/<format>/, one per construct a writer once got wrong.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectFormat } from '../../../../daemon/protocol';

export interface CorpusFile {
  /** `<format>/<file name>`, as the manifest names it. */
  name: string;
  format: InjectFormat;
  /** The bytes as the daemon decodes them: UTF-8, else Latin-1. */
  text: string;
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/inject');
const FORMATS: InjectFormat[] = ['env', 'json', 'yaml', 'toml', 'ini', 'properties', 'xml'];

/** `<repo root>/../shared/peer-configs`, or KEYSMITH_PEER_CONFIGS. */
export function peerFolder(): string {
  return process.env.KEYSMITH_PEER_CONFIGS ?? path.resolve(REPO_ROOT, '../shared/peer-configs');
}

/** The peer files, or undefined when the folder is not there (a failure under CI=true). */
export function peerFiles(): CorpusFile[] | undefined {
  const folder = peerFolder();
  if (!existsSync(path.join(folder, 'manifest.json'))) {
    if (process.env.CI === 'true')
      throw new Error(
        `The peer config corpus is missing at ${folder} (set KEYSMITH_PEER_CONFIGS); CI must run the differential suite on it.`,
      );
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as Array<{ file: string; format: InjectFormat }>;
  return manifest.map(({ file, format }) => ({ name: file, format, text: decode(readFileSync(path.join(folder, file))) }));
}

export function fixtureFiles(): CorpusFile[] {
  return FORMATS.flatMap((format) => {
    const folder = path.join(FIXTURES, format);
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .sort()
      .map((file) => ({
        name: `${format}/${file}`,
        format,
        text: decode(readFileSync(path.join(folder, file))),
      }));
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** As daemon/inject/fileText.ts decodes a file. */
function decode(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
