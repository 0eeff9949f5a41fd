import { AppError } from '../../../../shared/errors';

/** What M3 as a target writes (customers through CRS610MI, suppliers through CRS620MI): see m3-write.ts. */
export interface M3WriteEntity {
  program: 'CRS610MI' | 'CRS620MI';
  table: 'OCUSMA' | 'CIDMAS';
  prefix: 'OK' | 'ID';
  key: 'CUNO' | 'SUNO';
  add: string;
  change: string;
  get: string;
  /** Supplier: create from a template, then change. */
  copy?: { transaction: string; templateInput: string };
  /** The setting naming the template, and the Add input that takes it (customers). */
  templateSetting: 'm3CustomerTemplate' | 'm3SupplierTemplate';
  addTemplateInput?: string;
}

export const m3WriteEntities: Record<'customers' | 'suppliers', M3WriteEntity> = {
  customers: {
    program: 'CRS610MI',
    table: 'OCUSMA',
    prefix: 'OK',
    key: 'CUNO',
    add: 'Add',
    change: 'ChgBasicData',
    get: 'GetBasicData',
    templateSetting: 'm3CustomerTemplate',
    addTemplateInput: 'CUTM',
  },
  suppliers: {
    program: 'CRS620MI',
    table: 'CIDMAS',
    prefix: 'ID',
    key: 'SUNO',
    add: 'AddSupplier',
    change: 'UpdSupplier',
    get: 'GetBasicData',
    copy: { transaction: 'CopyTemplate', templateInput: 'STEM' },
    templateSetting: 'm3SupplierTemplate',
  },
};

/**
 * Fields a new record must carry besides its key, whatever the connection's settings: CRS610MI/Add's
 * mandatory CUNM and CUA1 (M3H5 catalogue; CUTM comes from the template setting). Suppliers have none
 * that hold for both paths (CopyTemplate needs only STEM and SUNO). The schema marks them required on
 * create, so the engine's payload check stops a record without them before any call.
 */
export const m3CreateRequired: Record<string, string[]> = { customers: ['CUNM', 'CUA1'] };

export function m3WriteEntity(entity: string): M3WriteEntity {
  const found = (m3WriteEntities as Record<string, M3WriteEntity | undefined>)[entity];
  if (!found) throw new AppError('E_INVALID_INPUT', `Infor M3: ${entity} is read-only here.`);
  return found;
}

/** One input of a transaction as `MRS001MI/LstFields` describes it. */
