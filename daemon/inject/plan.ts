// Planning an injection: every target resolved, read, checked and edited in memory, grouped by the
// real file it lands in so several targets on one file compose into one write. Any refusal throws
// before anything is written.
import path from 'node:path';
import type { InjectResult, InjectTarget, InjectWarning } from '../protocol';
import { KeysmithError } from '../errors';
import {
  FormatError,
  PathError,
  UnrepresentableValueError,
  WRITERS,
  formatForFile,
  FORMATS,
  type ConfigWriter,
  type ValueChange,
} from './formats';
import { readFileText, type FileText } from './fileText';
import { gitIgnoring, gitRepoPlace, gitTracking, howToUntrack } from './gitStatus';
import { gitignoreLine } from '../../common/gitignoreLine';
import { changesFor, type InjectMaterial, type PlannedChange } from './targetChanges';
import { realWorkspace, resolveTargetFile, shownName, type ResolvedTarget } from './targetFile';

export type PlannedTarget = InjectTarget & { expectedHash?: string };

export interface FilePlan {
  resolved: ResolvedTarget;
  content: FileText;
  gitTracked: boolean;
  gitIgnored: boolean;
  /** Set when the file is in a git work tree, untracked and not ignored: `git add .` would commit the key. */
  notIgnoredWarning?: InjectWarning;
  /** Indexes of the targets landing in this file, in request order. */
  targets: number[];
  changes: PlannedChange[];
  /** The writer for each change (targets on one file may name different formats). */
  writers: ConfigWriter[];
  after: string;
}

export interface InjectionPlan {
  files: FilePlan[];
  /** One per target, in request order, pointing at its file's plan. */
  fileOf: FilePlan[];
}

export async function planInjection(
  workspace: string,
  targets: PlannedTarget[],
  material: InjectMaterial,
  force: boolean,
): Promise<InjectionPlan> {
  const root = await realWorkspace(workspace);
  const byReal = new Map<string, FilePlan>();
  const fileOf: FilePlan[] = [];
  for (const [index, target] of targets.entries()) {
    const resolved = await resolveTargetFile(root, target.file);
    const writer = writerFor(target);
    const document = target.document;
    const changes = changesFor(target, material).map((change) => (document === undefined ? change : { ...change, document }));
    let plan = byReal.get(resolved.real);
    if (!plan) {
      plan = {
        resolved,
        content: { text: '', encoding: 'utf8', hash: '' },
        gitTracked: false,
        gitIgnored: false,
        targets: [],
        changes: [],
        writers: [],
        after: '',
      };
      byReal.set(resolved.real, plan);
    }
    plan.targets.push(index);
    plan.changes.push(...changes);
    plan.writers.push(...changes.map(() => writer));
    fileOf.push(plan);
  }
  const files = [...byReal.values()];
  for (const plan of files) await checkAndEdit(plan, targets, force);
  return { files, fileOf };
}

function writerFor(target: PlannedTarget): ConfigWriter {
  const format = target.format ?? formatForFile(target.file);
  if (target.document !== undefined && format !== 'yaml') {
    throw new KeysmithError(
      'INVALID_TARGET',
      `The target "${shownName(target.file)}" names a "document", which only YAML files (several documents split by "---") have.`,
      { document: 'only for yaml targets' },
    );
  }
  if (format && Object.hasOwn(WRITERS, format)) return WRITERS[format];
  throw new KeysmithError(
    'UNKNOWN_FORMAT',
    `Cannot tell the format of "${shownName(target.file)}" from its name; set "format" to one of ${FORMATS.join(', ')}.`,
    { format: `one of ${FORMATS.join(', ')}` },
  );
}

async function checkAndEdit(plan: FilePlan, targets: PlannedTarget[], force: boolean): Promise<void> {
  const { resolved } = plan;
  const name = shownName(resolved.file);
  plan.content = await readFileText(resolved.real, resolved.exists, resolved.file);
  const git = resolved.exists ? await gitTracking(resolved.real) : { tracked: false };
  plan.gitTracked = git.tracked;
  if (git.tracked && !force) {
    throw new KeysmithError(
      'TRACKED_BY_GIT',
      `"${name}" is tracked by git, so the key would end up in a commit. To keep it out: ${howToUntrack(git.repoPath!)}.`,
      { file: name },
    );
  }
  if (!git.tracked) await checkIgnored(plan, name);
  for (const index of plan.targets) {
    const expected = targets[index]!.expectedHash;
    if (expected !== undefined && expected !== plan.content.hash) {
      throw new KeysmithError(
        'FILE_CHANGED',
        `"${name}" changed on disk since it was previewed; preview again to see the edit on its current content.`,
        { file: name },
      );
    }
  }
  let text = plan.content.text;
  plan.changes.forEach((change, i) => {
    text = applyWriter(plan.writers[i]!, text, change, name);
  });
  plan.after = text;
}

/** A file git neither tracks nor ignores is written, but with a warning naming the line that keeps it out. */
async function checkIgnored(plan: FilePlan, name: string): Promise<void> {
  const { inWorkTree, ignored } = await gitIgnoring(plan.resolved.real);
  plan.gitIgnored = ignored;
  if (!inWorkTree || ignored) return;
  const place = await gitRepoPlace(plan.resolved.real);
  const line = gitignoreLine(place?.repoPath ?? name);
  const gitignoreFile = place ? path.join(place.root, '.gitignore') : undefined;
  plan.notIgnoredWarning = {
    code: 'NOT_GITIGNORED',
    message: `"${name}" is in a git repository but not ignored: the next "git add ." would commit the key. Add the line "${line}" to ${gitignoreFile ? `"${gitignoreFile}"` : "the repository's .gitignore"}.`,
    ...(gitignoreFile ? { gitignoreFile, gitignoreLine: line } : {}),
  };
}

/** Runs one writer, turning its refusals into the API's errors (none of which quote the file). */
export function applyWriter(writer: ConfigWriter, text: string, change: ValueChange, name: string): string {
  try {
    return writer(text, {
      path: change.path,
      value: change.value,
      ...(change.document === undefined ? {} : { document: change.document }),
    });
  } catch (error) {
    const path = Array.isArray(change.path) ? change.path.join('.') : change.path;
    if (error instanceof FormatError) {
      throw new KeysmithError(
        'UNPARSABLE_FILE',
        `"${name}" is not valid ${error.format} at line ${error.line}, column ${error.column}: ${error.reason}. Fix the file, or set the target's "format" if it was guessed wrong.`,
        { file: name, line: String(error.line), column: String(error.column), reason: error.reason },
      );
    }
    if (error instanceof PathError) {
      throw new KeysmithError('INVALID_PATH', `The path "${path}" in "${name}": ${error.message}`, { file: name, path });
    }
    if (error instanceof UnrepresentableValueError) {
      throw new KeysmithError('UNREPRESENTABLE_VALUE', `"${name}": ${error.message}`, { file: name, path });
    }
    throw error;
  }
}

export function resultFor(plan: FilePlan, target: PlannedTarget): InjectResult {
  return {
    file: target.file,
    path: target.path,
    changed: plan.after !== plan.content.text,
    gitTracked: plan.gitTracked,
    gitIgnored: plan.gitIgnored,
    ...(plan.notIgnoredWarning ? { warnings: [plan.notIgnoredWarning] } : {}),
    hash: plan.content.hash,
  };
}
