// Adding one mapping to the text of `.vscode/keysmith.json` with a minimal jsonc-parser edit: the
// user's comments, order and formatting stay as they were. Pure, so mocha tests it directly.
import { applyEdits, modify } from 'jsonc-parser';
import { parseMappingsText, type Mappings } from './mappingsText';

type Mapping = Mappings[number];

/** Text for a file that does not exist yet. */
export function newMappingsText(mapping: Mapping): string {
  return `${JSON.stringify({ mappings: [mapping] }, null, 2)}\n`;
}

/** Whether every target of `mapping` is already mapped for its service and environment. */
export function alreadyMapped(mappings: Mappings, mapping: Mapping): boolean {
  type Target = Mapping['targets'][number];
  // Field by field: a hand-written file may order the keys differently.
  const same = (a: Target, b: Target) =>
    a.file === b.file && a.path === b.path && a.value === b.value && a.referencePath === b.referencePath && a.format === b.format;
  const existing = mappings
    .filter((m) => m.serviceId === mapping.serviceId && m.environment === mapping.environment)
    .flatMap((m) => m.targets);
  return mapping.targets.every((t) => existing.some((e) => same(e, t)));
}

/**
 * `text` with `mapping` appended to its "mappings" list, or undefined when the text is not a valid
 * mapping file (the caller reports that; nothing is written over a file it cannot read).
 */
export function appendMapping(text: string, mapping: Mapping): string | undefined {
  if (!parseMappingsText(text).ok) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^( +|\t)"/m.exec(text)?.[1] ?? '  ';
  const edits = modify(text, ['mappings', -1], mapping, {
    isArrayInsertion: true,
    formattingOptions: { insertSpaces: indent !== '\t', tabSize: indent === '\t' ? 1 : indent.length, eol },
  });
  return applyEdits(text, edits);
}
