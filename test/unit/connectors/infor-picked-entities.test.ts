import { describe, expect, it } from 'vitest';
import { inforDescriptorFor } from '../../../electron/backend/connectors/infor/infor.descriptor';
import { resolveSources } from '../../../electron/backend/connectors/infor/infor-sources';
import { entitySourcesProblem, inforSettingsSchema } from '../../../shared/connectors/infor.settings';

/** Issue 14: entitySources holds picked entities (`m3.OCUSMA`) beside the six built-ins. */
describe('picked Infor entities in entitySources', () => {
  const settings = (entitySources: string) =>
    inforSettingsSchema.safeParse({
      tenant: 'T',
      iu: 'https://gw.example.com',
      pu: 'https://sso.example.com/T/as/',
      ot: 'token.oauth2',
      ci: 'client',
      entitySources,
    });

  it('accepts built-in and picked ids, refuses any other key and a picked entity that is not an object', () => {
    expect(settings(JSON.stringify({ customers: { mode: 'list' }, invoices: null })).success).toBe(true);
    expect(
      settings(
        JSON.stringify({
          'm3.OCUSMA': { table: 'OCUSMA', keys: ['OKCUNO'] },
          'csi.SLItems': { ido: 'SLItems', keys: ['Item'] },
          'ln.tcapi.comBusinessPartner.BusinessPartners': {
            service: 'tcapi.comBusinessPartner',
            set: 'X',
            keys: ['A'],
          },
          'fsm.GeneralLedgerTotal': { className: 'GeneralLedgerTotal', keys: ['A'] },
        }),
      ).success,
    ).toBe(true);
    expect(entitySourcesProblem(JSON.stringify({ customer: {} }))).toMatch(/"customer" is neither/);
    expect(entitySourcesProblem(JSON.stringify({ 'sap.KNA1': {} }))).toMatch(/"sap.KNA1" is neither/);
    expect(entitySourcesProblem(JSON.stringify({ 'm3.OCUSMA': null }))).toMatch(/m3.OCUSMA must be an object/);
    expect(entitySourcesProblem('[1]')).toMatch(/JSON object/);
    expect(settings('{').success).toBe(false);
  });

  it('resolves a picked entity of the connection’s product line as a whole source, and names what is missing', () => {
    const text = JSON.stringify({
      'm3.OOLINE': { table: 'OOLINE', keys: ['OBORNO', 'OBPONR', 'OBPOSX'], label: 'Order lines' },
      'csi.SLItems': { ido: 'SLItems', keys: ['Item'] },
    });
    const m3 = resolveSources('m3', text);
    expect(m3['m3.OOLINE']).toMatchObject({ table: 'OOLINE', mode: 'table', label: 'Order lines' });
    // Another product line's picks stay stored but are not offered.
    expect(m3['csi.SLItems']).toBeUndefined();
    expect(Object.keys(resolveSources('csi', text))).toContain('csi.SLItems');
    expect(() => resolveSources('m3', JSON.stringify({ 'm3.OOLINE': { table: 'OOLINE' } }))).toThrow(
      /entitySources.m3.OOLINE for m3: keys/,
    );
  });

  it('the descriptor lists the six plus the picked entities: read-only, incremental only with a stamp', () => {
    const sources = resolveSources(
      'm3',
      JSON.stringify({
        'm3.OOLINE': { table: 'OOLINE', keys: ['OBORNO', 'OBPONR'], stamp: 'OBLMTS' },
        'm3.CSYTAB': { table: 'CSYTAB', keys: ['CTDIVI', 'CTSTCO'] },
      }),
    ) as Record<string, unknown>;
    const entities = inforDescriptorFor('m3', sources).entities;
    expect(Object.keys(entities)).toEqual([
      'customers',
      'suppliers',
      'salesOrders',
      'purchaseOrders',
      'invoices',
      'glAccounts',
      'm3.OOLINE',
      'm3.CSYTAB',
    ]);
    expect(entities['m3.OOLINE']).toMatchObject({
      label: 'm3.OOLINE',
      keyFields: ['ORNO', 'PONR'],
      write: { mode: 'read-only' },
    });
    expect(entities['m3.OOLINE']!.read?.modifiedSince).toBeDefined();
    expect(entities['m3.CSYTAB']!.read?.modifiedSince).toBeUndefined();
  });
});
