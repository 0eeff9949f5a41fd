import { cin7System } from './cin7';
import { dynamicsSystem } from './dynamics';
import { inforSystem } from './infor';
import { salesforceSystem } from './salesforce';
import type { SystemSpec } from './spec';
import { zendeskSystem } from './zendesk';
import { zohoSystem } from './zoho';

/**
 * Every system the app knows, in the order screens list them (the source
 * first). Adding a system: its spec file here, its connector and its simulator;
 * everything else derives from this list (README, "Adding a system").
 */
export const systemCatalog = [
  inforSystem,
  zohoSystem,
  salesforceSystem,
  zendeskSystem,
  dynamicsSystem,
  cin7System,
] as const;

type Catalog = typeof systemCatalog;
export type SystemId = Catalog[number]['id'];

type FormSystemSpec = Extract<Catalog[number], { setup: { kind: 'form' } }>;
/** Systems whose connections are made with a form (the others are imported from a file). */
export type FormSystemId = FormSystemSpec['id'];
export const formSystemSpecs = systemCatalog.filter((spec): spec is FormSystemSpec => spec.setup.kind === 'form');

/** A tuple's ids, still a tuple (generic, so the mapped type maps the elements only). */
type IdsOf<Specs extends readonly { id: string }[]> = { readonly [Index in keyof Specs]: Specs[Index]['id'] };

/** The ids as a tuple, in catalog order (what `z.enum` needs); `map` cannot say it keeps the tuple, hence the cast. */
export const systemIds = systemCatalog.map((spec) => spec.id) as unknown as IdsOf<Catalog>;

/** Spec by id. */
export const systemSpecs = Object.fromEntries(systemCatalog.map((spec) => [spec.id, spec])) as {
  [Id in SystemId]: Extract<Catalog[number], { id: Id }>;
};

export function systemSpec(id: SystemId): SystemSpec<SystemId> {
  return systemSpecs[id];
}
