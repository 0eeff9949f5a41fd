import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import type { RecordAudit } from '../../../shared/domain/run';
import { draftFromFlow, draftFromMapping, validateDraft } from '../../../renderer/src/features/flows/flow-draft';
import { RecordDetail } from '../../../renderer/src/features/runs/RecordDetail';
import { RunNotes } from '../../../renderer/src/features/runs/RunNotes';
import { ReconcileBadge } from '../../../renderer/src/features/flows/ReconcileBadge';

describe('reconcile in the flow form and on the Runs screen', () => {
  const connections = [
    { id: 'infor-1', system: 'infor' },
    { id: 'cin7-1', system: 'cin7' },
  ] as unknown as Connection[];
  const mapping = { id: 'm1', name: 'GL accounts', sourceEntity: 'glAccounts', targetEntity: 'Account' } as Mapping;

  it('saves “Reconcile instead of sync” with or without fixing, and reads it back', () => {
    const draft = { ...draftFromMapping(mapping, connections, 'UTC'), matchKey: ['Code'] };
    expect(draft).toMatchObject({ reconcile: false, reconcileFix: false });
    expect(validateDraft(draft).input?.options?.reconcile).toBeUndefined();

    const report = validateDraft({ ...draft, reconcile: true });
    expect(report.input?.options?.reconcile).toEqual({ fix: false });
    const fixing = validateDraft({ ...draft, reconcile: true, reconcileFix: true });
    expect(fixing.input?.options?.reconcile).toEqual({ fix: true });
    const back = draftFromFlow({ ...fixing.input!, id: 'f1', createdAt: '', updatedAt: '' } as Flow, 'UTC');
    expect(back).toMatchObject({ reconcile: true, reconcileFix: true });
    // Turning reconcile off drops the option, fix or not.
    expect(validateDraft({ ...back, reconcile: false }).input?.options?.reconcile).toBeUndefined();
  });

  it('refuses a reconcile with more than one match key field, or of lines', () => {
    const draft = { ...draftFromMapping(mapping, connections, 'UTC'), matchKey: ['Code', 'Name'], reconcile: true };
    expect(validateDraft(draft).errors.reconcile).toMatch(/one match key field/);
    const lines = { ...draft, matchKey: ['Code'], linesPath: 'lines', lineKey: 'PONR' };
    expect(validateDraft(lines).errors.reconcile).toMatch(/flow of lines cannot reconcile/);
  });

  it('marks a reconcile flow on the Flows screen, saying whether it fixes', () => {
    expect(renderToStaticMarkup(<ReconcileBadge reconcile={undefined} />)).toBe('');
    expect(renderToStaticMarkup(<ReconcileBadge reconcile={{ fix: false }} />)).toContain('reconcile · reports');
    expect(renderToStaticMarkup(<ReconcileBadge reconcile={{ fix: true }} />)).toContain('reconcile · fixes');
  });

  it('shows the reconcile summary apart from what the systems said', () => {
    const html = renderToStaticMarkup(
      <RunNotes
        notes={[
          'Reconcile: 120 match, 3 differ (fixed), 2 only in Infor M3 (created), 1 only in Cin7 Core (reported, never deleted: 999).',
          'Zendesk bulk user import is off on this account: users are written one at a time.',
        ]}
      />,
    );
    expect(html).toContain('Reconcile summary');
    expect(html.match(/data-testid="run-reconcile-summary"/g)).toHaveLength(1);
    expect(html.match(/data-testid="run-note"/g)).toHaveLength(1);
    expect(renderToStaticMarkup(<RunNotes notes={['Reconcile: 6 match.']} />)).not.toContain('What the systems said');
  });

  const row = (outcome: RecordAudit['outcome']): RecordAudit => ({
    id: 1,
    runId: 'r1' as RecordAudit['runId'],
    flowId: 'f1' as RecordAudit['flowId'],
    sourceKey: 'AAA/1/100020',
    sourceStamp: '2025-01-01T00:00:00.000Z',
    sourcePayload: {},
    sourceRaw: null,
    transformedPayload: { Code: '100020', Name: 'Bank fees' },
    targetKey: '100020',
    outcome,
    errorCode: null,
    errorMessage: 'Differs from Cin7 Core 100020: Name.',
    attempt: 1,
    mappingHash: 'abcdef0123456789',
    diff: [{ field: 'Name', before: 'Bank fees (old)', after: 'Bank fees' }],
    createdAt: '2025-01-01T00:00:00.000Z',
  });

  it('shows a differing record’s diff as reported, fixed, or a dry run’s changes', () => {
    const render = (outcome: RecordAudit['outcome'], dryRun: boolean) =>
      renderToStaticMarkup(<RecordDetail row={row(outcome)} dryRun={dryRun} replaying={false} onClose={() => {}} />);
    const reported = render('skipped', false);
    expect(reported).toContain('Differences (reported, not written)');
    expect(reported).toContain('Bank fees (old)');
    expect(render('updated', false)).toContain('Differences fixed');
    expect(render('updated', true)).toContain('Dry-run changes');
  });
});
