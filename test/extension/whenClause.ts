// Evaluates package.json's `when` clauses (menus, welcome views) against the context keys the
// extension set and a row's contextValue, so a test asks "would VS Code show this item?" from the
// manifest a user's VS Code reads, not from a copy of its logic. VS Code has no API to ask that.
// Covers the grammar the manifest uses: `&&`, `||`, `!`, parentheses, `==`, `!=` and `=~ /regex/`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export type WhenContext = Record<string, string | boolean | undefined>;

const TOKEN = /\s*(&&|\|\||==|!=|=~|!|\(|\)|\/(?:\\.|[^/\\])+\/[a-z]*|'[^']*'|[\w.:-]+)/y;

export function evaluateWhen(clause: string, context: WhenContext): boolean {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < clause.trimEnd().length) {
    const match = TOKEN.exec(clause);
    assert.ok(match, `unsupported when clause at ${TOKEN.lastIndex}: ${clause}`);
    tokens.push(match[1]!);
  }
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++]!;
  const valueOf = (name: string) => context[name];
  const or = (): boolean => {
    let result = and();
    while (peek() === '||') {
      next();
      result = and() || result;
    }
    return result;
  };
  const and = (): boolean => {
    let result = unary();
    while (peek() === '&&') {
      next();
      result = unary() && result;
    }
    return result;
  };
  const unary = (): boolean => {
    if (peek() === '!') {
      next();
      return !unary();
    }
    if (peek() === '(') {
      next();
      const result = or();
      assert.equal(next(), ')', `unbalanced parentheses in ${clause}`);
      return result;
    }
    const name = next();
    const operator = peek();
    if (operator === '==' || operator === '!=') {
      next();
      const equal = String(valueOf(name)) === next().replace(/^'|'$/g, '');
      return operator === '==' ? equal : !equal;
    }
    if (operator === '=~') {
      next();
      const literal = next();
      const slash = literal.lastIndexOf('/');
      return new RegExp(literal.slice(1, slash), literal.slice(slash + 1)).test(String(valueOf(name) ?? ''));
    }
    return Boolean(valueOf(name));
  };
  const result = or();
  assert.equal(at, tokens.length, `unparsed tail in when clause: ${clause}`);
  return result;
}

interface Manifest {
  contributes: {
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
  };
}

export function readManifest(extensionPath: string): Manifest {
  return JSON.parse(readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as Manifest;
}

/** Whether `menu` (e.g. `view/item/context`) shows `command` in this context. */
export function menuShows(manifest: Manifest, menu: string, command: string, context: WhenContext): boolean {
  const items = (manifest.contributes.menus[menu] ?? []).filter((item) => item.command === command);
  assert.ok(items.length, `${menu} has no ${command}`);
  return items.some((item) => evaluateWhen(item.when ?? 'true', { true: true, ...context }));
}

/** The `contents` keys (e.g. `%welcome.verifyOnly%`) of the welcome views `view` shows in this context. */
export function welcomeShown(manifest: Manifest, view: string, context: WhenContext): string[] {
  return manifest.contributes.viewsWelcome
    .filter((welcome) => welcome.view === view && evaluateWhen(welcome.when ?? 'true', { true: true, ...context }))
    .map((welcome) => welcome.contents);
}
