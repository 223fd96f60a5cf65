// The format guessed from a target's file name.
import assert from 'node:assert/strict';
import { formatForFile } from '../../daemon/inject/formats';

describe('format from the file name', function () {
  const cases: Array<[string, string | undefined]> = [
    ['.env', 'env'],
    ['.env.local', 'env'],
    ['config/.env.production', 'env'],
    ['app.env', 'env'],
    ['appsettings.json', 'json'],
    ['.vscode/settings.jsonc', 'jsonc'],
    ['docker-compose.yml', 'yaml'],
    ['app.YAML', 'yaml'],
    ['src/main/resources/application.properties', 'properties'],
    ['php.ini', 'ini'],
    ['setup.cfg', 'ini'],
    ['kit.conf', 'ini'],
    ['pyproject.toml', 'toml'],
    ['Web.config', 'xml'],
    ['App.config', 'xml'],
    ['settings.xml', 'xml'],
    ['README.md', undefined],
    ['environment', undefined],
  ];
  for (const [file, format] of cases) {
    it(`reads "${file}" as ${format ?? 'unknown'}`, function () {
      assert.equal(formatForFile(file), format);
    });
  }
});
