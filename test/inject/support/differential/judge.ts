// Runs every case of one file through its writer and judges the result with the reference readers.
// Applied exactly: each reader that could read the file sees the secret at the target and every
// other value as before, and no line outside the edited ones changed. Refused cleanly: a 4xx whose
// message names no secret. Anything else is wrong.
import { isDeepStrictEqual } from 'node:util';
import { KeysmithError } from '../../../../daemon/errors';
import { statusOf } from '../../../../daemon/http/errorStatus';
import { WRITERS } from '../../../../daemon/inject/formats';
import { applyWriter } from '../../../../daemon/inject/plan';
import { casesFor, treePath, type Case } from './cases';
import type { CorpusFile } from './corpus';
import { READERS, type Reading, type Tree } from './readers';

export type Outcome =
  { kind: 'applied'; after: string } | { kind: 'refused'; code: string; message: string } | { kind: 'wrong'; why: string };

export interface Judged {
  case: Case;
  outcome: Outcome;
}

export function judgeFile(file: CorpusFile, secret: string): Judged[] {
  const readers = READERS[file.format];
  const before = readers.map((r) => r.readAll([file.text])[0]!);
  const cases = casesFor(file, before);
  const written = cases.map((c) => write(c, secret));
  const texts = written.flatMap((w) => ('after' in w ? [w.after] : []));
  const afters = readers.map((r) => r.readAll(texts));
  let next = 0;
  return cases.map((c, i) => {
    const w = written[i]!;
    if (!('after' in w)) return { case: c, outcome: w };
    const at = next++;
    const why =
      readers.map((r, k) => meaningProblem(r.name, c, before[k]!, afters[k]![at]!, secret)).find(Boolean) ??
      linesProblem(c, file.text, w.after, oldValue(before, c));
    return { case: c, outcome: why ? { kind: 'wrong', why } : { kind: 'applied', after: w.after } };
  });
}

function write(c: Case, secret: string): { after: string } | Outcome {
  try {
    const change = { path: c.path, value: secret, ...(c.document === undefined ? {} : { document: c.document }) };
    return { after: applyWriter(WRITERS[c.file.format], c.file.text, change, c.file.name) };
  } catch (error) {
    if (error instanceof KeysmithError && statusOf(error) >= 400 && statusOf(error) < 500 && !error.message.includes(secret)) {
      return { kind: 'refused', code: error.code, message: error.message };
    }
    return { kind: 'wrong', why: `threw ${(error as Error).name}: ${(error as Error).message.slice(0, 200)}` };
  }
}

function meaningProblem(reader: string, c: Case, before: Reading, after: Reading, secret: string): string | undefined {
  if (!('tree' in before)) return undefined; // this reader does not read this file at all
  if (!('tree' in after)) return `${reader} cannot read the result (${after.unreadable})`;
  const expected = setIn(plain(before.tree), treePath(c), secret);
  if (isDeepStrictEqual(plain(after.tree), expected)) return undefined;
  const got = getIn(plain(after.tree), treePath(c));
  return got === secret ? `${reader}: another value changed` : `${reader}: the target does not hold the secret`;
}

/**
 * The lines that differ must be the edited ones: a replaced value is one new line in place of its
 * own lines (more than one only for a value that ran over several: its own line breaks, indented
 * or blank lines below it, or backslash continuations); a new key adds lines and touches at most
 * the one line it joins (a flow mapping, an inline table, an expanded empty element).
 */
function linesProblem(c: Case, before: string, after: string, old: string): string | undefined {
  const b = before.split('\n');
  const a = after.split('\n');
  let p = 0;
  while (p < b.length && p < a.length && b[p] === a[p]) p++;
  let s = 0;
  while (s < b.length - p && s < a.length - p && b[b.length - 1 - s] === a[a.length - 1 - s]) s++;
  const removed = b.slice(p, b.length - s);
  const added = a.slice(p, a.length - s);
  if (c.kind !== 'replace') return removed.length <= 1 ? undefined : `a new key changed ${removed.length} existing lines`;
  if (added.length > 1) return `a replaced value took ${added.length} lines`;
  const indent = (line: string) => /^[ \t]*/.exec(line)![0].length;
  // A line of the old value: blank, indented under the first, after a backslash continuation, or
  // holding the value's own text (a multi-line string's body and its closing delimiter).
  const content = (line: string) =>
    line
      .trim()
      .replace(/\\$/, '')
      .replace(/^("""|'''|["'`])|("""|'''|["'`])$/g, '')
      .trim();
  const belongs = removed
    .slice(1)
    .every(
      (line, i) =>
        content(line) === '' ||
        indent(line) > indent(removed[0]!) ||
        /(^|[^\\])(\\\\)*\\\r?$/.test(removed[i]!) ||
        old.includes(content(line)),
    );
  const ownBreaks = removed.length <= 1 + (old.match(/\n/g)?.length ?? 0);
  return belongs || ownBreaks ? undefined : `replacing a value changed ${removed.length} lines`;
}

/** The replaced value as the first reader that has it read it ('' for a new key). */
function oldValue(before: Reading[], c: Case): string {
  for (const reading of before) {
    const value = 'tree' in reading ? getIn(plain(reading.tree), treePath(c)) : undefined;
    if (typeof value === 'string') return value;
  }
  return '';
}

/** Readers return class instances (dates, null-prototype tables): compare their plain shape. */
function plain(node: Tree): Tree {
  if (node instanceof Date) return `date:${String(node)}`;
  if (Array.isArray(node)) return node.map(plain);
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, plain(v)]));
  return node;
}

function setIn(tree: Tree, path: Array<string | number>, value: unknown): Tree {
  const root = tree === null || typeof tree !== 'object' ? {} : tree;
  let node = root as Record<string | number, unknown>;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key] as Record<string | number, unknown>;
    }
  });
  return root;
}

function getIn(tree: Tree, path: Array<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | null | undefined)?.[key], tree);
}
