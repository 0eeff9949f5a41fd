/**
 * The SOQL subset clients of this app send: `SELECT f, … FROM Obj [WHERE c
 * (AND|OR) c …] [ORDER BY f [ASC|DESC], …] [LIMIT n]`, conditions `f op value`
 * with = != < <= > >= LIKE IN (…); values quoted strings, numbers, true/false,
 * null and unquoted date/datetime literals (`2024-01-01T00:00:00Z`).
 */
export interface SoqlCondition {
  field: string;
  operator: string;
  value: SoqlValue | SoqlValue[];
}

export type SoqlValue = string | number | boolean | null | { instant: number };

export interface SoqlQuery {
  fields: string[];
  object: string;
  where: Array<{ join: 'AND' | 'OR'; condition: SoqlCondition }>;
  orderBy: Array<{ field: string; descending: boolean }>;
  limit?: number;
}

export class SoqlError extends Error {
  constructor(
    message: string,
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' = 'MALFORMED_QUERY',
  ) {
    super(message);
  }
}

const tokenPattern = /\s*('(?:\\.|[^'\\])*'|<=|>=|!=|<>|[(),=<>]|[A-Za-z0-9_.:+-]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (tokenPattern.lastIndex < text.length && (match = tokenPattern.exec(text))) tokens.push(match[1] as string);
  if (text.slice(tokenPattern.lastIndex).trim() !== '')
    throw new SoqlError(`unexpected token near '${text.slice(tokenPattern.lastIndex, tokenPattern.lastIndex + 20)}'`);
  return tokens;
}

function literal(token: string): SoqlValue {
  if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
  if (/^null$/i.test(token)) return null;
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2}))?$/.test(token)) {
    const iso = token.length === 10 ? `${token}T00:00:00Z` : token.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    return { instant: Date.parse(iso) };
  }
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  throw new SoqlError(`unexpected token: ${token}`);
}

export function parseSoql(text: string): SoqlQuery {
  const tokens = tokenize(text.trim());
  let position = 0;
  const next = () => tokens[position++];
  const peekUpper = () => tokens[position]?.toUpperCase();
  const expectWord = (word: string) => {
    if (next()?.toUpperCase() !== word) throw new SoqlError(`expected ${word}`);
  };
  expectWord('SELECT');
  const fields: string[] = [];
  do {
    const name = next();
    if (!name || /^(FROM|,)$/i.test(name)) throw new SoqlError('expected a field name');
    fields.push(name);
  } while (tokens[position] === ',' && next());
  expectWord('FROM');
  const object = next();
  if (!object) throw new SoqlError('expected an object name');
  const query: SoqlQuery = { fields, object, where: [], orderBy: [] };
  if (peekUpper() === 'WHERE') {
    next();
    let join: 'AND' | 'OR' = 'AND';
    for (;;) {
      const field = next();
      let operator = next()?.toUpperCase();
      if (!field || !operator) throw new SoqlError('incomplete condition');
      if (operator === 'NOT' && peekUpper() === 'IN') operator = `NOT ${next()!.toUpperCase()}`;
      let value: SoqlValue | SoqlValue[];
      if (operator === 'IN' || operator === 'NOT IN') {
        if (next() !== '(') throw new SoqlError('expected ( after IN');
        value = [];
        while (tokens[position] !== ')') {
          const token = next();
          if (token === undefined) throw new SoqlError('unclosed IN list');
          if (token !== ',') value.push(literal(token));
        }
        next();
      } else {
        if (!['=', '!=', '<>', '<', '<=', '>', '>=', 'LIKE'].includes(operator))
          throw new SoqlError(`unknown operator ${operator}`);
        value = literal(next() ?? '');
      }
      query.where.push({ join, condition: { field, operator, value } });
      const connector = peekUpper();
      if (connector !== 'AND' && connector !== 'OR') break;
      join = connector;
      next();
    }
  }
  if (peekUpper() === 'ORDER') {
    next();
    expectWord('BY');
    do {
      const field = next();
      if (!field) throw new SoqlError('expected a field after ORDER BY');
      let descending = false;
      if (peekUpper() === 'ASC' || peekUpper() === 'DESC') descending = next()!.toUpperCase() === 'DESC';
      query.orderBy.push({ field, descending });
    } while (tokens[position] === ',' && next());
  }
  if (peekUpper() === 'LIMIT') {
    next();
    query.limit = Number(next());
    if (!Number.isInteger(query.limit)) throw new SoqlError('LIMIT needs a number');
  }
  if (position < tokens.length) throw new SoqlError(`unexpected token: ${tokens[position]}`);
  return query;
}

const comparable = (value: unknown): string | number | boolean | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'instant' in (value as object)) return (value as { instant: number }).instant;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value))
    return Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return value as string | number | boolean;
};

export function evaluate(condition: SoqlCondition, read: (field: string) => unknown): boolean {
  const left = comparable(read(condition.field));
  const compare = (raw: SoqlValue) => {
    const right = comparable(raw);
    if (typeof left === 'string' && typeof right === 'string')
      return left.toLowerCase().localeCompare(right.toLowerCase());
    if (left === right) return 0;
    if (left === null || right === null) return Number.NaN;
    return left < right ? -1 : 1;
  };
  switch (condition.operator) {
    case '=':
      return compare(condition.value as SoqlValue) === 0;
    case '!=':
    case '<>':
      return compare(condition.value as SoqlValue) !== 0;
    case '<':
      return compare(condition.value as SoqlValue) < 0;
    case '<=':
      return compare(condition.value as SoqlValue) <= 0;
    case '>':
      return compare(condition.value as SoqlValue) > 0;
    case '>=':
      return compare(condition.value as SoqlValue) >= 0;
    case 'LIKE': {
      const pattern = new RegExp(
        '^' +
          String(condition.value)
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/%/g, '.*')
            .replace(/_/g, '.') +
          '$',
        'i',
      );
      return left !== null && pattern.test(String(left));
    }
    case 'IN':
      return (condition.value as SoqlValue[]).some((value) => compare(value) === 0);
    case 'NOT IN':
      return !(condition.value as SoqlValue[]).some((value) => compare(value) === 0);
    default:
      return false;
  }
}

/** AND binds tighter than OR, as in SOQL. */
export function matchesWhere(where: SoqlQuery['where'], read: (field: string) => unknown): boolean {
  if (where.length === 0) return true;
  let any = false;
  let all = true;
  for (const [index, part] of where.entries()) {
    if (index > 0 && part.join === 'OR') {
      any ||= all;
      all = true;
    }
    all &&= evaluate(part.condition, read);
  }
  return any || all;
}
