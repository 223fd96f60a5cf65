// The text of `.vscode/keysmith.json` read as VS Code and the daemon read it: JSONC (comments and
// trailing commas allowed). Pure, no `vscode` import, so mocha tests it directly; the caller turns a
// problem into a localized message that names the file and the line.
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { positionOf } from '../../common/textPosition';
import type { WorkspaceMappings } from '../../daemon/protocol';

export type Mappings = WorkspaceMappings['mappings'];

/** Where and why the file is not usable; `reason` is English from the parser ("close brace expected"). */
export interface MappingsProblem {
  line: number;
  column: number;
  reason: string;
}

export type MappingsParse = { ok: true; mappings: Mappings } | { ok: false; problem: MappingsProblem };

const JSONC = { allowTrailingComma: true, disallowComments: false } as const;

export function parseMappingsText(text: string): MappingsParse {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, JSONC);
  const first = errors[0];
  if (first) {
    const reason = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return { ok: false, problem: { ...positionOf(text, first.offset), reason } };
  }
  const list = isObject(data) ? data.mappings : undefined;
  if (!Array.isArray(list)) {
    // Point at the misplaced "mappings" value when there is one, else at the start of the document.
    const node = findNodeAtLocation(parseTree(text, [], JSONC)!, ['mappings']);
    return { ok: false, problem: { ...positionOf(text, node?.offset ?? 0), reason: 'expected an object with a "mappings" list' } };
  }
  // Entries' inner shape is the JSON schema's job in the editor and the daemon's on create; here a
  // malformed entry only must not crash the pre-fill.
  return { ok: true, mappings: list.filter((m): m is Mappings[number] => isObject(m) && Array.isArray(m.targets)) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
