import type { ZohoDataType, ZohoFieldSpec, ZohoModuleSpec } from './zoho-modules';

/** What an org's administrator did to a custom field in Setup: deleted it, or changed its type. */
export type ZohoFieldChange = { remove: true } | { type: ZohoDataType };

/**
 * Setup changes to custom fields, so a test can drift a schema under a saved mapping. Zoho lets an
 * administrator delete a custom field and change a custom field's type in Setup › Customization ›
 * Modules and Fields (Zoho CRM Help: "Customizing fields" — standard fields can be neither deleted
 * nor retyped, hence refused here); the fields metadata (`/settings/fields`, API-FACTS §2) and
 * every record API then answer with the module as changed. Field ids keep their positions.
 */
export class ZohoFieldChanges {
  private readonly changes = new Map<string, Map<string, ZohoFieldChange>>();

  /** Applies a change; throws (the control API answers 400) for a field Zoho would not let an admin change. */
  change(
    module: ZohoModuleSpec | undefined,
    field: string,
    change: ZohoFieldChange,
  ): { module: string; field: string } {
    if (!module || module.subform) throw new Error(`No module ${String(module?.api ?? '')} to change.`);
    const spec = module.fields.find((candidate) => candidate.api === field);
    if (!spec) throw new Error(`${module.api} has no field ${field}.`);
    if (!spec.custom)
      throw new Error(
        `${module.api}.${field} is a standard field: Zoho lets admins delete or retype only custom fields.`,
      );
    const fields = this.changes.get(module.api) ?? new Map<string, ZohoFieldChange>();
    fields.set(field, change);
    this.changes.set(module.api, fields);
    return { module: module.api, field };
  }

  /** Back to the stock org. */
  reset(): void {
    this.changes.clear();
  }

  /** The field as the org has it now, or undefined when it was deleted. */
  field(module: string, spec: ZohoFieldSpec): ZohoFieldSpec | undefined {
    const change = this.changes.get(module)?.get(spec.api);
    if (!change) return spec;
    if ('remove' in change) return undefined;
    const { picklist: _picklist, length: _length, ...rest } = spec;
    return { ...rest, type: change.type };
  }

  /** The module as the org has it now (the same object when nothing in it changed). */
  module(spec: ZohoModuleSpec): ZohoModuleSpec {
    if (!this.changes.has(spec.api)) return spec;
    return { ...spec, fields: spec.fields.flatMap((field) => this.field(spec.api, field) ?? []) };
  }
}
