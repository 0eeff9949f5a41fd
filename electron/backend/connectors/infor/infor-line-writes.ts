import type { ConnectorDescriptorInput } from '../../../../shared/connectors/descriptor';
import type { ConnectorHooks } from '../framework/hooks';
import { fsmLookup, fsmWriteBatch } from './fsm-write';
import type { FsmSource, LnSource, ProductLine } from './infor-sources';
import { lnLookup, lnWriteBatch } from './ln-write';

type WriteSpec = ConnectorDescriptorInput['entities'][string]['write'];

/**
 * LN and FSM as targets (issue 16): customers and suppliers, upserted by key (ln-write.ts,
 * fsm-write.ts). LN: one read by key and one POST/PATCH per record. FSM: one list lookup per record
 * and one Create and one Update batch per batch of 50; FSM matches by the number (Customer, Vendor)
 * with the group from the record (or `group/number` in lookups), as the engine matches on one field.
 */
export const lineWrites: Partial<Record<ProductLine, Partial<Record<string, WriteSpec>>>> = {
  ln: {
    customers: {
      mode: 'create+update',
      endpoint: 'LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners',
      matchKeys: ['BusinessPartner'],
      maxBatch: 50,
      maxPayloadBytes: 1_000_000,
    },
    suppliers: {
      mode: 'create+update',
      endpoint: 'LN/lnapi/odata/tcapi.comBusinessPartner/BuyfromBusinessPartners',
      matchKeys: ['BuyfromBusinessPartner'],
      maxBatch: 50,
      maxPayloadBytes: 1_000_000,
    },
  },
  fsm: {
    customers: {
      mode: 'create+update',
      endpoint: 'FSM/fsm/soap/classes/Customer/actions',
      matchKeys: ['Customer'],
      maxBatch: 50,
      maxPayloadBytes: 1_000_000,
    },
    suppliers: {
      mode: 'create+update',
      endpoint: 'FSM/fsm/soap/classes/Vendor/actions',
      matchKeys: ['Vendor'],
      maxBatch: 50,
      maxPayloadBytes: 1_000_000,
    },
  },
};

/** The lookup and write hooks of LN and FSM connections; none for the other product lines. */
export function lineWriteHooks(
  productLine: ProductLine,
  sourceOf: <T>(entity: string) => T,
): Pick<ConnectorHooks, 'lookup' | 'writeBatch'> | Record<string, never> {
  switch (productLine) {
    case 'ln':
      return {
        lookup: (context, entity, matchKey, values, signal) =>
          lnLookup(context, entity, sourceOf<LnSource>(entity), matchKey, values, signal),
        writeBatch: (context, entity, records, matchKey, options) =>
          lnWriteBatch(context, entity, sourceOf<LnSource>(entity), records, matchKey, options?.signal),
      };
    case 'fsm':
      return {
        lookup: (context, entity, matchKey, values, signal) =>
          fsmLookup(context, entity, sourceOf<FsmSource>(entity), matchKey, values, signal),
        writeBatch: (context, entity, records, matchKey, options) =>
          fsmWriteBatch(context, entity, sourceOf<FsmSource>(entity), records, matchKey, options?.signal),
      };
    default:
      return {};
  }
}
