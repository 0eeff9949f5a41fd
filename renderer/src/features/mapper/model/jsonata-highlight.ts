import type { Span } from '../../../../../shared/mapping';
import { Lexer, type Token } from '../../../../../shared/mapping/syntax-tokens';

/**
 * Light syntax colouring for the JSONata view, from the mapping language's own lexer (no editor
 * library): every character of the text lands in exactly one piece, so the coloured copy behind
 * the textarea lines up with what the user types.
 */
export type PieceKind =
  | 'plain'
  | 'comment'
  | 'key'
  | 'string'
  | 'number'
  | 'name'
  | 'variable'
  | 'function'
  | 'keyword'
  | 'operator'
  | 'bracket';

export interface Piece {
  text: string;
  kind: PieceKind;
  /** Inside the highlighted span (the selected target field). */
  marked?: boolean;
}

const keywords = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
const brackets = new Set(['(', ')', '[', ']', '{', '}']);

export function highlightJsonata(text: string): Piece[] {
  const pieces: Piece[] = [];
  const lexer = new Lexer(text);
  let offset = 0;
  let previous: Token | undefined;
  const push = (piece: Piece) => {
    if (piece.text !== '') pieces.push(piece);
  };
  try {
    for (;;) {
      const token = lexer.next();
      gap(text.slice(offset, token.start), push);
      if (token.kind === 'end') {
        offset = token.start;
        break;
      }
      push({ text: text.slice(token.start, token.end), kind: kindOf(token, text, previous) });
      offset = token.end;
      previous = token;
    }
  } catch {
    // Half-typed text (an open string or comment): the rest stays plain until it closes.
  }
  push({ text: text.slice(offset), kind: 'plain' });
  return pieces;
}

/** Text between tokens: spaces and `/* comments *\/`. */
function gap(text: string, push: (piece: Piece) => void): void {
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('/*', index);
    if (open < 0) break;
    const close = text.indexOf('*/', open + 2);
    const end = close < 0 ? text.length : close + 2;
    push({ text: text.slice(index, open), kind: 'plain' });
    push({ text: text.slice(open, end), kind: 'comment' });
    index = end;
  }
  push({ text: text.slice(index), kind: 'plain' });
}

function kindOf(token: Token, text: string, previous: Token | undefined): PieceKind {
  switch (token.kind) {
    case 'string':
      // `"Billing_City": …` — an object key reads as the target field it is.
      return /^\s*:(?!=)/.test(text.slice(token.end, token.end + 40)) ? 'key' : 'string';
    case 'number':
      return 'number';
    case 'regex':
      return 'string';
    case 'variable':
      return /^\s*\(/.test(text.slice(token.end, token.end + 40)) ? 'function' : 'variable';
    case 'operator':
      return brackets.has(String(token.value)) ? 'bracket' : 'operator';
    case 'name':
      // A quoted key before `:` in an object is a field name, and so is a bare path step.
      if (!token.quoted && keywords.has(String(token.value)) && previous?.value !== '.') return 'keyword';
      return 'name';
    default:
      return 'plain';
  }
}

/** Splits pieces at a span's edges and marks those inside it. */
export function markSpan(pieces: readonly Piece[], span: Span | undefined): Piece[] {
  if (!span || span.end <= span.start) return [...pieces];
  const out: Piece[] = [];
  let position = 0;
  for (const piece of pieces) {
    const start = position;
    const end = position + piece.text.length;
    position = end;
    if (end <= span.start || start >= span.end) {
      out.push(piece);
      continue;
    }
    const cuts = [start, Math.max(start, span.start), Math.min(end, span.end), end];
    for (let index = 0; index < 3; index += 1) {
      const from = cuts[index] as number;
      const to = cuts[index + 1] as number;
      if (to > from)
        out.push({
          ...piece,
          text: piece.text.slice(from - start, to - start),
          ...(index === 1 ? { marked: true } : {}),
        });
    }
  }
  return out;
}
