/**
 * Search criteria as Zoho writes them: `((Email:equals:a@b.c)or(Last_Name:starts_with:Sm))`.
 * `(`, `)`, `,` and `:` inside values are escaped with a backslash.
 */
export type Criteria =
  | { kind: 'condition'; field: string; comparator: string; value: string }
  | { kind: 'group'; operator: 'and' | 'or'; left: Criteria; right: Criteria };

export class CriteriaError extends Error {}

export function parseCriteria(text: string): Criteria {
  let position = 0;
  const peek = () => text[position];
  const expect = (char: string) => {
    if (text[position] !== char) throw new CriteriaError(`expected "${char}" at ${position}`);
    position += 1;
  };
  const expression = (): Criteria => {
    let node = term();
    for (;;) {
      const rest = text.slice(position).toLowerCase();
      const operator = rest.startsWith('and') ? 'and' : rest.startsWith('or') ? 'or' : undefined;
      if (!operator) return node;
      position += operator.length;
      node = { kind: 'group', operator, left: node, right: term() };
    }
  };
  const term = (): Criteria => {
    expect('(');
    if (peek() === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    const parts: string[] = [''];
    while (position < text.length && text[position] !== ')') {
      const char = text[position] as string;
      if (char === '\\' && position + 1 < text.length) {
        parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''}${text[position + 1] ?? ''}`;
        position += 2;
        continue;
      }
      if (char === ':' && parts.length < 3) parts.push('');
      else parts[parts.length - 1] = `${parts[parts.length - 1] ?? ''}${char}`;
      position += 1;
    }
    expect(')');
    const [field, comparator, value] = parts;
    if (!field || !comparator || value === undefined)
      throw new CriteriaError('a condition needs field:comparator:value');
    return { kind: 'condition', field: field.trim(), comparator: comparator.trim(), value };
  };
  const result = expression();
  if (position !== text.length) throw new CriteriaError(`unexpected text at ${position}`);
  return result;
}

export function countConditions(criteria: Criteria): number {
  return criteria.kind === 'condition' ? 1 : countConditions(criteria.left) + countConditions(criteria.right);
}

export function fieldsOf(criteria: Criteria): string[] {
  return criteria.kind === 'condition' ? [criteria.field] : [...fieldsOf(criteria.left), ...fieldsOf(criteria.right)];
}

const comparators = new Set(['equals', 'not_equal', 'starts_with', 'in', 'not_in']);
export const supportedComparator = (name: string) => comparators.has(name);

export function matches(criteria: Criteria, read: (field: string) => unknown): boolean {
  if (criteria.kind === 'group') {
    return criteria.operator === 'and'
      ? matches(criteria.left, read) && matches(criteria.right, read)
      : matches(criteria.left, read) || matches(criteria.right, read);
  }
  const raw = read(criteria.field);
  const current =
    raw === null || raw === undefined
      ? ''
      : typeof raw === 'object' && 'id' in raw
        ? String((raw as { id: unknown }).id)
        : String(raw);
  const value = criteria.value;
  switch (criteria.comparator) {
    case 'equals':
      return current.toLowerCase() === value.toLowerCase();
    case 'not_equal':
      return current.toLowerCase() !== value.toLowerCase();
    case 'starts_with':
      return current.toLowerCase().startsWith(value.toLowerCase());
    case 'in':
      return value.split(',').some((item) => item.toLowerCase() === current.toLowerCase());
    case 'not_in':
      return !value.split(',').some((item) => item.toLowerCase() === current.toLowerCase());
    default:
      return false;
  }
}
