import { describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import { graphForSchemas, mapField } from '../../../renderer/src/features/mapper/model/graph-edits';
import { createMapperStore, redo, undo } from '../../../renderer/src/features/mapper/store/mapper.store';
import { field } from '../../../shared/domain/entity-schema';
import { encodePath } from '../../../shared/mapping/field-path';
import { dynamicsAccount, m3Customers, salesforceAccount, zohoAccounts } from '../../mapping/schemas';

const salesforceAccountWithKey = {
  ...salesforceAccount,
  keyFields: ['Id'],
  fields: [
    ...salesforceAccount.fields,
    field('Infor_Customer_Number__c', 'string', { label: 'Infor Customer Number', externalId: true }),
  ],
};

function openStore() {
  return createMapperStore(graphForSchemas(m3Customers, zohoAccounts), {
    name: 'M3 customers → Zoho accounts',
    source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
    target: { connectionId: 'c-zoho' as ConnectionId, entity: 'Accounts', schema: zohoAccounts },
  });
}

const edgeTargets = (store: ReturnType<typeof openStore>) =>
  store
    .getState()
    .graph.edges.map((edge) => edge.targetHandle)
    .sort();

describe('mapping store: undo and redo', () => {
  it('undoes and redoes graph edits and nothing else', () => {
    const store = openStore();
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    const result = store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' });
    expect(result.ok).toBe(true);
    store.getState().setSelection(new Set(['source']), new Set());
    store.getState().setSearch('cu');
    store.getState().showPanel('preview');
    expect(store.temporal.getState().pastStates).toHaveLength(1);

    undo(store);
    expect(store.getState().graph.edges).toHaveLength(0);
    expect(store.getState().compiled.expression).not.toContain('Account_Name');
    redo(store);
    expect(edgeTargets(store)).toEqual(['Account_Name']);
    expect(store.getState().compiled.expression).toContain('"Account_Name": CUNM');
  });

  it('refuses a connection canConnect refuses, says why, and records no step', () => {
    const store = openStore();
    const result = store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CRL1', target: 'target', targetHandle: 'Account_Name' });
    expect(result.ok).toBe(false);
    expect(store.getState().notice?.message).toMatch(/add a conversion function/);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });

  it('records a whole drag as one step when it ends', () => {
    const store = openStore();
    store.getState().dragTo({ target: { x: 700, y: 10 } });
    store.getState().dragTo({ target: { x: 720, y: 30 } });
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    expect(store.getState().graph.nodes[1]?.position).toEqual({ x: 580, y: 0 });
    store.getState().commitPositions(new Map(Object.entries(store.getState().dragPositions)));
    expect(store.getState().graph.nodes[1]?.position).toEqual({ x: 720, y: 30 });
    expect(store.getState().dragPositions).toEqual({});
    expect(store.temporal.getState().pastStates).toHaveLength(1);
    undo(store);
    expect(store.getState().graph.nodes[1]?.position).toEqual({ x: 580, y: 0 });
  });

  it('deletes the selection, keeps the schema trees, and can bring it back', () => {
    const store = openStore();
    const id = store.getState().addNodeAt({ kind: 'function', name: 'trim' }, { x: 300, y: 100 });
    store.getState().connectPorts({ source: 'source', sourceHandle: 'CUNM', target: id, targetHandle: 'in0' });
    store.getState().setSelection(new Set([id, 'source']), new Set());
    store.getState().deleteSelection();
    expect(store.getState().graph.nodes.map((node) => node.id)).toEqual(['source', 'target']);
    expect(store.getState().graph.edges).toHaveLength(0);
    undo(store);
    expect(store.getState().graph.nodes.map((node) => node.id)).toContain(id);
    expect(store.getState().graph.edges).toHaveLength(1);
  });
});

describe('mapping store: auto-map suggestions', () => {
  it('accepts and rejects one at a time, and accept-all is one undoable step', () => {
    const store = openStore();
    const count = store.getState().runAutoMap();
    expect(count).toBeGreaterThan(3);
    const targets = store.getState().suggestions.map((row) => row.target);
    expect(targets).toEqual(expect.arrayContaining(['Account_Name', 'Account_Number', 'Billing_City']));

    store.getState().rejectSuggestion('Phone');
    store.getState().acceptSuggestion('Account_Name');
    expect(edgeTargets(store)).toEqual(['Account_Name']);
    expect(store.getState().suggestions.find((row) => row.target === 'Phone')?.status).toBe('rejected');

    const stepsBefore = store.temporal.getState().pastStates.length;
    store.getState().acceptAll();
    expect(store.temporal.getState().pastStates.length).toBe(stepsBefore + 1);
    const accepted = store
      .getState()
      .suggestions.filter((row) => row.status === 'accepted')
      .map((row) => row.target);
    expect(edgeTargets(store)).toEqual(expect.arrayContaining(accepted));
    expect(edgeTargets(store)).not.toContain('Phone');
    expect(store.getState().suggestions.filter((row) => row.status === 'pending')).toHaveLength(0);

    undo(store);
    expect(edgeTargets(store)).toEqual(['Account_Name']);
  });

  it('previews coded pairs as needing a value map, and an accepted match key becomes the mapping’s match key', () => {
    const store = openStore();
    store.getState().runAutoMap();
    const rows = new Map(store.getState().suggestions.map((row) => [row.target, row]));
    expect(rows.get('Payment_Terms')).toMatchObject({ source: 'TEPY', needs: 'valueMap' });
    expect(rows.get('Account_Number')).toMatchObject({ source: 'CUNO', reason: 'matchKey' });
    expect(store.getState().graph.matchKey ?? []).toEqual([]);
    store.getState().rejectAll();
    expect(store.getState().suggestions.every((row) => row.status === 'rejected')).toBe(true);

    const keyed = createMapperStore(graphForSchemas(m3Customers, salesforceAccountWithKey), {
      name: 'M3 customers → Salesforce accounts',
      source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
      target: { connectionId: 'c-sf' as ConnectionId, entity: 'Account', schema: salesforceAccountWithKey },
    });
    keyed.getState().runAutoMap();
    expect(keyed.getState().suggestions[0]).toMatchObject({ target: 'Infor_Customer_Number__c', reason: 'matchKey' });
    keyed.getState().acceptAll();
    expect(keyed.getState().graph.matchKey).toEqual(['Infor_Customer_Number__c']);
  });

  it('lists a reference field the source key can fill as needing a lookup, never as a copy to accept', () => {
    const dataverse = {
      ...dynamicsAccount,
      fields: [
        ...dynamicsAccount.fields,
        field('transactioncurrencyid@odata.bind', 'reference', {
          label: 'Currency',
          referenceTo: 'transactioncurrency',
        }),
      ],
    };
    const store = createMapperStore(graphForSchemas(m3Customers, dataverse), {
      name: 'M3 customers → Dataverse accounts',
      source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
      target: { connectionId: 'c-dv' as ConnectionId, entity: 'accounts', schema: dataverse },
    });
    store.getState().runAutoMap();
    const handle = encodePath([{ name: 'transactioncurrencyid@odata.bind', array: false }]);
    expect(store.getState().suggestions.map((row) => row.target)).not.toContain(handle);
    expect(store.getState().lookupHints).toEqual([{ target: handle, source: 'CUCD', entity: 'transactioncurrency' }]);
    store.getState().acceptAll();
    expect(edgeTargets(store)).not.toContain(handle);
  });

  it('maps text to a number field through a conversion function', () => {
    const { graph, result } = mapField(graphForSchemas(m3Customers, zohoAccounts), 'CUNO', 'Credit_Limit');
    expect(result.ok).toBe(true);
    expect(graph.nodes.find((node) => node.kind === 'function')?.data).toEqual({ name: 'number' });
  });
});

describe('mapping store: JSONata round trip', () => {
  it('keeps the graph while the text does not parse, then applies it', () => {
    const store = openStore();
    store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'TOWN', target: 'target', targetHandle: 'Billing_City' });
    const before = store.getState().graph;
    const text = store.getState().compiled.expression!;
    expect(text.split('\n')[0]).toMatch(/Do not edit by hand/);

    store.getState().editText(text.replace('"Billing_City": TOWN', '"Billing_City": $uppercase(TOWN'));
    expect(store.getState().applyText()).toBe(false);
    expect(store.getState().textError?.message).toMatch(/does not parse/);
    expect(store.getState().graph).toBe(before);

    store.getState().editText(text.replace('"Billing_City": TOWN', '"Billing_City": $uppercase(TOWN)'));
    expect(store.getState().applyText()).toBe(true);
    expect(store.getState().textError).toBeUndefined();
    const upper = store.getState().graph.nodes.find((node) => node.kind === 'function');
    expect(upper?.data).toEqual({ name: 'uppercase' });
    expect(store.getState().compiled.expression).toContain('"Billing_City": $uppercase(TOWN)');
    // The schema nodes keep their ids, so the trees and their positions stay.
    expect(
      store
        .getState()
        .graph.nodes.slice(0, 2)
        .map((node) => node.id),
    ).toEqual(['source', 'target']);

    undo(store);
    expect(store.getState().graph).toBe(before);
    expect(store.getState().compiled.expression).toContain('"Billing_City": TOWN');
  });

  it('keeps what the graph cannot show as a custom node', () => {
    const store = openStore();
    store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' });
    const text = store.getState().compiled.expression!;
    store
      .getState()
      .editText(text.replace('"Account_Name": CUNM', '"Account_Name": $string($count($split(CUNM, " ")))'));
    expect(store.getState().applyText()).toBe(true);
    expect(store.getState().graph.nodes.some((node) => node.kind === 'custom')).toBe(true);
    expect(store.getState().compiled.expression).toContain('$split(CUNM, " ")');
  });
});

describe("mapping store: the user's field order", () => {
  it('keeps the order the text was written in, after the edit and after later canvas edits', () => {
    const store = openStore();
    const connect = (sourceHandle: string, targetHandle: string) =>
      store.getState().connectPorts({ source: 'source', sourceHandle, target: 'target', targetHandle });
    connect('CUNM', 'Account_Name');
    connect('TOWN', 'Billing_City');
    const text = store.getState().compiled.expression!;
    const order = (expression: string | undefined, names: string[]) =>
      names.map((name) => expression?.indexOf(`"${name}"`) ?? -1);
    const [name, city] = order(text, ['Account_Name', 'Billing_City']);
    expect(name).toBeGreaterThan(-1);
    expect(name).toBeLessThan(city!);

    // The user moves Billing_City first.
    expect(text.endsWith('{\n  "Account_Name": CUNM,\n  "Billing_City": TOWN\n}')).toBe(true);
    store
      .getState()
      .editText(
        text.replace('"Account_Name": CUNM,\n  "Billing_City": TOWN', '"Billing_City": TOWN,\n  "Account_Name": CUNM'),
      );
    expect(store.getState().applyText()).toBe(true);
    const [nameAfter, cityAfter] = order(store.getState().compiled.expression, ['Account_Name', 'Billing_City']);
    expect(cityAfter).toBeLessThan(nameAfter!);

    // A later canvas edit keeps it; the new field comes after the written ones.
    expect(connect('PHNO', 'Phone').ok).toBe(true);
    const [nameLater, cityLater, phone] = order(store.getState().compiled.expression, [
      'Account_Name',
      'Billing_City',
      'Phone',
    ]);
    expect(cityLater).toBeLessThan(nameLater!);
    expect(nameLater).toBeLessThan(phone!);
  });
});

describe('mapping store: value maps', () => {
  it('puts a value map in front of a picklist field, seeded from the samples × the picklist', () => {
    const store = openStore();
    store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'TEPY', target: 'target', targetHandle: 'Payment_Terms' });
    store.getState().setSamples('ready', [
      { key: '1', data: { TEPY: 'Net 30' } },
      { key: '2', data: { TEPY: '010' } },
      { key: '3', data: { TEPY: '010' } },
      { key: '4', data: { TEPY: 'net 60' } },
    ]);
    const nodeId = store.getState().insertValueMapFor('Payment_Terms');
    expect(nodeId).toBeDefined();
    const node = store.getState().graph.nodes.find((candidate) => candidate.id === nodeId);
    const entries = node?.kind === 'valueMap' ? node.data.entries : [];
    expect(entries).toHaveLength(3);
    expect(entries).toEqual(
      expect.arrayContaining([
        { from: '010', to: null },
        { from: 'net 60', to: 'Net 60' },
        { from: 'Net 30', to: 'Net 30' },
      ]),
    );
    expect(store.getState().panel).toBe('inspect');
    expect(store.getState().compiled.expression).toContain('$lookup(');
    undo(store);
    expect(store.getState().graph.nodes.some((candidate) => candidate.kind === 'valueMap')).toBe(false);
  });
});
