// The .gitignore line that ignores exactly one file, given its path relative to the folder holding
// that .gitignore. Shared by the daemon's warning and the extension's "Add to .gitignore" action so
// the line suggested is the line written.

/** `/config/.env` for `config/.env`: anchored to the folder, with git's pattern characters escaped. */
export function gitignoreLine(relativeFile: string): string {
  const escaped = relativeFile
    .split('\\')
    .join('/')
    .replace(/[*?[\]\\]/g, (c) => `\\${c}`)
    // Trailing spaces are dropped by git unless escaped.
    .replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return `/${escaped}`;
}
