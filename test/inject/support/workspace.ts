// Real temp folders for the injection tests, and key material built at run time (no secret-looking
// literal is ever committed).
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { InjectMaterial } from '../../../daemon/inject';
import { makeTempDir, removeDir } from '../../support/tempDirs';

export interface TempWorkspace {
  root: string;
  /** A sibling folder outside the workspace, for escape attempts. */
  outside: string;
  at(relative: string): string;
  write(relative: string, text: string | Buffer, mode?: number): Promise<string>;
  cleanup(): Promise<void>;
}

export async function tempWorkspace(): Promise<TempWorkspace> {
  const base = await makeTempDir('inject');
  const root = path.join(base, 'workspace');
  const outside = path.join(base, 'outside');
  execFileSync('mkdir', ['-p', root, outside]);
  return {
    root,
    outside,
    at: (relative) => path.join(root, relative),
    async write(relative, text, mode = 0o644) {
      const file = path.join(root, relative);
      await writeFile(file, text);
      await chmod(file, mode);
      return file;
    },
    cleanup: () => removeDir(base),
  };
}

export interface FileState {
  bytes: Buffer;
  mode: number;
}

export async function fileState(file: string): Promise<FileState> {
  return { bytes: await readFile(file), mode: (await stat(file)).mode & 0o7777 };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(length: number): string {
  return [...randomBytes(length)].map((b) => BASE62[b % 62]).join('');
}

export function testMaterial(): InjectMaterial & { authorization: string } {
  const reference = `ref${base62(12)}`;
  const secret = `ks_${'test'}_${base62(38)}`;
  return { reference, secret, authorization: `Basic ${Buffer.from(`${reference}:${secret}`).toString('base64')}` };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
  });
}
