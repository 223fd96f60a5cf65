// Independent readers used as oracles by the property tests: each reads a file the way its usual
// consumer does (dotenv, java.util.Properties, a typical INI reader, .NET appSettings), written
// from the format's rules rather than from the writers' code.

/** dotenv 16's parse, line for line. */
export function readDotenv(src: string): Record<string, string> {
  const LINE =
    /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
  const obj: Record<string, string> = {};
  const lines = src.replace(/\r\n?/gm, '\n');
  let match;
  while ((match = LINE.exec(lines)) != null) {
    let value = (match[2] || '').trim();
    const maybeQuote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (maybeQuote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    obj[match[1]!] = value;
  }
  return obj;
}

/** java.util.Properties.load. */
export function readProperties(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: Record<string, string> = {};
  const trimStart = (s: string) => s.replace(/^[ \t\f]+/, '');
  const oddSlashes = (s: string) => /\\*$/.exec(s)![0].length % 2 === 1;
  for (let i = 0; i < lines.length; i++) {
    let line = trimStart(lines[i]!);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (oddSlashes(line)) {
      line = line.slice(0, -1);
      if (i + 1 >= lines.length) break;
      line += trimStart(lines[++i]!);
    }
    let k = 0;
    while (k < line.length && !'=: \t\f'.includes(line[k]!)) k += line[k] === '\\' ? 2 : 1;
    const keyRaw = line.slice(0, k);
    let v = k;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    if (line[v] === '=' || line[v] === ':') v++;
    while (v < line.length && ' \t\f'.includes(line[v]!)) v++;
    out[unescapeJava(keyRaw)] = unescapeJava(line.slice(v));
  }
  return out;
}

function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) =>
    e.length === 5
      ? String.fromCharCode(parseInt(e.slice(1), 16))
      : (({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[e] ?? e),
  );
}

/** INI as most readers take it: sections, `=` or `:`, inline comments after blanks, quotes stripped. */
export function readIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { '': {} };
  let section = '';
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line[0] === ';' || line[0] === '#') continue;
    const header = /^\[(.*)\]$/.exec(line.replace(/\s+[;#].*$/, ''));
    if (header) {
      section = header[1]!.trim();
      out[section] ??= {};
      continue;
    }
    const sep = line.search(/[=:]/);
    if (sep === -1) continue;
    const key = line.slice(0, sep).trim();
    let value = line.slice(sep + 1).trim();
    const quoted = /^(["'])(.*?)\1/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+[;#].*$/, '').trim();
    out[section]![key] = value;
  }
  return out;
}

/** appSettings `add` entries as .NET's ConfigurationManager.AppSettings sees them (last wins). */
export function readAppSettings(text: string): Record<string, string> {
  const settings = /<appSettings>([\s\S]*?)<\/appSettings>/.exec(text.replace(/<!--[\s\S]*?-->/g, ''))?.[1] ?? '';
  const out: Record<string, string> = {};
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}\\s*=\\s*(["'])([\\s\\S]*?)\\1`).exec(tag);
    return m ? decodeEntities(m[2]!) : undefined;
  };
  for (const [tag] of settings.matchAll(/<add\b[^>]*>/g)) {
    const key = attr(tag, 'key');
    if (key !== undefined) out[key] = attr(tag, 'value') ?? '';
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, r: string) => {
    if (r[0] === '#') return String.fromCodePoint(r[1] === 'x' ? parseInt(r.slice(2), 16) : parseInt(r.slice(1), 10));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[r]!;
  });
}
