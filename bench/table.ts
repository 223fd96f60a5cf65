// Markdown tables for the bench output: the lead pastes them into the README as printed.
export type Row = Record<string, string | number>;

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  return String(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A markdown table whose columns are `columns`, or the union of the rows' keys in first-seen order. */
export function markdownTable(rows: readonly Row[], columns?: readonly string[]): string {
  const names = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (names.length === 0) return '_(no rows)_';
  const lines = [
    `| ${names.map(cell).join(' | ')} |`,
    `| ${names.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${names.map((name) => cell(row[name])).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** A titled section: heading, one sentence of context, the table, and notes underneath. */
export function section(title: string, intro: string, rows: readonly Row[], notes: readonly string[] = []): string {
  const parts = [`### ${title}`, '', intro, '', markdownTable(rows)];
  if (notes.length > 0) parts.push('', ...notes.map((note) => `- ${note}`));
  return `${parts.join('\n')}\n`;
}
