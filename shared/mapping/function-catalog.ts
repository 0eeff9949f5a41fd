/**
 * The functions a function node can apply. Each one prints either as a JSONata built-in call
 * (`$trim(x)`) or as a binary operator (`a & b`), so the parser can recognise it again.
 */
export const portTypes = ['string', 'number', 'boolean', 'date', 'array', 'object', 'any'] as const;
export type PortType = (typeof portTypes)[number];

export const functionCategories = ['string', 'number', 'date', 'logic', 'math', 'collection'] as const;
export type FunctionCategory = (typeof functionCategories)[number];

export interface FunctionDefinition {
  name: string;
  category: FunctionCategory;
  label: string;
  params: PortType[];
  /** Parameters from this index on may stay unconnected (trailing only). */
  optionalFrom?: number;
  returns: PortType;
  /** A JSONata binary operator, or `undefined` for a `$name(...)` call. */
  operator?: string;
}

const call = (
  name: string,
  category: FunctionCategory,
  label: string,
  params: PortType[],
  returns: PortType,
  optionalFrom?: number,
): FunctionDefinition => ({ name, category, label, params, returns, optionalFrom });

const operator = (
  name: string,
  category: FunctionCategory,
  label: string,
  symbol: string,
  params: PortType[],
  returns: PortType,
): FunctionDefinition => ({ name, category, label, params, returns, operator: symbol });

export const functionCatalog: readonly FunctionDefinition[] = [
  call('uppercase', 'string', 'Upper case', ['string'], 'string'),
  call('lowercase', 'string', 'Lower case', ['string'], 'string'),
  call('trim', 'string', 'Trim', ['string'], 'string'),
  call('substring', 'string', 'Substring', ['string', 'number', 'number'], 'string', 2),
  call('length', 'string', 'Length', ['string'], 'number'),
  call('pad', 'string', 'Pad', ['string', 'number', 'string'], 'string', 2),
  call('replace', 'string', 'Replace', ['string', 'string', 'string'], 'string'),
  call('contains', 'string', 'Contains', ['string', 'string'], 'boolean'),
  call('string', 'string', 'To text', ['any'], 'string'),
  operator('concat', 'string', 'Concatenate', '&', ['any', 'any'], 'string'),
  call('number', 'number', 'To number', ['any'], 'number'),
  call('round', 'number', 'Round', ['number', 'number'], 'number', 1),
  call('floor', 'number', 'Floor', ['number'], 'number'),
  call('ceil', 'number', 'Ceiling', ['number'], 'number'),
  call('abs', 'number', 'Absolute', ['number'], 'number'),
  call('formatNumber', 'number', 'Format number', ['number', 'string'], 'string'),
  operator('add', 'math', 'Add', '+', ['number', 'number'], 'number'),
  operator('subtract', 'math', 'Subtract', '-', ['number', 'number'], 'number'),
  operator('multiply', 'math', 'Multiply', '*', ['number', 'number'], 'number'),
  operator('divide', 'math', 'Divide', '/', ['number', 'number'], 'number'),
  operator('modulo', 'math', 'Remainder', '%', ['number', 'number'], 'number'),
  call('toMillis', 'date', 'Date to milliseconds', ['string', 'string'], 'number', 1),
  call('fromMillis', 'date', 'Milliseconds to date', ['number', 'string'], 'date', 1),
  call('now', 'date', 'Now', [], 'date'),
  operator('equals', 'logic', 'Equals', '=', ['any', 'any'], 'boolean'),
  operator('notEquals', 'logic', 'Not equal', '!=', ['any', 'any'], 'boolean'),
  operator('lessThan', 'logic', 'Less than', '<', ['any', 'any'], 'boolean'),
  operator('greaterThan', 'logic', 'Greater than', '>', ['any', 'any'], 'boolean'),
  operator('and', 'logic', 'And', 'and', ['boolean', 'boolean'], 'boolean'),
  operator('or', 'logic', 'Or', 'or', ['boolean', 'boolean'], 'boolean'),
  call('not', 'logic', 'Not', ['any'], 'boolean'),
  call('exists', 'logic', 'Exists', ['any'], 'boolean'),
  call('boolean', 'logic', 'To boolean', ['any'], 'boolean'),
  call('count', 'collection', 'Count', ['array'], 'number'),
  call('sum', 'collection', 'Sum', ['array'], 'number'),
  call('max', 'collection', 'Maximum', ['array'], 'number'),
  call('min', 'collection', 'Minimum', ['array'], 'number'),
  call('join', 'collection', 'Join', ['array', 'string'], 'string', 1),
  call('distinct', 'collection', 'Distinct', ['array'], 'array'),
];

const byName = new Map(functionCatalog.map((definition) => [definition.name, definition]));
const byOperator = new Map(
  functionCatalog.filter((definition) => definition.operator).map((definition) => [definition.operator, definition]),
);

export function functionDefinition(name: string): FunctionDefinition | undefined {
  return byName.get(name);
}

export function functionForOperator(symbol: string): FunctionDefinition | undefined {
  return byOperator.get(symbol);
}

export function functionForCall(name: string): FunctionDefinition | undefined {
  const definition = byName.get(name);
  return definition && !definition.operator ? definition : undefined;
}

/** JSONata precedence of the operators we print (from jsonata's own table). */
export const operatorPrecedence: Readonly<Record<string, number>> = {
  '*': 60,
  '/': 60,
  '%': 60,
  '+': 50,
  '-': 50,
  '&': 50,
  '=': 40,
  '!=': 40,
  '<': 40,
  '<=': 40,
  '>': 40,
  '>=': 40,
  '??': 40,
  '?:': 40,
  in: 40,
  '~>': 40,
  and: 30,
  or: 25,
};
