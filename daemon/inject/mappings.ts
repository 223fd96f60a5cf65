// `.vscode/keysmith.json`: which config files receive a key, per service and environment. JSONC
// (VS Code's own settings dialect); validated with zod so a mistake is named, not silently skipped.
// schemas/keysmith.schema.json describes the same shape for the editor.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import type { InjectTarget, WorkspaceMappings } from '../protocol';
import { KeysmithError } from '../errors';
import { documentSelector } from '../validation/documentSelector';
import { readFileText } from './fileText';
import { FORMATS } from './formats';
import { positionOf } from './formats/text';
import { realWorkspace, resolveTargetFile } from './targetFile';

export const MAPPINGS_FILE = '.vscode/keysmith.json';

/**
 * Every target of a mapping file is planned (file read, parsed, edited) on each key generation;
 * a few dozen is a large project, so 200 leaves room while keeping one request's work bounded.
 */
export const MAX_MAPPING_TARGETS = 200;

/** Also what the request schemas should accept as a target's "document". */
const target = z
  .strictObject({
    file: z.string().min(1, { error: 'file must be a path relative to the workspace, e.g. config/.env' }),
    format: z
      .enum(FORMATS as [InjectTarget['format'] & string, ...string[]], {
        error: `format must be one of ${FORMATS.join(', ')} (or omitted to guess from the file name)`,
      })
      .optional(),
    path: z.string().min(1, { error: 'path must be a variable name or a dotted path' }),
    referencePath: z.string().min(1).optional(),
    value: z.enum(['secret', 'reference', 'authorization', 'pair'], {
      error: 'value must be one of secret, reference, authorization, pair',
    }),
    document: documentSelector.optional(),
  })
  .refine((t) => t.value !== 'pair' || t.referencePath !== undefined, {
    error: 'a "pair" target needs referencePath (where the reference goes) besides path (where the secret goes)',
    path: ['referencePath'],
  });

export const mappingsSchema = z
  .strictObject({
    $schema: z.string().optional(),
    mappings: z.array(
      z.strictObject({
        serviceId: z.string().min(1, { error: 'serviceId must name a service, e.g. payline' }),
        environment: z.enum(['test', 'production'], { error: 'environment must be test or production' }),
        targets: z.array(target),
      }),
    ),
  })
  .refine((file) => file.mappings.reduce((n, m) => n + m.targets.length, 0) <= MAX_MAPPING_TARGETS, {
    error: `holds more than ${MAX_MAPPING_TARGETS} targets in all; Keysmith reads at most ${MAX_MAPPING_TARGETS}, so split the mappings or drop unused targets`,
    path: ['mappings'],
  });

/** The workspace's mappings; [] when the file does not exist. */
export async function readMappings(workspace: string): Promise<WorkspaceMappings['mappings']> {
  const root = await realWorkspace(workspace);
  const resolved = await resolveTargetFile(root, MAPPINGS_FILE);
  if (!resolved.exists) return [];
  const { text } = await readFileText(resolved.real, true, MAPPINGS_FILE);
  return parseMappings(text).mappings as WorkspaceMappings['mappings'];
}

export function parseMappings(text: string): z.output<typeof mappingsSchema> {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = positionOf(text, first.offset);
    const reason = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    throw new KeysmithError('INVALID_MAPPINGS', `${MAPPINGS_FILE} is not valid JSON at line ${line}, column ${column}: ${reason}.`, {
      file: MAPPINGS_FILE,
      line: String(line),
      column: String(column),
    });
  }
  const result = mappingsSchema.safeParse(data);
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) details[issue.path.join('.') || '(root)'] ??= issue.message;
  const problems = Object.entries(details)
    .map(([field, message]) => `${field}: ${message}`)
    .join('; ');
  throw new KeysmithError('INVALID_MAPPINGS', `${MAPPINGS_FILE} does not describe mappings as expected — ${problems}.`, details);
}
