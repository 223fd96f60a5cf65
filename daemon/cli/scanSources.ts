// What `keysmith scan` reads: inside a git work tree, the files git tracks plus the untracked ones it
// does not ignore (what `git add .` would take), or with --staged the staged blobs themselves; outside a
// work tree, every file under the given paths.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../args';
import { runGit, splitNul, workTreeRoot } from './gitRun';
import { BlobVerdictCache } from './scanCache';
import { MAX_SCANNED_BYTES, NO_KEYS, scanContent, scanFileAt, type ContentVerdict } from './scanContent';
import { CliError } from '../cliClient';

/** Where a file stands with git: `outside` = not in a work tree; `ignored` = named explicitly but ignored. */
export type GitPlace = 'tracked' | 'untracked' | 'staged' | 'ignored' | 'outside';

export interface ScannedFile {
  /** As shown: relative to the current folder (working tree) or to the repository root (--staged). */
  path: string;
  git: GitPlace;
  verdict: ContentVerdict;
}

/**
 * Working-tree files under `paths` (default: the current folder), each scanned. `cwd` must be the
 * process's folder: files are opened by the relative paths git prints (no path.resolve per file).
 */
export async function scanWorkingTree(cwd: string, paths: readonly string[]): Promise<ScannedFile[]> {
  // -t tags each entry: `? ` untracked (others), `H ` in the index, `C ` modified since (-m, listed again);
  // -s adds "<mode> <blob> <stage>\t" to index entries: the blob id the cache is keyed by.
  const listed = await runGit(cwd, ['ls-files', '-z', '-t', '-s', '-m', '--cached', '--others', '--exclude-standard', '--', ...paths]);
  if (listed.code !== 0) {
    // One git process on the usual path; only a failure pays for asking whether this is a work tree.
    if ((await workTreeRoot(cwd)) === undefined) return walkOutsideGit(paths.length > 0 ? paths : ['.']);
    throw new CliError(`git ls-files failed: ${listed.stderr.trim()}`);
  }
  const untracked: string[] = [];
  const blobs = new Map<string, string | undefined>();
  for (const entry of splitNul(listed.stdout)) {
    if (entry.startsWith('? ')) {
      untracked.push(entry.slice(2));
      continue;
    }
    const tab = entry.indexOf('\t');
    const file = entry.slice(tab + 1);
    const [, blob, stage] = entry.slice(2, tab).split(' ');
    // Modified, or unmerged (several stages): the working tree is not that blob, so no cache for it.
    const cacheable = !entry.startsWith('C ') && stage === '0' && !blobs.has(file);
    blobs.set(file, cacheable ? blob : undefined);
  }
  const cache = BlobVerdictCache.open(cwd);
  const files: ScannedFile[] = [];
  for (const [file, blob] of blobs) {
    if (blob !== undefined && cache.isClean(blob)) {
      files.push({ path: file, git: 'tracked', verdict: NO_KEYS });
      continue;
    }
    const verdict = scanFileAt(file);
    if (blob !== undefined && verdict.kind === 'text' && verdict.keys.length === 0) cache.markClean(blob);
    files.push({ path: file, git: 'tracked', verdict });
  }
  cache.save(paths.length === 0);
  for (const file of untracked) files.push({ path: file, git: 'untracked', verdict: scanFileAt(file) });
  // A file named on the command line is scanned even when git ignores it, so `keysmith scan .env` answers.
  const listedPaths = new Set([...blobs.keys(), ...untracked]);
  for (const named of paths) {
    const relative = path.relative(cwd, path.resolve(cwd, named));
    if (listedPaths.has(relative) || !isFile(relative)) continue;
    files.push({ path: relative, git: 'ignored', verdict: scanFileAt(relative) });
  }
  return files;
}

/** The staged version of each file added, copied, modified or renamed in the index (what the commit takes). */
export async function scanStaged(cwd: string, paths: readonly string[]): Promise<ScannedFile[]> {
  // --raw -z --no-abbrev: ":<old mode> <new mode> <old blob> <new blob> <status>\0<path>\0" per file,
  // repo-relative, with full blob ids (cat-file answers with full ids; abbreviated ones would not match).
  const diff = await runGit(cwd, [
    'diff',
    '--cached',
    '--raw',
    '-z',
    '--no-abbrev',
    '--no-renames',
    '--diff-filter=ACM',
    '--no-ext-diff',
    '--',
    ...paths,
  ]);
  if (diff.code !== 0) {
    if ((await workTreeRoot(cwd)) === undefined) throw new UsageError('scan --staged reads the git index: run it inside a git work tree');
    throw new CliError(`git diff --cached failed: ${diff.stderr.trim()}`);
  }
  const entries = splitNul(diff.stdout);
  const staged: Array<{ path: string; blob: string }> = [];
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const [, newMode, , blob] = entries[i]!.slice(1).split(' ');
    // Submodules (mode 160000) point at commits, not blobs.
    if (blob && newMode !== '160000') staged.push({ path: entries[i + 1]!, blob });
  }
  const sizes = await blobSizes(
    cwd,
    staged.map((file) => file.blob),
  );
  const small = staged.filter((file) => (sizes.get(file.blob) ?? 0) <= MAX_SCANNED_BYTES);
  const contents = await blobContents(
    cwd,
    small.map((file) => file.blob),
  );
  return staged.map((file) => {
    const content = contents.get(file.blob);
    return { path: file.path, git: 'staged' as const, verdict: content ? scanContent(content) : { kind: 'tooLarge' as const } };
  });
}

async function blobSizes(cwd: string, blobs: readonly string[]): Promise<Map<string, number>> {
  if (blobs.length === 0) return new Map();
  const result = await runGit(cwd, ['cat-file', '--batch-check'], `${blobs.join('\n')}\n`);
  const sizes = new Map<string, number>();
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [blob, type, size] = line.split(' ');
    if (blob && type === 'blob') sizes.set(blob, Number(size));
  }
  return sizes;
}

/** `git cat-file --batch` answers "<blob> blob <size>\n<bytes>\n" per blob asked. */
async function blobContents(cwd: string, blobs: readonly string[]): Promise<Map<string, Buffer>> {
  if (blobs.length === 0) return new Map();
  const result = await runGit(cwd, ['cat-file', '--batch'], `${blobs.join('\n')}\n`);
  if (result.code !== 0) throw new CliError(`git cat-file failed: ${result.stderr.trim()}`);
  const contents = new Map<string, Buffer>();
  let at = 0;
  const out = result.stdout;
  while (at < out.length) {
    const headerEnd = out.indexOf(0x0a, at);
    if (headerEnd === -1) break;
    const [blob, type, size] = out.subarray(at, headerEnd).toString('utf8').split(' ');
    at = headerEnd + 1;
    if (type !== 'blob') continue; // "<name> missing": nothing follows the header
    const length = Number(size);
    contents.set(blob!, out.subarray(at, at + length));
    at += length + 1;
  }
  return contents;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Outside git there is no ignore file to honour; .git and node_modules folders are still skipped. */
function walkOutsideGit(roots: readonly string[]): ScannedFile[] {
  const files: ScannedFile[] = [];
  const visit = (relative: string) => {
    let stats;
    try {
      stats = statSync(relative);
    } catch {
      return;
    }
    if (stats.isFile()) files.push({ path: relative, git: 'outside', verdict: scanFileAt(relative) });
    if (!stats.isDirectory()) return;
    for (const entry of readdirSync(relative, { withFileTypes: true })) {
      if (entry.isSymbolicLink() || entry.name === '.git' || entry.name === 'node_modules') continue;
      visit(path.join(relative, entry.name));
    }
  };
  for (const root of roots) visit(root);
  return files;
}
