import { DataverseFault, type Json } from './dynamics-store';

/**
 * The slice of OData the sandbox understands: key segments
 * (`accounts(accountnumber='A''1')`, `accounts(<guid>)`), `$filter` with
 * comparisons, `and`/`or`/`not`, parentheses, `contains`/`startswith`, and
 * ordering. Anything else is a 400 like Dataverse's, never silently ignored.
 */

export interface ResourcePath {
  segment: string;
  /** `{ accountid: guid }` for a bare id, else the named key columns. */
  key?: Record<string, Json>;
  /** Segments after the first (`Attributes`, `Microsoft.Dynamics.CRM.UpsertMultiple`, …). */
  rest: string[];
}

/** Splits the path after `/api/data/v9.2/` (still percent-encoded) into its segments. */
export function parseResource(encoded: string, primaryIdOf: (segment: string) => string | undefined): ResourcePath {
  const segments = encoded.split('/').filter(Boolean).map(safeDecode);
  const first = segments[0] ?? '';
  const open = first.indexOf('(');
  if (open < 0 || !first.endsWith(')')) return { segment: first, rest: segments.slice(1) };
  const segment = first.slice(0, open);
  const inside = first.slice(open + 1, -1);
  const key: Record<string, Json> = {};
  for (const part of splitOutsideQuotes(inside, ',')) {
    const equals = indexOutsideQuotes(part, '=');
    if (equals < 0) {
      const id = primaryIdOf(segment) ?? 'id';
      key[id] = parseLiteral(part.trim());
    } else key[part.slice(0, equals).trim()] = parseLiteral(part.slice(equals + 1).trim());
  }
  return { segment, key, rest: segments.slice(1) };
}

/**
 * Characters an alternate-key value must not hold when the record is addressed by that key in the
 * URL (`accounts(accountnumber='A&B')`): Microsoft Learn, "Define alternate keys using Power Apps"
 * (https://learn.microsoft.com/power-apps/maker/data-platform/define-alternate-keys-portal), Important
 * box: "If the data within a column that is used in an alternate key contains one of the following
 * characters /, #, <, >, *, %, &, :, \\, ?, + then GET or PATCH actions won't work." The page names GET
 * and PATCH; DELETE addresses the record the same way and is refused alike here (harshest reading).
 */
export const unsafeKeyCharacters = ['/', '#', '<', '>', '*', '%', '&', ':', '\\', '?', '+'] as const;

/**
 * Refuses a request addressed by an alternate key whose value holds one of `unsafeKeyCharacters`,
 * percent-encoded or not, as Dataverse does. Only named keys: a bare primary id (a GUID) never holds
 * them. Status 400 and the URL-error code the simulator uses for other malformed requests; the exact
 * code and message Dataverse answers with are unconfirmed (the page says only that the call fails).
 */
export function refuseUnsafeKeyValue(table: { primaryId: string }, resource: ResourcePath): void {
  if (!resource.key) return;
  for (const [name, value] of Object.entries(resource.key)) {
    if (name === table.primaryId || typeof value !== 'string') continue;
    const found = unsafeKeyCharacters.find((character) => value.includes(character));
    if (found)
      throw new DataverseFault(
        400,
        '0x80060888',
        `The alternate key value '${value}' of '${name}' holds the character '${found}', which cannot be used in a key addressed in the URL.`,
      );
  }
}

export function parseLiteral(text: string): Json {
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  // GUIDs and datetimes are written bare in OData URLs.
  return text;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "'") quoted = !quoted;
    else if (!quoted && text[index] === separator) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function indexOutsideQuotes(text: string, char: string): number {
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "'") quoted = !quoted;
    else if (!quoted && text[index] === char) return index;
  }
  return -1;
}

type Row = Record<string, Json>;
export type Predicate = (row: Row) => boolean;

const tokenPattern =
  /\s*(?:('(?:[^']|'')*')|(\()|(\))|(,)|([A-Za-z_][A-Za-z0-9_.]*)|([0-9a-fA-F-]{36}|-?\d{4}-\d{2}-\d{2}T[0-9:.]+Z?|-?\d+(?:\.\d+)?))/y;

/** Compiles a `$filter` expression; unknown columns are a 400 (`Could not find a property named …`). */
export function compileFilter(text: string, isColumn: (name: string) => boolean, typeName: string): Predicate {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    tokenPattern.lastIndex = position;
    const match = tokenPattern.exec(text);
    if (!match) throw syntax(text);
    tokens.push(match[0].trim());
    position = tokenPattern.lastIndex;
  }
  let cursor = 0;
  const peek = () => tokens[cursor];
  const take = () => tokens[cursor++];
  const expect = (token: string) => {
    if (take() !== token) throw syntax(text);
  };

  const value = (): ((row: Row) => Json) => {
    const token = take();
    if (token === undefined) throw syntax(text);
    if (token.startsWith("'") || /^[-\d]/.test(token) || token === 'null' || token === 'true' || token === 'false') {
      const literal = parseLiteral(token);
      return () => literal;
    }
    if (!isColumn(token))
      throw new DataverseFault(
        400,
        '0x80060888',
        `Could not find a property named '${token}' on type 'Microsoft.Dynamics.CRM.${typeName}'.`,
      );
    return (row) => row[token] ?? null;
  };

  const comparison = (): Predicate => {
    const token = peek();
    if (token === '(') {
      take();
      const inner = disjunction();
      expect(')');
      return inner;
    }
    if (token === 'not') {
      take();
      const inner = comparison();
      return (row) => !inner(row);
    }
    if (token === 'contains' || token === 'startswith' || token === 'endswith') {
      take();
      expect('(');
      const left = value();
      expect(',');
      const right = value();
      expect(')');
      return (row) => {
        const haystack = String(left(row) ?? '').toLowerCase();
        const needle = String(right(row) ?? '').toLowerCase();
        return token === 'contains'
          ? haystack.includes(needle)
          : token === 'startswith'
            ? haystack.startsWith(needle)
            : haystack.endsWith(needle);
      };
    }
    const left = value();
    const operator = take();
    const right = value();
    const compare = (row: Row) => compareJson(left(row), right(row));
    switch (operator) {
      case 'eq':
        return (row) => equalJson(left(row), right(row));
      case 'ne':
        return (row) => !equalJson(left(row), right(row));
      case 'gt':
        return (row) => compare(row) > 0;
      case 'ge':
        return (row) => compare(row) >= 0;
      case 'lt':
        return (row) => compare(row) < 0;
      case 'le':
        return (row) => compare(row) <= 0;
      default:
        throw syntax(text);
    }
  };
  const conjunction = (): Predicate => {
    let left = comparison();
    while (peek() === 'and') {
      take();
      const first = left;
      const second = comparison();
      left = (row) => first(row) && second(row);
    }
    return left;
  };
  const disjunction = (): Predicate => {
    let left = conjunction();
    while (peek() === 'or') {
      take();
      const first = left;
      const second = conjunction();
      left = (row) => first(row) || second(row);
    }
    return left;
  };
  const predicate = disjunction();
  if (cursor !== tokens.length) throw syntax(text);
  return predicate;
}

function syntax(text: string): DataverseFault {
  return new DataverseFault(400, '0x80060888', `Syntax error in the $filter expression '${text}'.`);
}

function equalJson(left: Json, right: Json): boolean {
  if (left === null || right === null) return left === right;
  if (typeof left === 'string' && typeof right === 'string') {
    const leftTime = isoTime(left);
    const rightTime = isoTime(right);
    if (leftTime !== undefined && rightTime !== undefined) return leftTime === rightTime;
    // Dataverse compares text case-insensitively (default collation).
    return left.toLowerCase() === right.toLowerCase();
  }
  return left === right;
}

/** Orders numbers, ISO datetimes (as instants) and text; null sorts first as in SQL Server. */
export function compareJson(left: Json, right: Json): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const leftTime = typeof left === 'string' ? isoTime(left) : undefined;
  const rightTime = typeof right === 'string' ? isoTime(right) : undefined;
  if (leftTime !== undefined && rightTime !== undefined) return leftTime - rightTime;
  return String(left).toLowerCase().localeCompare(String(right).toLowerCase());
}

function isoTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const value = Date.parse(text);
  return Number.isNaN(value) ? undefined : value;
}

export interface Order {
  /** Sort columns in order; the primary id is always last so the order is total. */
  names: string[];
  compare(left: Row, right: Row): number;
}

/** `$orderby=modifiedon asc,accountid desc`; the primary id always breaks ties. */
export function compileOrder(
  text: string | null,
  primaryId: string,
  isColumn: (name: string) => boolean,
  typeName: string,
): Order {
  const terms = (text ?? '')
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .map((term) => {
      const [name = '', direction = 'asc'] = term.split(/\s+/);
      if (!isColumn(name))
        throw new DataverseFault(
          400,
          '0x80060888',
          `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${typeName}'.`,
        );
      return { name, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
    });
  if (!terms.some((term) => term.name === primaryId)) terms.push({ name: primaryId, sign: 1 });
  return {
    names: terms.map((term) => term.name),
    compare(left, right) {
      for (const term of terms) {
        const result = compareJson(left[term.name] ?? null, right[term.name] ?? null);
        if (result !== 0) return result * term.sign;
      }
      return 0;
    },
  };
}
