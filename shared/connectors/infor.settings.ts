import { z } from 'zod';

/**
 * Infor connection settings: the non-secret part of the `.ionapi` file
 * (API-FACTS §1.1, as `ionApiSettings` stores it) plus the choices made for the
 * connection. Secrets (`cs`, `saak`, `sask`) live in the vault.
 */
export const inforProductLines = ['m3', 'csi', 'ln', 'fsm'] as const;
export const inforGrants = ['password', 'client_credentials'] as const;
/** The six entities every product line knows (their sources have defaults). */
export const inforBuiltInEntities = [
  'customers',
  'suppliers',
  'salesOrders',
  'purchaseOrders',
  'invoices',
  'glAccounts',
] as const;
/**
 * A picked entity: the product line, then the object's own name, so ids never collide with the
 * six and say what they read (`m3.OCUSMA`, `m3.CRS610MI.LstByName`, `csi.SLItems`,
 * `ln.tcapi.comBusinessPartner.BusinessPartners`, `fsm.GeneralLedgerTotal`).
 */
export const inforCustomEntityId = /^(m3|csi|ln|fsm)\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/** Why an `entitySources` JSON text is refused, or undefined when its shape is acceptable. */
export function entitySourcesProblem(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'entitySources is not valid JSON.';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return 'entitySources must be a JSON object keyed by entity, e.g. {"customers":{"transaction":"LstByNumber"}}.';
  for (const [id, source] of Object.entries(parsed)) {
    const builtIn = (inforBuiltInEntities as readonly string[]).includes(id);
    if (!builtIn && !inforCustomEntityId.test(id))
      return `entitySources: "${id}" is neither one of ${inforBuiltInEntities.join(', ')} nor a picked entity id such as m3.OCUSMA or csi.SLItems.`;
    // null switches a built-in entity off; a picked entity is its whole source, never a partial override.
    if (source === null && builtIn) continue;
    if (!source || typeof source !== 'object' || Array.isArray(source))
      return `entitySources.${id} must be an object describing its source.`;
  }
  return undefined;
}

const url = (what: string, example: string) =>
  z
    .string({ message: `Enter the ${what}, e.g. ${example}.` })
    .trim()
    .refine((value) => {
      try {
        const parsed = new URL(value);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:';
      } catch {
        return false;
      }
    }, `The ${what} must be a full URL such as ${example}.`);

const text = (what: string) =>
  z
    .string({ message: `${what} must be text.` })
    .trim()
    .min(1, `${what} must not be empty.`);

export const inforSettingsSchema = z.object({
  tenant: text('The tenant (ti in the .ionapi file)'),
  iu: url('ION API gateway URL (iu)', 'https://mingle-ionapi.inforcloudsuite.com'),
  pu: url('authorization server URL (pu)', 'https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/'),
  ot: text('The token endpoint (ot)'),
  or: text('The revocation endpoint (or)').optional(),
  oa: text('The authorization endpoint (oa)').optional(),
  ci: text('The client id (ci)'),
  appName: z.string({ message: 'The application name must be text.' }).optional(),
  scopes: z.string({ message: 'Scopes are text, separated by spaces.' }).optional(),
  grant: z
    .enum(inforGrants, {
      message: 'The grant is password (backend service with a service account) or client_credentials.',
    })
    .optional(),
  onPremises: z.boolean({ message: 'onPremises is true or false.' }).optional(),
  /** The file had no `iu` (LN 2025+ client-credentials): `iu` was proposed from `pu` and awaits the person's check. */
  gatewayProposed: z.boolean({ message: 'gatewayProposed is true or false.' }).optional(),
  productLine: z.enum(inforProductLines, { message: 'Choose the product line: m3, csi, ln or fsm.' }).optional(),
  productLineDetected: z.boolean({ message: 'productLineDetected is true or false.' }).optional(),
  productLineChosen: z.boolean({ message: 'productLineChosen is true or false.' }).optional(),
  /**
   * CSI: the IDO configuration (`X-Infor-MongooseConfig`), one site of the tenant. Empty works only
   * when the server lists exactly one; with several (CSI_DALS, CSI_EMEA, …) reads stop and name them.
   */
  mongooseConfig: z.string({ message: 'The Mongoose configuration is a name such as CSI_DALS.' }).trim().optional(),
  /** CSI: the site sent as `X-Infor-Site` (public clients send it with the configuration); empty = not sent. */
  csiSite: z
    .string({ message: 'The CSI site is a site code such as DALS.' })
    .trim()
    .max(8, 'A CSI site code is at most 8 characters, e.g. DALS.')
    .optional(),
  /** LN: the company (`X-Infor-LnCompany`); empty = the user's default company. */
  lnCompany: z
    .union([z.number().int().nonnegative(), z.string().trim().regex(/^\d*$/)], {
      message: 'The LN company is a number such as 100.',
    })
    .optional(),
  /**
   * M3: the company (`;cono=`) every call reads; empty = the user's default company. Multi-company
   * tenants need it: EXPORTMI reads only the session's company.
   */
  m3Company: z
    .union(
      [
        z.number().int().min(0).max(999),
        z
          .string()
          .trim()
          .regex(/^\d{0,3}$/),
      ],
      {
        message: 'The M3 company is a number from 0 to 999, such as 100.',
      },
    )
    .optional(),
  /** M3: the division (`;divi=`, sent only with a company); empty = the user's default. */
  m3Division: z
    .string({ message: 'The M3 division is up to three characters, such as AAA.' })
    .trim()
    .max(3, 'The M3 division is up to three characters, such as AAA.')
    .optional(),
  /** M3: days re-read by change date (LMDT) when the change stamp's form is not recognised; default 1. */
  m3LookbackDays: z
    .union(
      [
        z.number().int().min(0).max(60),
        z
          .string()
          .trim()
          .regex(/^\d{0,2}$/),
      ],
      {
        message: 'The M3 look-back is a number of days from 0 to 60.',
      },
    )
    .optional(),
  /** M3: the customer template (CRS610MI/Add CUTM, a CRS610MI/LstTemplates number) new customers are created from. */
  m3CustomerTemplate: z
    .string({ message: 'The M3 customer template is a customer template number such as TMPLDOM.' })
    .trim()
    .max(10, 'The M3 customer template is at most 10 characters (a customer number).')
    .optional(),
  /**
   * M3: the supplier template (CRS620MI/CopyTemplate STEM) new suppliers are copied from before the
   * mapped fields are set; empty = AddSupplier, which needs all 23 of its mandatory fields mapped.
   */
  m3SupplierTemplate: z
    .string({ message: 'The M3 supplier template is a supplier number such as TMPLSUP.' })
    .trim()
    .max(10, 'The M3 supplier template is at most 10 characters (a supplier number).')
    .optional(),
  /** M3 EXPORTMI field separator, one character; empty = try rare characters in turn (values are never quoted). */
  m3Separator: z
    .string({ message: 'The M3 separator is one character.' })
    .length(1, 'The M3 separator is one character.')
    .optional(),
  /** M3: a server cap on maxrecs below the 10,000 rows a call asks for at most (found by the tenant check). */
  m3MaxRecs: z
    .union(
      [
        z.number().int().min(3).max(10_000),
        z
          .string()
          .trim()
          .regex(/^\d{0,5}$/),
      ],
      {
        message: 'The M3 rows per call is a number from 3 to 10000.',
      },
    )
    .optional(),
  /** FSM: the largest `_limit` the tenant answers, when below the 1000 reads ask for (set by the tenant check). */
  fsmMaxLimit: z
    .union(
      [
        z.number().int().min(1).max(1000),
        z
          .string()
          .trim()
          .regex(/^\d{0,4}$/),
      ],
      {
        message: 'The FSM page limit is a number from 1 to 1000.',
      },
    )
    .optional(),
  /** Per-entity source overrides, as JSON text (checked in detail when the connector opens). */
  entitySources: z
    .string({ message: 'entitySources is JSON text.' })
    .superRefine((value, context) => {
      const problem = entitySourcesProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});
export type InforSettings = z.infer<typeof inforSettingsSchema>;
