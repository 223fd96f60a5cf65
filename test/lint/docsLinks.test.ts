// The README is a newcomer's first ten minutes: short, and every link in it (and in the docs it leads
// to) must open something in this repository.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const DOCS = [
  'README.md',
  'CHANGELOG.md',
  'docs/API.md',
  'docs/architecture.md',
  'docs/injection.md',
  'docs/scanning.md',
  'bench/README.md',
  'test/reliability/README.md',
  'test/e2e/README.md',
  'daemon/store/README.md',
];

/** Relative link targets of a Markdown file (web links and in-page anchors are not files). */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
}

describe('docs', () => {
  it('keeps the README at 150 lines or fewer', () => {
    const lines = readFileSync(path.join(REPO, 'README.md'), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines <= 150, `README.md has ${lines} lines`);
  });

  for (const doc of DOCS) {
    it(`resolves every relative link in ${doc}`, () => {
      const file = path.join(REPO, doc);
      const broken = relativeLinks(readFileSync(file, 'utf8')).filter((target) => !existsSync(path.resolve(path.dirname(file), target)));
      assert.deepEqual(broken, []);
    });
  }
});
