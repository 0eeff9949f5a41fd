import { AppError } from '../errors';

/** Tokens of JSONata text with their exact spans, so any sub-expression can be kept verbatim. */
export type TokenKind = 'string' | 'number' | 'name' | 'variable' | 'operator' | 'regex' | 'end';

export interface Token {
  kind: TokenKind;
  /** Decoded value: string contents, number, field name, variable name without `$`, operator text. */
  value: string | number;
  start: number;
  end: number;
  /** Back-quoted names are never keywords. */
  quoted?: boolean;
}

const twoCharOperators = ['..', ':=', '!=', '>=', '<=', '**', '~>', '?:', '??'];
const singleCharOperators = new Set('.[]{}(),@#;:?+-*/%|=<>^&!~'.split(''));
const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseError(message: string, position: number): AppError {
  return new AppError('E_MAPPING_PARSE', `${message} (at ${position})`, { position });
}

export class Lexer {
  private position = 0;

  constructor(private readonly text: string) {}

  get offset(): number {
    return this.position;
  }

  reset(offset: number): void {
    this.position = offset;
  }

  next(): Token {
    this.skipSpaceAndComments();
    const text = this.text;
    const start = this.position;
    if (start >= text.length) return { kind: 'end', value: '', start, end: start };
    const char = text[start] as string;
    if (char === '"' || char === "'") return this.readString(char, start);
    if (char === '`') {
      const close = text.indexOf('`', start + 1);
      if (close < 0) throw parseError('Unterminated quoted name', start);
      this.position = close + 1;
      return { kind: 'name', value: text.slice(start + 1, close), start, end: close + 1, quoted: true };
    }
    const number = /^(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?/.exec(text.slice(start, start + 400));
    if (number) {
      this.position = start + number[0].length;
      return { kind: 'number', value: Number(number[0]), start, end: this.position };
    }
    const pair = text.slice(start, start + 2);
    if (twoCharOperators.includes(pair)) {
      this.position = start + 2;
      return { kind: 'operator', value: pair, start, end: start + 2 };
    }
    if (singleCharOperators.has(char)) {
      this.position = start + 1;
      return { kind: 'operator', value: char, start, end: start + 1 };
    }
    let end = start;
    while (end < text.length && !singleCharOperators.has(text[end] as string) && !/\s/.test(text[end] as string)) {
      if (end > start && (text[end] === '"' || text[end] === "'" || text[end] === '`')) break;
      end += 1;
    }
    this.position = end;
    const word = text.slice(start, end);
    if (word.startsWith('$')) return { kind: 'variable', value: word.slice(1), start, end };
    return { kind: 'name', value: word, start, end };
  }

  /** Called by the parser where an operand is expected and a `/` was read: a regular expression. */
  readRegex(slashStart: number): Token {
    const text = this.text;
    let index = slashStart + 1;
    let depth = 0;
    while (index < text.length) {
      const char = text[index];
      if (char === '\\') index += 1;
      else if (char === '[') depth += 1;
      else if (char === ']' && depth > 0) depth -= 1;
      else if (char === '/' && depth === 0) break;
      index += 1;
    }
    if (index >= text.length) throw parseError('Unterminated regular expression', slashStart);
    index += 1;
    while (index < text.length && /[imgsuy]/.test(text[index] as string)) index += 1;
    this.position = index;
    return { kind: 'regex', value: text.slice(slashStart, index), start: slashStart, end: index };
  }

  private skipSpaceAndComments(): void {
    const text = this.text;
    for (;;) {
      while (this.position < text.length && /\s/.test(text[this.position] as string)) this.position += 1;
      if (text.startsWith('/*', this.position)) {
        const close = text.indexOf('*/', this.position + 2);
        if (close < 0) throw parseError('Unterminated comment', this.position);
        this.position = close + 2;
      } else {
        return;
      }
    }
  }

  private readString(quote: string, start: number): Token {
    const text = this.text;
    let value = '';
    let index = start + 1;
    while (index < text.length) {
      const char = text[index] as string;
      if (char === quote) {
        this.position = index + 1;
        return { kind: 'string', value, start, end: index + 1 };
      }
      if (char === '\\') {
        const escape = text[index + 1] ?? '';
        if (escape === 'u') {
          const hex = text.slice(index + 2, index + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw parseError('Bad unicode escape', index);
          value += String.fromCharCode(parseInt(hex, 16));
          index += 6;
          continue;
        }
        const decoded = escapes[escape];
        if (decoded === undefined) throw parseError(`Unknown escape \\${escape}`, index);
        value += decoded;
        index += 2;
        continue;
      }
      value += char;
      index += 1;
    }
    throw parseError('Unterminated string', start);
  }
}
