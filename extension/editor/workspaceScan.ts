// keysmith.scanWorkspace: the `keysmith scan` of the CLI, from the palette, with its findings in the
// Problems panel under the same rules as open files. Every file under the workspace folders is read
// here (node_modules and .git skipped; git-ignored files too, as an open one would be: a dead key
// there still deserves a warning), keys recognized and hashed locally and named by the daemon by hash.
// Git is asked only about the few files holding a key, so nested repositories get their own answer.
// Open files are left to the live diagnostics (keyDiagnostics.ts), so a file is never reported twice.
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { recognizeKeys, type RecognizedKey } from '../../common/keyRecognition';
import type { KeyView } from '../../daemon/protocol';
import type { DaemonClient } from '../client';
import type { DocumentKey, DocumentKeysEntry } from './documentKeys';
import { gitPlaceOf, type FileGitPlace } from './gitPlace';
import { keyProblem } from './keyProblems';
import { mappedEnvironmentsOf, type MappedEnvironments } from './mappedEnvironments';

const MAX_SCANNED_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 50_000;

export interface WorkspaceScanResult {
  files: number;
  keys: number;
  problems: number;
}

interface FoundIn {
  file: string;
  git: FileGitPlace;
  mapped: MappedEnvironments;
  keys: RecognizedKey[];
}

export class WorkspaceScan implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('keysmith-scan');
  private readonly subscription = vscode.workspace.onDidOpenTextDocument((document) => this.collection.delete(document.uri));

  constructor(
    private readonly client: DaemonClient,
    private readonly warningDays: () => number,
  ) {}

  async run(folders: readonly string[]): Promise<WorkspaceScanResult> {
    const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.fsPath));
    const found: FoundIn[] = [];
    let files = 0;
    for (const folder of folders) {
      for (const file of await filesUnder(folder)) {
        if (open.has(file)) continue;
        files += 1;
        const keys = await keysIn(file);
        if (keys.length > 0) found.push({ file, git: await gitPlaceOf(file), mapped: await mappedEnvironmentsOf(file), keys });
      }
    }
    const hashes = [...new Set(found.flatMap((entry) => entry.keys.map((key) => key.hash)))];
    let views = new Map<string, KeyView>();
    let daemonAnswered = true;
    try {
      views = new Map((await this.client.lookupKeys(hashes)).map(({ hash, key }) => [hash, key]));
    } catch {
      daemonAnswered = false; // keys are then reported only where their place alone is a problem
    }
    this.collection.clear();
    let problems = 0;
    for (const entry of found) {
      const documentKeys: DocumentKey[] = entry.keys.map((key) => ({
        range: new vscode.Range(key.line - 1, key.column - 1, key.line - 1, key.column - 1 + key.end - key.start),
        found: key,
        view: views.get(key.hash),
      }));
      const model: DocumentKeysEntry = { version: 0, keys: documentKeys, git: entry.git, mapped: entry.mapped, daemonAnswered };
      const diagnostics = documentKeys.flatMap((key) => {
        const problem = keyProblem(key, model, this.warningDays());
        if (!problem) return [];
        const diagnostic = new vscode.Diagnostic(key.range, problem.message, problem.severity);
        diagnostic.source = 'Keysmith';
        diagnostic.code = problem.code;
        return [diagnostic];
      });
      problems += diagnostics.length;
      if (diagnostics.length > 0) this.collection.set(vscode.Uri.file(entry.file), diagnostics);
    }
    return { files, keys: found.reduce((sum, entry) => sum + entry.keys.length, 0), problems };
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}

/**
 * Every regular file under `folder`, skipping node_modules and .git folders and symbolic links (a walk
 * of our own: the editor's file search may apply search settings a scan must not depend on).
 */
export async function filesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  const pending = [folder];
  while (pending.length > 0 && files.length < MAX_FILES) {
    const dir = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      if (entry.isDirectory()) pending.push(path.join(dir, entry.name));
      else if (entry.isFile()) files.push(path.join(dir, entry.name));
    }
  }
  return files.slice(0, MAX_FILES);
}

/** Text files up to the cap; binary (a NUL in the first 8,000 bytes) and unreadable files hold none. */
export async function keysIn(file: string): Promise<RecognizedKey[]> {
  try {
    const content = await readFile(file);
    if (content.length > MAX_SCANNED_BYTES || content.subarray(0, 8000).includes(0)) return [];
    if (!content.includes('_live_') && !content.includes('_test_')) return [];
    return recognizeKeys(content.toString('utf8'));
  } catch {
    return [];
  }
}
