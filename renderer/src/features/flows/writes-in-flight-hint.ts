/** What the flow form's "Writes in flight" value means at a target whose documented limit is `limit` (pure: unit-tested without a browser). */
export function writesInFlightHint(value: string, limit: number | undefined): string {
  const documented = limit === undefined ? 'the target’s documented limit' : `the target’s documented ${limit}`;
  const own = value.trim() === '' ? undefined : Number(value);
  if (own === undefined) return `Batches written at once; empty uses ${documented}. 1 = one at a time.`;
  if (own === 1) return 'One batch at a time (serial writes).';
  if (limit !== undefined && Number.isInteger(own) && own > limit)
    return `Above ${documented}: runs keep at most ${limit} in flight.`;
  return `Up to ${value.trim()} batches at once, fewer while the target throttles.`;
}
