// Remembers which git blobs hold no Keysmith key, so a repeated scan reads only what changed: a file git
// reports unmodified has exactly its index blob's content, and a blob id names its content for good.
// Only key-free blobs are remembered (a file with a key is always read and looked up again). The cache
// lives in the repository's git folder, holds blob ids only, and is rewritten only when it changes.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Bump when recognition changes what it finds: an older cache then starts empty. */
const CACHE_HEADER = 'keysmith-scan-cache v1\n';
const CACHE_FILE = 'keysmith-scan-cache';

export class BlobVerdictCache {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly file: string | undefined,
    private readonly clean: ReadonlySet<string>,
  ) {}

  /** The cache of the repository holding `cwd`; an empty one that never writes when there is none. */
  static open(cwd: string): BlobVerdictCache {
    const gitDir = findGitDir(cwd);
    if (!gitDir) return new BlobVerdictCache(undefined, new Set());
    const file = path.join(gitDir, CACHE_FILE);
    let clean = new Set<string>();
    try {
      const text = readFileSync(file, 'latin1');
      if (text.startsWith(CACHE_HEADER)) clean = new Set(text.slice(CACHE_HEADER.length).split('\n').filter(Boolean));
    } catch {
      /* no cache yet */
    }
    return new BlobVerdictCache(file, clean);
  }

  isClean(blob: string): boolean {
    if (!this.clean.has(blob)) return false;
    this.seen.add(blob);
    return true;
  }

  markClean(blob: string): void {
    this.seen.add(blob);
  }

  /**
   * After a whole-tree scan (`replace`), keeps only the blobs seen in it, so the file does not grow with
   * history; after a scan of some paths, adds to what is known. Best effort.
   */
  save(replace: boolean): void {
    if (!this.file) return;
    const kept = replace ? this.seen : new Set([...this.clean, ...this.seen]);
    if (kept.size === this.clean.size && [...kept].every((blob) => this.clean.has(blob))) return;
    try {
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, CACHE_HEADER + [...kept].join('\n') + '\n');
      renameSync(temp, this.file);
    } catch {
      /* a read-only repository: the next scan just reads every file again */
    }
  }
}

/** The git folder of the work tree holding `cwd` (a `.git` folder, or the `gitdir:` a `.git` file names). */
function findGitDir(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      return pointer ? path.resolve(dir, pointer[1]!.trim()) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}
