import { operatorPrecedence } from './function-catalog';

/**
 * The JSONata the compiler emits, as a tree, and its deterministic printer. Every node may carry
 * the graph node it came from (`origin`) and the target field it fills (`field`), so printing
 * also yields the spans of the source map.
 */
interface Annotations {
  origin?: string;
  field?: string;
}

export type Expr = Annotations &
  (
    | { type: 'string'; value: string }
    | { type: 'number'; value: number }
    | { type: 'value'; value: boolean | null }
    /** Field steps from the context; `root` starts at the input record (`$$`). */
    | { type: 'path'; root: boolean; steps: string[] }
    | { type: 'call'; name: string; args: Expr[] }
    | { type: 'binary'; operator: string; left: Expr; right: Expr }
    | { type: 'condition'; condition: Expr; then: Expr; else?: Expr }
    | { type: 'object'; entries: { key: string; value: Expr }[]; inline: boolean }
    | { type: 'array'; items: Expr[] }
    /** `path.{ ... }`: one object per item of the path's array. */
    | { type: 'map'; path: Expr; body: Expr }
    | { type: 'raw'; text: string; precedence: number }
    /** Explicit parentheses where precedence alone would merge two nodes (`a ?? (b ?? c)`). */
    | { type: 'group'; expr: Expr }
  );

export interface Span {
  start: number;
  end: number;
}

export interface PrintedSpan extends Span {
  origin?: string;
  field?: string;
}

export interface Printed {
  text: string;
  spans: PrintedSpan[];
}

const plainName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const reservedNames = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

export function quoteString(value: string): string {
  return JSON.stringify(value);
}

/** A path step: bare when safe, back-quoted otherwise, `$lookup` when even back quotes cannot hold it. */
export function quoteName(name: string): string {
  if (plainName.test(name) && !reservedNames.has(name)) return name;
  if (name.length > 0 && !name.includes('`')) return `\`${name}\``;
  return `$lookup($, ${quoteString(name)})`;
}

export function precedenceOf(expr: Expr): number {
  switch (expr.type) {
    case 'binary':
      // jsonata reads everything after `??` as its right side, so a default behaves like `? :`.
      return expr.operator === '??' ? 20 : (operatorPrecedence[expr.operator] ?? 0);
    case 'condition':
      return 20;
    case 'path':
    case 'map':
      return 75;
    case 'raw':
      return expr.precedence;
    case 'number':
      return expr.value < 0 || Object.is(expr.value, -0) ? 70 : 100;
    default:
      return 100;
  }
}

export function printExpr(expr: Expr, indent = ''): Printed {
  const printer = new Printer();
  printer.expr(expr, indent);
  return { text: printer.text, spans: printer.spans };
}

class Printer {
  text = '';
  spans: PrintedSpan[] = [];

  expr(expr: Expr, indent: string, minimum = 0): void {
    const parenthesise = precedenceOf(expr) <= minimum && minimum > 0;
    if (parenthesise) this.text += '(';
    const start = this.text.length;
    this.bare(expr, indent);
    if (expr.origin !== undefined || expr.field !== undefined) {
      const span: PrintedSpan = { start, end: this.text.length };
      if (expr.origin !== undefined) span.origin = expr.origin;
      if (expr.field !== undefined) span.field = expr.field;
      this.spans.push(span);
    }
    if (parenthesise) this.text += ')';
  }

  private bare(expr: Expr, indent: string): void {
    switch (expr.type) {
      case 'string':
        this.text += quoteString(expr.value);
        return;
      case 'number':
        this.text += Object.is(expr.value, -0) ? '0' : String(expr.value);
        return;
      case 'value':
        this.text += String(expr.value);
        return;
      case 'path': {
        const steps = expr.steps.map(quoteName);
        this.text += (expr.root ? ['$$', ...steps] : steps).join('.');
        return;
      }
      case 'call':
        this.text += `$${expr.name}(`;
        expr.args.forEach((arg, index) => {
          if (index > 0) this.text += ', ';
          this.expr(arg, indent);
        });
        this.text += ')';
        return;
      case 'binary': {
        const power = operatorPrecedence[expr.operator] ?? 0;
        // Left-associative: the left side may share the operator's power, the right side may not.
        // `??` is the exception: jsonata parses its right side as a whole expression.
        this.expr(expr.left, indent, power - 1);
        this.text += ` ${expr.operator} `;
        this.expr(expr.right, indent, expr.operator === '??' ? 0 : power);
        return;
      }
      case 'condition':
        this.expr(expr.condition, indent, 20);
        this.text += ' ? ';
        // With an else branch, a then branch ending in `? …` or `?? …` would take the `:` for itself.
        this.expr(expr.then, indent, expr.else ? 20 : 0);
        if (expr.else) {
          this.text += ' : ';
          this.expr(expr.else, indent);
        }
        return;
      case 'object':
        this.object(expr.entries, expr.inline, indent);
        return;
      case 'array':
        this.text += '[';
        expr.items.forEach((item, index) => {
          if (index > 0) this.text += ', ';
          this.expr(item, indent);
        });
        this.text += ']';
        return;
      case 'map':
        this.expr(expr.path, indent, 74);
        this.text += '.';
        this.expr(expr.body, indent, 74);
        return;
      case 'raw':
        this.text += expr.text;
        return;
      case 'group':
        this.text += '(';
        this.expr(expr.expr, indent);
        this.text += ')';
        return;
    }
  }

  private object(entries: { key: string; value: Expr }[], inline: boolean, indent: string): void {
    if (entries.length === 0) {
      this.text += '{}';
      return;
    }
    const inner = inline ? indent : `${indent}  `;
    this.text += inline ? '{' : '{\n';
    entries.forEach((entry, index) => {
      if (!inline) this.text += inner;
      this.text += `${quoteString(entry.key)}: `;
      this.expr(entry.value, inner);
      if (index < entries.length - 1) this.text += inline ? ', ' : ',\n';
    });
    this.text += inline ? '}' : `\n${indent}}`;
  }
}
