// The few values of the VS Code API that the editor's problem rules touch (extension/editor/keyProblems.ts
// and the labels it uses), so the diagnostics bench can run that real code in a plain Node process, where
// no `vscode` module exists. Only what those files read is here: severities, `l10n.t` (English, `{n}`
// filled in, as VS Code does without a translation) and the Range/Position/Diagnostic value classes the
// refresh builds. Imported for its effect, before any module that imports `vscode`.
import Module from 'node:module';

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

class Range {
  constructor(
    readonly start: Position,
    readonly end: Position,
  ) {}
}

enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

class Diagnostic {
  source?: string;
  code?: string | number;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}

const l10n = {
  t(message: string, ...args: unknown[]): string {
    return message.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : whole));
  },
};

export const vscodeStandIn = { Position, Range, Diagnostic, DiagnosticSeverity, l10n };

// CommonJS resolution is how tsx loads the bench: answer `require('vscode')` with the stand-in.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStandIn : load.call(this, request, ...rest);
};
