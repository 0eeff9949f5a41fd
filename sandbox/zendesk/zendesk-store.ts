import { recordRandom } from '../kit';

export type ZdRecord = Record<string, unknown>;
export type ZdKind = 'organizations' | 'users' | 'tickets';

/** Custom field definitions as the `*_fields` endpoints return them. */
const option = (name: string, value: string, id: number) => ({ id, name, value });
export function seedFieldDefinitions(): Record<'organization_fields' | 'user_fields' | 'ticket_fields', ZdRecord[]> {
  const base = (id: number, key: string | null, type: string, title: string, extra: ZdRecord = {}) => ({
    id,
    url: `/api/v2/x/${id}.json`,
    key,
    type,
    title,
    raw_title: title,
    description: '',
    active: true,
    system: false,
    position: id % 100,
    regexp_for_validation: null,
    created_at: '2024-01-05T09:00:00Z',
    updated_at: '2024-01-05T09:00:00Z',
    ...extra,
  });
  return {
    organization_fields: [
      base(5001, 'infor_customer_number', 'text', 'Infor customer number'),
      base(5002, 'credit_status', 'dropdown', 'Credit status', {
        custom_field_options: [
          option('Good', 'good', 1),
          option('On hold', 'hold', 2),
          option('Blocked', 'blocked', 3),
        ],
      }),
      base(5003, 'payment_terms', 'dropdown', 'Payment terms', {
        custom_field_options: [
          option('30 days net', 'net_30', 4),
          option('60 days net', 'net_60', 5),
          option('Cash on delivery', 'cod', 6),
        ],
      }),
      base(5004, 'is_supplier', 'checkbox', 'Supplier'),
      base(5005, 'open_invoice_total', 'decimal', 'Open invoice total'),
      base(5006, 'last_po_number', 'regexp', 'Last PO number', { regexp_for_validation: '^PO-[0-9]+$' }),
      base(5007, 'customer_since', 'date', 'Customer since'),
    ],
    user_fields: [
      base(6001, 'job_title', 'text', 'Job title'),
      base(6002, 'contact_type', 'dropdown', 'Contact type', {
        custom_field_options: [
          option('Billing', 'billing', 7),
          option('Purchasing', 'purchasing', 8),
          option('Sales', 'sales', 9),
        ],
      }),
      base(6003, 'infor_contact_id', 'text', 'Infor contact ID'),
      base(6004, 'newsletter', 'checkbox', 'Newsletter'),
    ],
    ticket_fields: [
      base(1001, null, 'subject', 'Subject', { system: true, required: false }),
      base(1002, null, 'description', 'Description', { system: true, required: true }),
      base(1003, null, 'status', 'Status', { system: true, required: false }),
      base(360001, null, 'text', 'Invoice number', { required: false }),
      base(360002, null, 'text', 'Purchase order number', { required: false }),
      base(360003, null, 'decimal', 'Amount', { required: false }),
      base(360004, null, 'tagger', 'Document type', {
        required: false,
        custom_field_options: [option('Invoice', 'invoice', 10), option('Purchase order', 'purchase_order', 11)],
      }),
    ],
  };
}

type Details = Record<string, Array<{ description: string; error: string }>>;
export const recordInvalid = (details: Details) => ({
  error: 'RecordInvalid',
  description: 'Record validation errors',
  details,
});

/** Validates `organization_fields` / `user_fields` values against their definitions; returns Zendesk-style details. */
export function checkCustomFields(values: unknown, definitions: ZdRecord[], container: string): Details {
  const details: Details = {};
  if (values === undefined || values === null) return details;
  if (typeof values !== 'object' || Array.isArray(values))
    return { [container]: [{ description: `${container}: is invalid`, error: 'InvalidValue' }] };
  for (const [key, value] of Object.entries(values as ZdRecord)) {
    const definition = definitions.find((item) => item.key === key);
    const bad = (description: string) => (details[`${container}.${key}`] = [{ description, error: 'InvalidValue' }]);
    if (!definition) continue; // Zendesk ignores unknown keys
    if (value === null || value === '') continue;
    const title = String(definition.title);
    switch (definition.type) {
      case 'dropdown': {
        const allowed = (definition.custom_field_options as Array<{ value: string }>).map((item) => item.value);
        if (!allowed.includes(String(value))) bad(`${title}: ${String(value)} is not a valid option`);
        break;
      }
      case 'checkbox':
        if (typeof value !== 'boolean') bad(`${title}: is not a boolean`);
        break;
      case 'decimal':
      case 'integer':
        if (Number.isNaN(Number(value)) || (definition.type === 'integer' && !Number.isInteger(Number(value))))
          bad(`${title}: is not a number`);
        break;
      case 'date':
        if (!/^\d{4}-\d{2}-\d{2}$/.test(String(value))) bad(`${title}: is not a valid date (YYYY-MM-DD)`);
        break;
      case 'regexp':
        if (!new RegExp(String(definition.regexp_for_validation)).test(String(value))) bad(`${title}: is invalid`);
        break;
      default:
        if (String(value).length > 65_535) bad(`${title}: is too long`);
    }
  }
  return details;
}

const companies = [
  'Acme Foods',
  'Northwind Traders',
  'Contoso Metals',
  'Fabrikam Textiles',
  'Tailspin Logistics',
  'Wingtip Packaging',
  'Litware Timber',
];
const people = ['Ana Ruiz', 'Ben Okafor', 'Chen Wei', 'Dana Kowalski', 'Emil Larsen', 'Fatima Haddad', 'Gita Rao'];

export function seedRecords(
  seed: number,
  counts: { organizations: number; users: number; tickets: number },
  now: number,
) {
  const stamp = (random: ReturnType<typeof recordRandom>) =>
    new Date(now - random.int(60, 60 * 86_400) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const organizations = Array.from({ length: counts.organizations }, (_, index) => {
    const random = recordRandom(seed, 'zd-org', index);
    const at = stamp(random);
    return {
      id: 360_000_000_000 + index + 1,
      name: `${random.pick(companies)} ${String(index + 1).padStart(4, '0')}`,
      external_id: index % 3 === 0 ? null : `CUST-${10_000 + index}`,
      details: '',
      notes: '',
      domain_names: [],
      tags: index % 4 === 0 ? ['supplier'] : ['customer'],
      group_id: null,
      shared_tickets: false,
      shared_comments: false,
      organization_fields: {
        infor_customer_number: `${10_000 + index}`,
        credit_status: random.pick(['good', 'hold', null]),
        payment_terms: null,
        is_supplier: index % 4 === 0,
        open_invoice_total: null,
        last_po_number: null,
        customer_since: null,
      },
      created_at: at,
      updated_at: at,
    };
  });
  const users = Array.from({ length: counts.users }, (_, index) => {
    const random = recordRandom(seed, 'zd-user', index);
    const at = stamp(random);
    const admin = index === 0;
    return {
      id: 900_000_000_000 + index + 1,
      name: admin ? 'Sandbox Admin' : random.pick(people),
      email: admin ? 'admin@mlc-sandbox.example' : `contact${index}@example.com`,
      external_id: admin || index % 2 === 0 ? null : `CONTACT-${20_000 + index}`,
      role: admin ? 'admin' : 'end-user',
      phone: null,
      time_zone: 'Amsterdam',
      locale: 'en-US',
      organization_id:
        organizations.length > 0 && !admin ? (organizations[index % organizations.length] as ZdRecord).id : null,
      notes: '',
      details: '',
      tags: [],
      verified: true,
      user_fields: { job_title: null, contact_type: null, infor_contact_id: null, newsletter: false },
      created_at: at,
      updated_at: at,
    };
  });
  const tickets = Array.from({ length: counts.tickets }, (_, index) => {
    const random = recordRandom(seed, 'zd-ticket', index);
    const at = stamp(random);
    return {
      id: index + 1,
      external_id: `INV-${30_000 + index}`,
      subject: `Invoice ${30_000 + index}`,
      description: 'Synced invoice',
      status: random.pick(['open', 'pending', 'solved']),
      type: 'task',
      priority: 'normal',
      requester_id: (users[(index % Math.max(1, users.length - 1)) + 1] as ZdRecord | undefined)?.id ?? null,
      organization_id: null,
      tags: [],
      custom_fields: [
        { id: 360001, value: `${30_000 + index}` },
        { id: 360002, value: null },
        { id: 360003, value: String(random.int(100, 9000)) },
        { id: 360004, value: 'invoice' },
      ],
      created_at: at,
      updated_at: at,
    };
  });
  return { organizations, users, tickets };
}
