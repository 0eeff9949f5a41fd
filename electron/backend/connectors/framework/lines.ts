import type { WalkedPage } from './paginator';

type Row = Record<string, unknown>;

/**
 * Child rows (order lines) read for one page of parents with a single ranged query, attached to
 * their parent under `lines` by the link field. `calls` is how many pages of lines it took.
 */
export async function attachLines(
  parents: unknown[],
  link: string,
  pages: AsyncIterable<WalkedPage>,
): Promise<{ rows: unknown[]; calls: number }> {
  const byParent = new Map<string, Row[]>();
  let calls = 0;
  for await (const page of pages) {
    calls += 1;
    for (const line of page.rows as Row[]) {
      const parent = String(line[link] ?? '');
      if (!byParent.has(parent)) byParent.set(parent, []);
      byParent.get(parent)!.push(line);
    }
  }
  return {
    rows: (parents as Row[]).map((row) => ({ ...row, lines: byParent.get(String(row[link] ?? '')) ?? [] })),
    calls,
  };
}

/** The first and last link values of a page, for the ranged line query. */
export function linkRange(parents: unknown[], link: string): { first: string; last: string } {
  const rows = parents as Row[];
  return { first: String(rows[0]?.[link] ?? ''), last: String(rows[rows.length - 1]?.[link] ?? '') };
}

/** A parent as `attachLines` left it, split back into its own fields and its lines. */
export function detachLines(raw: unknown): { row: Row; lines: Row[] } {
  const { lines, ...row } = raw as Row & { lines?: Row[] };
  return { row, lines: lines ?? [] };
}
