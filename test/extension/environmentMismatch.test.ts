// A test key in a file `.vscode/keysmith.json` maps for production (or the reverse) is a Warning that
// names the key, its service and environment, never the secret; it goes when the mapping changes.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Environment } from '../../daemon/protocol';
import { useGitRepoInWorkspace } from './gitRepoInWorkspace';
import { createKey, enabledService, eventually, keysmith } from './helpers';

const REPO = 'mismatch-test-repo';

describe('Keys of the other environment than their file is mapped for', () => {
  // Ignored by git: a production key here is not also the "would be committed" error.
  const { open } = useGitRepoInWorkspace(REPO, '*.env\n');
  const mappingFile = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'keysmith.json');
  afterEach(() => fs.rm(mappingFile(), { force: true }));

  async function mapFile(serviceId: string, environment: Environment, file: string): Promise<void> {
    await fs.mkdir(path.dirname(mappingFile()), { recursive: true });
    const mapping = { serviceId, environment, targets: [{ file, path: 'API_KEY', value: 'secret' }] };
    await fs.writeFile(mappingFile(), JSON.stringify({ mappings: [mapping] }, null, 2));
  }
  const problems = (document: vscode.TextDocument) =>
    vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'Keysmith' && d.code === 'environmentMismatch');

  it('warns about a test key in a production-mapped file, naming the key, and the warning goes when the mapping says test', async () => {
    const ks = await keysmith();
    const { key, secret } = await createKey(ks, 'test');
    const service = await enabledService(ks, false, true);
    assert.equal(service.id, key.serviceId);
    await mapFile(key.serviceId, 'production', `./${REPO}/app.env`);
    const document = await open('app.env', `A=1\nAPI_KEY=${secret.secret}\n`);
    const [problem, ...more] = problems(document);
    assert.ok(problem, 'no environment-mismatch warning');
    assert.equal(more.length, 0);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(problem.range.start.line, 1);
    assert.equal(
      problem.message,
      `Key "${key.name}" (${service.name}, test) is in a file that .vscode/keysmith.json maps for production keys of ${service.name}.`,
    );
    assert.ok(!problem.message.includes(secret.secret));

    await mapFile(key.serviceId, 'test', `${REPO}/app.env`);
    await eventually(() => problems(document).length === 0, 'the warning to go once the file is mapped for test');
  });

  it('warns about a production key in a test-mapped file, and not about a file mapped for another service only', async () => {
    const ks = await keysmith();
    const production = await createKey(ks, 'production');
    await mapFile(production.key.serviceId, 'test', `${REPO}/prod.env`);
    const document = await open('prod.env', `API_KEY=${production.secret.secret}\n`);
    const [problem] = problems(document);
    const all = vscode.languages.getDiagnostics(document.uri).map((d) => `${String(d.code)}: ${d.message}`);
    assert.ok(problem, `no environment-mismatch warning among ${JSON.stringify(all)}`);
    assert.match(problem.message, new RegExp(`^Key "${production.key.name}" \\(.+, production\\) is in a file that .* maps for test keys`));

    await mapFile(`${production.key.serviceId}-other`, 'test', `${REPO}/prod.env`);
    await eventually(() => problems(document).length === 0, 'no warning for a mapping of another service');
  });
});
