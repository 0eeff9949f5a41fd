import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import { draftFromFlow, draftFromMapping, validateDraft } from '../../../renderer/src/features/flows/flow-draft';

describe('flow drafts of order lines', () => {
  const connections = [
    { id: 'infor-1', system: 'infor' },
    { id: 'dyn-1', system: 'dynamics' },
  ] as unknown as Connection[];
  const lineMapping = {
    id: 'm2',
    name: 'Order lines',
    sourceEntity: 'salesOrders',
    sourceLines: 'lines',
    targetEntity: 'salesorderdetail',
  } as Mapping;

  it('takes the list from a line mapping, asks for the line key, and saves each + parent (+ the dependency)', () => {
    const draft = { ...draftFromMapping(lineMapping, connections, 'UTC'), matchKey: ['mlc_inforlineid'] };
    expect(draft.linesPath).toBe('lines');
    expect(validateDraft(draft).errors.lineKey).toMatch(/PONR, POSX/);
    const { input, errors } = validateDraft({ ...draft, lineKey: 'PONR, POSX', parentFlowId: 'orders-flow' });
    expect(errors).toEqual({});
    expect(input?.source.each).toEqual({ path: 'lines', lineKey: ['PONR', 'POSX'] });
    expect(input?.parent).toEqual({ flowId: 'orders-flow' });
    expect(input?.dependsOn).toEqual(['orders-flow']);
    const back = draftFromFlow({ ...input!, id: 'f2', createdAt: '', updatedAt: '' } as Flow, 'UTC');
    expect(back).toMatchObject({ linesPath: 'lines', lineKey: 'PONR, POSX', parentFlowId: 'orders-flow' });
  });

  it('refuses a parent flow without a list of lines', () => {
    const draft = {
      ...draftFromMapping({ ...lineMapping, sourceLines: undefined }, connections, 'UTC'),
      matchKey: ['mlc_inforordernumber'],
      parentFlowId: 'orders-flow',
    };
    expect(validateDraft(draft).errors.parentFlowId).toMatch(/one record per line/);
  });
});
