// Confinement: a target file must resolve, symlinks followed, to a regular file (or a file yet to
// be created) inside the real workspace folder. Anything else is refused before a byte is read.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { KeysmithError } from '../errors';
import { showable } from '../validation/echo';

export interface ResolvedTarget {
  /** The file name as the caller wrote it (for messages and results). */
  file: string;
  /** Real absolute path: where bytes are read and written. */
  real: string;
  exists: boolean;
}

/**
 * The file name as it may appear in a message: no NUL bytes or other control characters, and withheld
 * when it looks like a pasted secret (see validation/echo.ts).
 */
export function shownName(file: string): string {
  return showable(file.replace(/[\u0000-\u001f\u007f]/g, '')) ?? '(name not repeated: it looks like a secret)';
}

function refuse(file: string, why: string): KeysmithError {
  return new KeysmithError('INVALID_TARGET', `The target "${shownName(file)}" ${why}`, { file: shownName(file) });
}

/** The workspace's real path; 400 INVALID_WORKSPACE when it is not an existing absolute folder. */
export async function realWorkspace(workspace: string): Promise<string> {
  const problem = 'must be an existing absolute folder path, e.g. /home/me/project.';
  if (typeof workspace !== 'string' || !path.isAbsolute(workspace) || workspace.includes('\0')) {
    throw new KeysmithError('INVALID_WORKSPACE', `The workspace ${problem}`, { workspace: problem });
  }
  let real: string | undefined;
  try {
    real = await realpath(workspace);
    if (!(await stat(real)).isDirectory()) real = undefined;
  } catch {
    // reported below
  }
  if (real === undefined) throw new KeysmithError('INVALID_WORKSPACE', `The workspace ${problem}`, { workspace: problem });
  // Judged on the real path: `repo/.git`, a folder in it, or a link to it would make git's own files targets.
  if (hasGitSegment(real)) {
    const inGit = "is inside a .git folder (git's own files); give the project folder that contains .git instead.";
    throw new KeysmithError('INVALID_WORKSPACE', `The workspace ${inGit}`, { workspace: inGit });
  }
  return real;
}

/** True when a segment of `relativeOrAbsolute` is `.git`, in any letter case (case-insensitive disks). */
function hasGitSegment(relativeOrAbsolute: string): boolean {
  return relativeOrAbsolute.split(/[\\/]/).some((segment) => segment.toLowerCase() === '.git');
}

export async function resolveTargetFile(workspaceReal: string, file: string): Promise<ResolvedTarget> {
  if (typeof file !== 'string' || file.length === 0)
    throw refuse(String(file ?? ''), 'is empty; give a path relative to the workspace, e.g. config/.env.');
  if (file.includes('\0')) throw refuse(file, 'contains a NUL byte.');
  if (path.isAbsolute(file) || /^[a-zA-Z]:|^[\\/]/.test(file)) {
    throw refuse(file, 'is absolute; give a path relative to the workspace folder, e.g. config/.env.');
  }
  const segments = file.split(/[\\/]/);
  if (segments.includes('..')) throw refuse(file, 'uses ".."; give a path that stays inside the workspace folder.');
  // git's own files (config, hooks) are never a place for a key, whatever a mapping says.
  if (hasGitSegment(file)) throw refuse(file, 'is inside .git; name a config file of the project.');
  const joined = path.resolve(workspaceReal, file);
  if (!isInside(workspaceReal, joined)) throw refuse(file, 'is not a file inside the workspace folder.');

  let link;
  try {
    link = await lstat(joined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw refuse(file, 'cannot be read.');
    return resolveNewFile(workspaceReal, file, joined);
  }
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    throw refuse(
      file,
      link.isSymbolicLink()
        ? 'is a symbolic link to nothing (dangling); remove it or point it at a file in the workspace.'
        : 'cannot be resolved.',
    );
  }
  if (!isInside(workspaceReal, real)) throw refuse(file, 'leads outside the workspace folder through a symbolic link.');
  if (hasGitSegment(path.relative(workspaceReal, real))) throw refuse(file, 'leads into .git through a symbolic link.');
  const info = await stat(real);
  if (info.isDirectory()) throw refuse(file, 'is a folder; name a file inside it.');
  if (!info.isFile()) throw refuse(file, 'is not a regular file (a device, pipe or socket).');
  return { file, real, exists: true };
}

/** A file to create: its folder must already exist, resolved inside the workspace. */
async function resolveNewFile(workspaceReal: string, file: string, joined: string): Promise<ResolvedTarget> {
  let parent: string;
  try {
    parent = await realpath(path.dirname(joined));
  } catch {
    throw refuse(file, 'is in a folder that does not exist; create the folder first.');
  }
  if (!isInside(workspaceReal, parent) && parent !== workspaceReal) {
    throw refuse(file, 'leads outside the workspace folder through a symbolic link.');
  }
  if (hasGitSegment(path.relative(workspaceReal, parent))) throw refuse(file, 'leads into .git through a symbolic link.');
  if (!(await stat(parent)).isDirectory()) throw refuse(file, 'is under something that is not a folder.');
  return { file, real: path.join(parent, path.basename(joined)), exists: false };
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}
