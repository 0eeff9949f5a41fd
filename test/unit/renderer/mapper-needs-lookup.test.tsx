import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import { field, type EntitySchema } from '../../../shared/domain/entity-schema';
import { validateMapping } from '../../../shared/mapping';
import { graphForSchemas } from '../../../renderer/src/features/mapper/model/graph-edits';
import { IssuesPanel } from '../../../renderer/src/features/mapper/panels/IssuesPanel';
import { MapperStoreProvider } from '../../../renderer/src/features/mapper/store/mapper-context';
import { createMapperStore } from '../../../renderer/src/features/mapper/store/mapper.store';
import { m3Customers } from '../../mapping/schemas';

/** The Mapper shows a reference field fed a copied value as "needs a lookup", and auto-map leaves it alone. */
const required = { onCreate: true, onUpdate: false };
const salesforceOrder: EntitySchema = {
  system: 'salesforce',
  entity: 'Order',
  label: 'Order',
  hash: 'sf-order',
  fetchedAt: '2026-01-01T00:00:00Z',
  keyFields: ['Infor_Order_No__c'],
  fields: [
    field('Infor_Order_No__c', 'string', { label: 'Infor Order No', externalId: true }),
    field('AccountId', 'reference', { label: 'Account ID', required, referenceTo: 'Account' }),
    field('EffectiveDate', 'date', { label: 'Order Start Date', required }),
    field('Status', 'picklist', { label: 'Status', required }),
    // Named like the source field, the strongest pull auto-map has.
    field('CUNO', 'reference', { label: 'Customer number', referenceTo: 'Account' }),
  ],
};

function openStore() {
  return createMapperStore(graphForSchemas(m3Customers, salesforceOrder), {
    name: 'M3 customers → Salesforce orders',
    source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
    target: { connectionId: 'c-sf' as ConnectionId, entity: 'Order', schema: salesforceOrder },
  });
}

describe('Mapper: reference fields need a lookup', () => {
  it('lists a copied customer number in AccountId as a needs-lookup warning on that field', async () => {
    const store = openStore();
    const connected = store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNO', target: 'target', targetHandle: 'AccountId' });
    expect(connected.ok).toBe(true);
    const report = await validateMapping(store.getState().graph, salesforceOrder);
    store.getState().setPreview(undefined, report);
    // Server rendering reads a zustand store's initial state; show it the state the edits left.
    const current = store.getState();
    store.getInitialState = () => current;
    const html = renderToStaticMarkup(
      <MapperStoreProvider store={store}>
        <IssuesPanel />
      </MapperStoreProvider>,
    );
    expect(html).toMatch(/data-code="needs-lookup"/);
    expect(html).toContain('Account ID needs a lookup');
    expect(html).toContain('$lookupRef/$lookupId');
  });

  it('auto-map proposes no copy into a reference field', () => {
    const store = openStore();
    store.getState().runAutoMap();
    const targets = store.getState().suggestions.map((suggestion) => suggestion.target);
    expect(targets).not.toContain('CUNO');
    expect(targets).not.toContain('AccountId');
  });
});
