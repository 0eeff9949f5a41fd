import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import type { RecordAudit } from '../../../shared/domain/run';
import { draftFromFlow, draftFromMapping, validateDraft } from '../../../renderer/src/features/flows/flow-draft';
import { ConflictRulesView } from '../../../renderer/src/features/flows/ConflictRulesView';
import { RecordDetail } from '../../../renderer/src/features/runs/RecordDetail';

describe('conflict rules in the flow form and on the Runs screen', () => {
  const connections = [
    { id: 'dyn-1', system: 'dynamics' },
    { id: 'infor-1', system: 'infor' },
  ] as unknown as Connection[];
  const mapping = {
    id: 'm1',
    name: 'Contacts → customers',
    sourceEntity: 'contact',
    targetEntity: 'customers',
  } as Mapping;
  const draft = { ...draftFromMapping(mapping, connections, 'UTC'), matchKey: ['CUNO'] };

  it('saves no rules by default, a default with per-field rules, and reads them back', () => {
    expect(draft.conflictDefault).toBe('');
    expect(validateDraft(draft).input?.options?.conflicts).toBeUndefined();
    const ruled = validateDraft({
      ...draft,
      conflictDefault: 'newest',
      conflictFields: [
        { field: 'CUNM', winner: 'target' },
        { field: ' PHNO ', winner: 'source' },
      ],
    });
    expect(ruled.input?.options?.conflicts).toEqual({ default: 'newest', fields: { CUNM: 'target', PHNO: 'source' } });
    const back = draftFromFlow({ ...ruled.input!, id: 'f1', createdAt: '', updatedAt: '' } as Flow, 'UTC');
    expect(back.conflictDefault).toBe('newest');
    expect(back.conflictFields).toEqual([
      { field: 'CUNM', winner: 'target' },
      { field: 'PHNO', winner: 'source' },
    ]);
  });

  it('refuses a rule without a field or a field ruled twice', () => {
    const empty = validateDraft({
      ...draft,
      conflictDefault: 'source',
      conflictFields: [{ field: '', winner: 'target' }],
    });
    expect(empty.errors.conflictFields).toMatch(/Name the target field/);
    const twice = validateDraft({
      ...draft,
      conflictDefault: 'source',
      conflictFields: [
        { field: 'CUNM', winner: 'target' },
        { field: 'CUNM', winner: 'newest' },
      ],
    });
    expect(twice.errors.conflictFields).toMatch(/one rule/);
  });

  it('offers the three winners and the per-field rules once a default is chosen', () => {
    const off = renderToStaticMarkup(<ConflictRulesView draft={draft} patch={() => {}} fields={['CUNM', 'PHNO']} />);
    expect(off).toContain('No rules: the source always wins');
    expect(off).not.toContain('data-testid="flow-conflict-fields"');
    const on = renderToStaticMarkup(
      <ConflictRulesView
        draft={{ ...draft, conflictDefault: 'source', conflictFields: [{ field: 'CUNM', winner: 'target' }] }}
        patch={() => {}}
        fields={['CUNM', 'PHNO']}
      />,
    );
    expect(on).toContain('data-testid="flow-conflict-fields"');
    expect(on).toContain('value="CUNM"');
    expect(on).toContain('The newest change wins');
    expect(on).toContain('<option value="PHNO">');
  });

  it('heads a conflict row’s diff as conflicts resolved', () => {
    const row = {
      id: 1,
      runId: 'r1',
      flowId: 'f1',
      sourceKey: 'C0000007',
      sourceStamp: '',
      sourcePayload: {},
      sourceRaw: null,
      transformedPayload: { CUNO: 'X0000007' },
      targetKey: 'X0000007',
      outcome: 'updated',
      errorCode: 'CONFLICT',
      errorMessage: 'Changed on both sides: CUNM (Infor M3’s value kept, rule “target”).',
      attempt: 1,
      mappingHash: 'h',
      diff: [
        { field: 'CUNM', before: 'Target name', after: 'Target name' },
        { field: 'CUA1', before: 'Target street', after: 'Source street' },
      ],
      createdAt: '',
    } as unknown as RecordAudit;
    const html = renderToStaticMarkup(<RecordDetail row={row} dryRun={false} replaying={false} onClose={() => {}} />);
    expect(html).toContain('Conflicts resolved');
    expect(html).toContain('Target name');
    // The rule's words are shown in full; a value the target kept is not shown as struck out.
    expect(html).toContain('data-testid="record-note"');
    expect(html).toContain('Infor M3’s value kept, rule “target”');
    expect(html).toMatch(/<tr data-kept="true"><td class="mono">CUNM<\/td><td class="same">Target name<\/td>/);
    expect(html).toContain('<td class="before">Target street</td><td class="after">Source street</td>');
  });
});
