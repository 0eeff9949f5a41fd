import jsonata from 'jsonata';

/*
 * The source fields a mapping can read, so a sync reads only those (a connector's `fields` hint).
 * The answer errs towards more: every field name the expression mentions anywhere, at any depth
 * (a nested value is read whole, so naming its inner fields too costs nothing). Whatever lets the
 * expression reach fields it does not name answers `undefined` ("every field"): the whole record
 * (`$`, `$$` other than as a path's first step), wildcards (`*`, `**`), the parent operator (`%`),
 * `$eval`, and built-ins called without arguments (they apply to the context record).
 */

/** Built-ins that take no input, so calling them without arguments reads nothing. */
const inputless = new Set(['now', 'millis', 'random', 'uuid']);

interface Node {
  type?: string;
  value?: unknown;
  steps?: Node[];
  arguments?: Node[];
  procedure?: Node;
}

/** Field names the expression may read, sorted; `undefined` when it may read any field. */
export function sourceFieldsOf(expression: string): string[] | undefined {
  let tree: unknown;
  try {
    tree = jsonata(expression).ast();
  } catch {
    // An expression that does not parse transforms nothing; its run reports that, not the read.
    return undefined;
  }
  const names = new Set<string>();
  return visit(tree, names) ? [...names].sort() : undefined;
}

/** Adds what `node` reads to `names`; false when it may read any field. */
function visit(node: unknown, names: Set<string>): boolean {
  if (Array.isArray(node)) return node.every((item) => visit(item, names));
  if (typeof node !== 'object' || node === null) return true;
  const current = node as Node;
  switch (current.type) {
    case 'wildcard':
    case 'descendant':
    case 'parent':
      return false;
    case 'name':
      names.add(String(current.value));
      break;
    case 'variable':
      // `$` (value '') or `$$` (value '$') on its own hands the whole record to something.
      if (current.value === '' || current.value === '$') return false;
      break;
    case 'path': {
      const [first, ...rest] = current.steps ?? [];
      const rooted = first?.type === 'variable' && (first.value === '' || first.value === '$') && rest.length > 0;
      // `$.CUNO` reads CUNO; the root step's own stages (filters) are still visited.
      if (rooted) return visitFields(first, names, ['value', 'type']) && visit(rest, names);
      break;
    }
    case 'function':
    case 'partial': {
      const name = current.procedure?.type === 'variable' ? String(current.procedure.value) : undefined;
      if (name === 'eval') return false;
      if ((current.arguments ?? []).length === 0 && !(name && inputless.has(name))) return false;
      break;
    }
  }
  return visitFields(current, names, []);
}

function visitFields(node: Node, names: Set<string>, skip: string[]): boolean {
  for (const [key, value] of Object.entries(node)) {
    if (skip.includes(key) || key === 'procedure' || typeof value !== 'object' || value === null) continue;
    if (!visit(value, names)) return false;
  }
  // A call's procedure is a variable naming the function (or a lambda): visit lambdas only.
  const procedure = node.procedure;
  return !procedure || procedure.type === 'variable' || visit(procedure, names);
}
