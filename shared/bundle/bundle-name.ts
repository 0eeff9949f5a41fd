/** What naming a bundle needs of a flow: its name and the connections it reads and writes. */
export interface NamedFlow {
  name: string;
  source: { connectionId: string };
  target: { connectionId: string };
}

/** Flow names listed in full up to this many; beyond, the bundle is named by its routes. */
const listedFlows = 3;
/** A name longer than this reads badly in file pickers and `mlc bundle list`. */
const listedLength = 80;
/** bundles.export accepts names up to 200 characters. */
const maxLength = 200;

/**
 * The name a bundle exported without one gets, from what it holds: the flows' names when there
 * are a few (`Customers to accounts, Orders to sales orders`), else the routes between
 * connections (`Infor M3 → Zoho CRM (5 flows)`). Never a date: the name is inside the sealed
 * hash, and the same workspace exported on another day must give the same bytes.
 * The flows' order does not matter (names and routes are sorted).
 */
export function defaultBundleName(
  flows: readonly NamedFlow[],
  connectionName: (connectionId: string) => string | undefined,
): string {
  if (flows.length === 0) return 'Empty bundle';
  const names = [...new Set(flows.map((flow) => flow.name.trim()))].sort(byText);
  const listed = names.join(', ');
  if (names.length === flows.length && names.length <= listedFlows && listed.length <= listedLength) return cut(listed);
  const label = (id: string) => connectionName(id)?.trim() || id;
  const routes = [
    ...new Set(flows.map((flow) => `${label(flow.source.connectionId)} → ${label(flow.target.connectionId)}`)),
  ].sort(byText);
  const count = `${flows.length} flow${flows.length === 1 ? '' : 's'}`;
  const shown =
    routes.length <= 2 ? routes.join(', ') : `${routes.slice(0, 2).join(', ')} and ${routes.length - 2} more`;
  return cut(`${shown} (${count})`);
}

/** Code-point order: the same in every locale, so the name never depends on the machine. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cut(name: string): string {
  return name.length <= maxLength ? name : `${name.slice(0, maxLength - 1)}…`;
}
