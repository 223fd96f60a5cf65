// Evaluates the subset of VS Code's `when` clause language package.json uses (`!`, `&&`, `||`,
// parentheses, `==`, `!=`, `=~ /regex/`, bare keys), so tests can ask what a menu shows for a given
// role and row without a VS Code. `&&` binds tighter than `||`, as in VS Code. Anything outside the
// subset throws: a manifest that grows a new construct fails the test instead of being misread.
export type Context = Record<string, string | boolean | undefined>;

type Token = { kind: 'op'; value: string } | { kind: 'regex'; value: RegExp } | { kind: 'word'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(&&|\|\||==|!=|=~|!|\(|\))/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', value: op[1]! });
      i += op[1]!.length;
      // After =~ comes a regex literal, which may hold any of the operator characters.
      if (op[1] === '=~') {
        const literal = /^\s*\/((?:\\.|[^/\\])*)\/([a-z]*)/.exec(source.slice(i));
        if (!literal) throw new Error(`regex expected after =~ in: ${source}`);
        tokens.push({ kind: 'regex', value: new RegExp(literal[1]!, literal[2]) });
        i += literal[0].length;
      }
      continue;
    }
    const word = /^[^\s()!=&|]+/.exec(rest);
    if (!word) throw new Error(`cannot read "${rest}" in: ${source}`);
    tokens.push({ kind: 'word', value: word[0] });
    i += word[0].length;
  }
  return tokens;
}

export function evaluateWhen(source: string, context: Context): boolean {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()!.value === value;

  const or = (): boolean => {
    let value = and();
    while (isOp('||')) {
      take();
      const right = and();
      value = value || right;
    }
    return value;
  };
  const and = (): boolean => {
    let value = unary();
    while (isOp('&&')) {
      take();
      const right = unary();
      value = value && right;
    }
    return value;
  };
  const unary = (): boolean => {
    if (isOp('!')) {
      take();
      return !unary();
    }
    if (isOp('(')) {
      take();
      const value = or();
      if (!isOp(')')) throw new Error(`missing ) in: ${source}`);
      take();
      return value;
    }
    const key = take();
    if (key?.kind !== 'word') throw new Error(`key expected in: ${source}`);
    const actual = context[key.value];
    if (isOp('==') || isOp('!=')) {
      const negate = take()!.value === '!=';
      const expected = take();
      if (expected?.kind !== 'word') throw new Error(`value expected in: ${source}`);
      const equal = String(actual) === expected.value;
      return negate ? !equal : equal;
    }
    if (isOp('=~')) {
      take();
      const regex = take();
      if (regex?.kind !== 'regex') throw new Error(`regex expected in: ${source}`);
      return typeof actual === 'string' && regex.value.test(actual);
    }
    return Boolean(actual);
  };

  const result = or();
  if (position !== tokens.length) throw new Error(`unexpected "${JSON.stringify(peek())}" in: ${source}`);
  return result;
}
