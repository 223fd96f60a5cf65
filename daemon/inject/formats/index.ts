// Which writer handles a file: the target's explicit format, else one guessed from the file name.
import type { InjectFormat } from '../../protocol';
import { writeDotenv } from './dotenv';
import { writeIni } from './ini';
import { writeJson } from './json';
import { writeProperties } from './properties';
import { writeToml } from './toml';
import type { ConfigWriter } from './types';
import { writeXmlAppSetting } from './xml';
import { writeYaml } from './yaml';

export { FormatError, PathError, UnrepresentableValueError } from './types';
export type { ConfigWriter, ValueChange } from './types';

export const WRITERS: Record<InjectFormat, ConfigWriter> = {
  env: writeDotenv,
  json: writeJson,
  jsonc: writeJson,
  yaml: writeYaml,
  properties: writeProperties,
  ini: writeIni,
  toml: writeToml,
  xml: writeXmlAppSetting,
};

export const FORMATS = Object.keys(WRITERS) as InjectFormat[];

const BY_EXTENSION: Array<[RegExp, InjectFormat]> = [
  [/^\.env$|^\.env\..+|\.env$/, 'env'],
  [/\.json$/, 'json'],
  [/\.jsonc$/, 'jsonc'],
  [/\.ya?ml$/, 'yaml'],
  [/\.properties$/, 'properties'],
  [/\.(ini|cfg|conf)$/, 'ini'],
  [/\.toml$/, 'toml'],
  [/\.(config|xml)$/, 'xml'],
];

/** The format for a file name (`.env`, `.env.local`, `app.env`, `web.config`...), or undefined. */
export function formatForFile(fileName: string): InjectFormat | undefined {
  const base = fileName.split(/[\\/]/).at(-1)!.toLowerCase();
  return BY_EXTENSION.find(([pattern]) => pattern.test(base))?.[1];
}
