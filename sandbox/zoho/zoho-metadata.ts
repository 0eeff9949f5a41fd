import type { SimulatorContext } from '../kit';
import { zohoError, type ZohoApiState } from './zoho-answers';
import { fieldMetadata, zohoModuleByName, zohoModules } from './zoho-modules';

/** `GET /crm/v8/settings/modules` and `GET /crm/v8/settings/fields?module=`. */

export function modulesAnswer(context: SimulatorContext): void {
  context.json(200, {
    modules: zohoModules
      .filter((module) => !module.subform)
      .map((module, index) => ({
        api_name: module.api,
        module_name: module.api,
        singular_label: module.singular,
        plural_label: module.plural,
        id: String(4_150_868_000_000_002_000n + BigInt(index)),
        api_supported: true,
        creatable: true,
        editable: true,
        viewable: true,
        generated_type: 'default',
        // The rest of what Zoho's OpenAPI requires of a module (zoho/crm-oas v8.0 modules.json,
        // components.schemas.modules.required), with a stock org's values for a standard module.
        'common.search_supported': true,
        deletable: true,
        description: null,
        recycle_bin_on_delete: true,
        inventory_template_supported: ['Sales_Orders', 'Purchase_Orders', 'Invoices', 'Quotes'].includes(module.api),
        modified_time: null,
        presence_sub_menu: true,
        triggers_supported: true,
        chart_view: false,
        isBlueprintSupported: true,
        visibility: 1,
        visible: true,
        convertable: false,
        emailTemplate_support: true,
        email_parser_supported: false,
        filter_supported: true,
        show_as_tab: true,
        web_link: null,
        sequence_number: index + 1,
        quick_create: true,
        feeds_required: false,
        scoring_supported: true,
        webform_supported: true,
        arguments: [],
        chart_view_supported: true,
        profile_count: 1,
        business_card_field_limit: 5,
        track_current_data: true,
        modified_by: null,
        profiles: [{ name: 'Administrator', id: '4150868000000026011' }],
        parent_module: null,
        activity_badge: 'Disabled',
        $field_states: [],
        business_card_fields: [],
        per_page: 10,
        $properties: [],
        $on_demand_properties: [],
        search_layout_fields: [],
        kanban_view_supported: true,
        lookup_field_properties: { fields: [] },
        kanban_view: false,
        related_lists: [],
        filter_status: true,
        related_list_properties: { sort_by: { api_name: null, id: null }, fields: [], sort_order: null },
        display_field: null,
        layouts: [],
        fields: [],
        custom_view: null,
        zia_view: false,
        default_mapping_fields: [],
        layout_associations: [],
      })),
  });
}

export function fieldsAnswer(state: Pick<ZohoApiState, 'fieldChanges'>, context: SimulatorContext): void {
  const name = context.query.get('module');
  if (!name)
    return zohoError(context, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'module',
      param: 'module',
    });
  const module = zohoModuleByName.get(name);
  if (!module)
    return zohoError(context, 400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
      param_name: 'module',
    });
  // Metadata of the original position: deleting one field does not renumber the others' ids.
  context.json(200, {
    fields: module.fields.flatMap((spec, index) => {
      const now = state.fieldChanges.field(module.api, spec);
      return now ? [fieldMetadata(module, now, index)] : [];
    }),
  });
}
