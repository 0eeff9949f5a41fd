import { useState } from 'react';
import { formatDateTime } from '../../components/format';
import { api } from '../../api/client';
import { ChoiceDialog } from './ChoiceDialog';
import type { MappingDraft } from './mapper-draft';
import { saveMapping } from './mapper-session';
import { useMapper } from './store/mapper-context';
import type { MapperStore } from './store/mapper.store';

/** Leaving the editor (← or another screen) with unsaved changes: Save / Discard / Keep editing. */
export function LeaveDialog({
  store,
  onLeave,
  onDiscard,
  onKeep,
}: {
  store: MapperStore;
  onLeave(): void;
  onDiscard(): void;
  onKeep(): void;
}) {
  const name = useMapper((state) => state.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const save = async () => {
    setBusy(true);
    setError(undefined);
    const outcome = await saveMapping(api, store);
    setBusy(false);
    if (outcome.saved) onLeave();
    // Nothing compiles yet, or the backend refused: stay, say why; the draft stays too.
    else setError(`${outcome.message} Keep editing, or discard the changes.`);
  };
  return (
    <ChoiceDialog
      title="Leave with unsaved changes?"
      testId="leave-dialog"
      busy={busy}
      error={error}
      initial={2}
      onCancel={onKeep}
      choices={[
        { label: busy ? 'Saving…' : 'Save', tone: 'primary', onChoose: () => void save(), testId: 'leave-save' },
        { label: 'Discard', tone: 'danger', onChoose: onDiscard, testId: 'leave-discard' },
        { label: 'Keep editing', onChoose: onKeep, testId: 'leave-keep' },
      ]}
    >
      <p>“{name.trim() || 'This mapping'}” has changes that are not saved. Save them before you go, or discard them?</p>
    </ChoiceDialog>
  );
}

/** Opening a mapping that has a draft newer than its saved version: restore it, or drop it. */
export function RestoreDialog({
  draft,
  savedVersion,
  onRestore,
  onDiscard,
}: {
  draft: MappingDraft;
  savedVersion?: string;
  onRestore(): void;
  onDiscard(): void;
}) {
  const when = formatDateTime(draft.savedAt);
  return (
    <ChoiceDialog
      title="Unsaved changes found"
      testId="draft-dialog"
      initial={0}
      choices={[
        {
          label: `Restore unsaved changes from ${when}`,
          tone: 'primary',
          onChoose: onRestore,
          testId: 'draft-restore',
        },
        { label: 'Discard draft', tone: 'danger', onChoose: onDiscard, testId: 'draft-discard' },
      ]}
    >
      <p>
        Changes to “{draft.name.trim() || 'this mapping'}” made up to {when} were not saved before the window closed,
        reloaded or crashed. The draft is kept on this computer only.
      </p>
      {savedVersion && draft.base !== savedVersion && (
        <p className="choice-dialog-note" data-testid="draft-base-changed">
          The mapping was saved again ({formatDateTime(savedVersion)}) after these changes began; restoring them
          replaces that version once you save.
        </p>
      )}
    </ChoiceDialog>
  );
}

/**
 * The open errors of the mapping being edited: what does not compile yet and the Issues panel's
 * errors (warnings, such as a type that may not convert, do not stop a save and are not asked about).
 */
export function openIssues(state: ReturnType<MapperStore['getState']>): string[] {
  return [
    ...state.compiled.problems.map((problem) => problem.message),
    ...(state.report?.issues ?? []).filter((issue) => issue.severity === 'error').map((issue) => issue.message),
  ];
}

/** Saving while Issues lists problems: say so first (a flow of it would fail those records). */
export function SaveWithIssuesDialog({
  issues,
  onSave,
  onShowIssues,
  onKeep,
}: {
  issues: string[];
  onSave(): void;
  onShowIssues(): void;
  onKeep(): void;
}) {
  const shown = issues.slice(0, 5);
  return (
    <ChoiceDialog
      title={`Save with ${issues.length} open error${issues.length === 1 ? '' : 's'}?`}
      testId="save-issues-dialog"
      initial={1}
      onCancel={onKeep}
      choices={[
        { label: 'Save anyway', onChoose: onSave, testId: 'save-issues-save' },
        { label: 'Show issues', tone: 'primary', onChoose: onShowIssues, testId: 'save-issues-show' },
        { label: 'Keep editing', onChoose: onKeep, testId: 'save-issues-keep' },
      ]}
    >
      <p>Records a flow runs through this mapping may fail or be written incompletely until these are fixed:</p>
      <ul data-testid="save-issues-list">
        {shown.map((issue, index) => (
          <li key={index}>{issue}</li>
        ))}
      </ul>
      {issues.length > shown.length && <p className="muted">…and {issues.length - shown.length} more in Issues.</p>}
    </ChoiceDialog>
  );
}
