import { Lexer, parseError, type Token } from './syntax-tokens';

/**
 * A concrete syntax tree of JSONata with exact spans. jsonata's own AST is desugared and its
 * positions mark token ends, which cannot cut out a sub-expression verbatim; this tree can.
 * It accepts the whole grammar loosely (text is first checked by jsonata itself).
 */
interface Span {
  start: number;
  end: number;
}

export type Syntax = Span &
  (
    | { kind: 'string'; value: string }
    | { kind: 'number'; value: number }
    | { kind: 'value'; value: boolean | null }
    | { kind: 'name'; value: string }
    | { kind: 'variable'; value: string }
    | { kind: 'regex'; value: string }
    | { kind: 'symbol'; value: string }
    | { kind: 'binary'; operator: string; left: Syntax; right: Syntax }
    | { kind: 'prefix'; operator: string; operand: Syntax }
    | { kind: 'condition'; condition: Syntax; then: Syntax; else?: Syntax }
    | { kind: 'call'; callee: Syntax; args: Syntax[] }
    | { kind: 'object'; entries: { key: Syntax; value: Syntax }[]; target?: Syntax }
    | { kind: 'array'; items: Syntax[] }
    | { kind: 'predicate'; target: Syntax; index?: Syntax }
    | { kind: 'block'; expressions: Syntax[] }
    | { kind: 'lambda'; params: Syntax[]; body: Syntax }
    | { kind: 'transform'; parts: Syntax[] }
    | { kind: 'sort'; target: Syntax; terms: Syntax[] }
  );

const infixPower: Record<string, number> = {
  '.': 75,
  '[': 80,
  '{': 70,
  '(': 80,
  '@': 80,
  '#': 80,
  '?': 20,
  '+': 50,
  '-': 50,
  '*': 60,
  '/': 60,
  '%': 60,
  '=': 40,
  '<': 40,
  '>': 40,
  '^': 40,
  '**': 60,
  '..': 20,
  ':=': 10,
  '!=': 40,
  '<=': 40,
  '>=': 40,
  '~>': 40,
  '?:': 40,
  '??': 40,
  and: 30,
  or: 25,
  in: 40,
  '&': 50,
};

/** Binding power of a tree's top node, for deciding where parentheses are needed. */
export function syntaxPrecedence(node: Syntax): number {
  switch (node.kind) {
    case 'binary':
      return node.operator === '??' || node.operator === '?:' ? 20 : (infixPower[node.operator] ?? 0);
    case 'condition':
      return 20;
    case 'prefix':
      return 70;
    default:
      return 100;
  }
}

export function parseSyntax(text: string): Syntax {
  const parser = new SyntaxParser(text);
  const tree = parser.expression(0);
  const rest = parser.peek();
  if (rest.kind !== 'end') throw parseError(`Unexpected "${String(rest.value)}"`, rest.start);
  return tree;
}

class SyntaxParser {
  private readonly lexer: Lexer;
  private lookahead: Token | undefined;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  take(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  expect(operator: string): Token {
    const token = this.take();
    if (token.kind !== 'operator' || token.value !== operator) throw parseError(`Expected "${operator}"`, token.start);
    return token;
  }

  private isOperator(token: Token, ...values: string[]): boolean {
    return token.kind === 'operator' && values.includes(token.value as string);
  }

  private infixOperator(token: Token): string | undefined {
    if (token.kind === 'operator') return token.value as string;
    if (
      token.kind === 'name' &&
      !token.quoted &&
      (token.value === 'and' || token.value === 'or' || token.value === 'in')
    ) {
      return token.value;
    }
    return undefined;
  }

  expression(rightPower: number): Syntax {
    let left = this.prefix();
    for (;;) {
      const operator = this.infixOperator(this.peek());
      if (operator === undefined) return left;
      const power = infixPower[operator];
      if (power === undefined || power <= rightPower) return left;
      this.take();
      left = this.infix(operator, power, left);
    }
  }

  /**
   * Items up to `close`. A block may end its last expression with `;` too (`(1; 2;)`), as
   * jsonata's parser allows; argument and array lists may not.
   */
  private list(close: string, separator = ',', item: () => Syntax = () => this.expression(0)): Syntax[] {
    const items: Syntax[] = [];
    if (this.isOperator(this.peek(), close)) {
      this.take();
      return items;
    }
    for (;;) {
      items.push(item());
      const token = this.take();
      if (this.isOperator(token, close)) return items;
      if (!this.isOperator(token, separator)) throw parseError(`Expected "${separator}" or "${close}"`, token.start);
      if (separator === ';' && this.isOperator(this.peek(), close)) {
        this.take();
        return items;
      }
    }
  }

  /** A sort term: an expression, with `<` (ascending) or `>` (descending) before it (`orders^(>date)`). */
  private sortTerm(): Syntax {
    const token = this.peek();
    if (!this.isOperator(token, '<', '>')) return this.expression(0);
    this.take();
    const operand = this.expression(0);
    return { kind: 'prefix', operator: token.value as string, operand, start: token.start, end: operand.end };
  }

  private objectEntries(): { key: Syntax; value: Syntax }[] {
    const entries: { key: Syntax; value: Syntax }[] = [];
    if (this.isOperator(this.peek(), '}')) {
      this.take();
      return entries;
    }
    for (;;) {
      const key = this.expression(0);
      this.expect(':');
      const value = this.expression(0);
      entries.push({ key, value });
      const token = this.take();
      if (this.isOperator(token, '}')) return entries;
      if (!this.isOperator(token, ',')) throw parseError('Expected "," or "}"', token.start);
    }
  }

  private prefix(): Syntax {
    const token = this.take();
    const { start, end } = token;
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value as string, start, end };
      case 'number':
        return { kind: 'number', value: token.value as number, start, end };
      case 'variable':
        return { kind: 'variable', value: token.value as string, start, end };
      case 'end':
        throw parseError('Unexpected end of expression', start);
      case 'name':
        return this.namePrefix(token);
      default:
        break;
    }
    const operator = token.value as string;
    if (operator === '-') {
      const operand = this.expression(70);
      if (operand.kind === 'number') return { kind: 'number', value: -operand.value, start, end: operand.end };
      return { kind: 'prefix', operator, operand, start, end: operand.end };
    }
    if (operator === '(') {
      const expressions = this.list(')', ';');
      return { kind: 'block', expressions, start, end: this.lastEnd() };
    }
    if (operator === '[') {
      const items = this.list(']');
      return { kind: 'array', items, start, end: this.lastEnd() };
    }
    if (operator === '{') {
      const entries = this.objectEntries();
      return { kind: 'object', entries, start, end: this.lastEnd() };
    }
    if (operator === '/') {
      this.lookahead = undefined;
      const regex = this.lexer.readRegex(start);
      return { kind: 'regex', value: regex.value as string, start, end: regex.end };
    }
    if (operator === '|') {
      const parts: Syntax[] = [this.expression(0)];
      this.expect('|');
      parts.push(this.expression(0));
      if (this.isOperator(this.peek(), ',')) {
        this.take();
        parts.push(this.expression(0));
      }
      const close = this.expect('|');
      return { kind: 'transform', parts, start, end: close.end };
    }
    if (operator === '*' || operator === '**' || operator === '%' || operator === '?') {
      return { kind: 'symbol', value: operator, start, end };
    }
    throw parseError(`Unexpected "${operator}"`, start);
  }

  private lastEnd(): number {
    return this.lexer.offset;
  }

  private namePrefix(token: Token): Syntax {
    const { start, end } = token;
    const value = token.value as string;
    if (!token.quoted) {
      if (value === 'true' || value === 'false') return { kind: 'value', value: value === 'true', start, end };
      if (value === 'null') return { kind: 'value', value: null, start, end };
      if ((value === 'function' || value === 'λ') && this.isOperator(this.peek(), '(')) {
        this.take();
        const params = this.list(')');
        if (this.isOperator(this.peek(), '<')) this.skipSignature();
        this.expect('{');
        const body = this.expression(0);
        const close = this.expect('}');
        return { kind: 'lambda', params, body, start, end: close.end };
      }
    }
    return { kind: 'name', value, start, end };
  }

  private skipSignature(): void {
    let depth = 0;
    for (;;) {
      const token = this.take();
      if (token.kind === 'end') throw parseError('Unterminated signature', token.start);
      if (this.isOperator(token, '<')) depth += 1;
      if (this.isOperator(token, '>')) depth -= 1;
      if (depth === 0) return;
    }
  }

  private infix(operator: string, power: number, left: Syntax): Syntax {
    const start = left.start;
    switch (operator) {
      case '(': {
        const args = this.list(')');
        return { kind: 'call', callee: left, args, start, end: this.lastEnd() };
      }
      case '[': {
        if (this.isOperator(this.peek(), ']')) {
          const close = this.take();
          return { kind: 'predicate', target: left, start, end: close.end };
        }
        const index = this.expression(0);
        const close = this.expect(']');
        return { kind: 'predicate', target: left, index, start, end: close.end };
      }
      case '{': {
        const entries = this.objectEntries();
        return { kind: 'object', entries, target: left, start, end: this.lastEnd() };
      }
      case '^': {
        this.expect('(');
        const terms = this.list(')', ',', () => this.sortTerm());
        return { kind: 'sort', target: left, terms, start, end: this.lastEnd() };
      }
      case '?': {
        const then = this.expression(0);
        if (this.isOperator(this.peek(), ':')) {
          this.take();
          const otherwise = this.expression(0);
          return { kind: 'condition', condition: left, then, else: otherwise, start, end: otherwise.end };
        }
        return { kind: 'condition', condition: left, then, start, end: then.end };
      }
      default: {
        // `:=` is right-associative; jsonata reads all that follows `??` and `?:` as their right side.
        const rightPower = operator === ':=' ? power - 1 : operator === '??' || operator === '?:' ? 0 : power;
        const right = this.expression(rightPower);
        return { kind: 'binary', operator, left, right, start, end: right.end };
      }
    }
  }
}
