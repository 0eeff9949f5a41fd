/** What the sync engine would bind, made deterministic for golden files. */
export const goldenBindings = {
  lookupRef: (entity: string, key: unknown): string | undefined =>
    key === undefined || key === null ? undefined : `${entity}#${String(key)}`,
};
