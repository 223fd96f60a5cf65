// Where and why a JSON text does not parse, for a person fixing the file. V8's own messages either give
// no position or quote a piece of the text (which could be a hash or a sealed secret), so the
// position comes from jsonc-parser in strict mode and the reason is described without quoting.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { CorruptionDetail } from '../errors';

const REASONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  ValueExpected: 'a value was expected',
  PropertyNameExpected: 'a property name was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'unexpected content after the end of the JSON',
  UnexpectedEndOfString: 'a string is not closed',
  InvalidCharacter: 'invalid character inside a string',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidUnicode: 'invalid unicode escape in a string',
  UnexpectedEndOfComment: 'comments are not allowed',
  InvalidCommentToken: 'comments are not allowed',
};

/** Call after JSON.parse(text) failed. */
export function describeJsonSyntaxError(text: string): CorruptionDetail {
  if (text.trim() === '') return { reason: `the file is empty (${Buffer.byteLength(text)} bytes)` };
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return { reason: 'it is not valid JSON' };
  const truncated = first.offset >= text.trimEnd().length;
  const code = printParseErrorCode(first.error);
  const reason = truncated ? 'the JSON ends too early (truncated file?)' : (REASONS[code] ?? code);
  return { reason, position: positionOf(text, first.offset) };
}

function positionOf(text: string, charOffset: number): NonNullable<CorruptionDetail['position']> {
  const before = text.slice(0, charOffset);
  const line = before.split('\n').length;
  const column = charOffset - before.lastIndexOf('\n');
  return { offset: Buffer.byteLength(before), line, column };
}
