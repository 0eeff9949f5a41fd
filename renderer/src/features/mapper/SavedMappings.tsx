import { useEffect, useRef, useState } from 'react';
import type { MappingVersionInfo } from '../../../../shared/api/sync.contract';
import type { Mapping, MappingId } from '../../../../shared/domain/flow';
import { api } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { ChoiceDialog } from './ChoiceDialog';
import './saved-mappings.css';

type Users = Array<{ id: string; name: string }>;
type Notice = { tone: 'ok' | 'danger'; text: string };

/**
 * The saved mappings with what can be done to them: open, rename, duplicate, delete (saying which
 * flows use it first) and History (every saved version, a field-by-field diff, Restore).
 */
export function SavedMappings({
  mappings,
  describe,
  onOpen,
  onChanged,
}: {
  mappings: Mapping[];
  /** "(Infor M3 → Zoho CRM)" beside the entities. */
  describe(mapping: Mapping): string;
  onOpen(mapping: Mapping): void;
  /** Something changed in the store: read the list again. */
  onChanged(): Promise<void> | void;
}) {
  const [renaming, setRenaming] = useState<{ id: string; name: string }>();
  const [deleting, setDeleting] = useState<{ mapping: Mapping; users: Users }>();
  const [historyId, setHistoryId] = useState<string>();
  // The list's copy: a rename or restore elsewhere in the list shows at once.
  const history = mappings.find((mapping) => mapping.id === historyId);
  const [notice, setNotice] = useState<Notice>();
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<Notice>) => {
    setBusy(true);
    try {
      setNotice(await work());
      await onChanged();
    } finally {
      setBusy(false);
    }
  };

  const rename = (id: string, name: string) =>
    act(async () => {
      const result = await api.invoke('mappings.rename', { id: id as MappingId, name });
      if (!result.ok) return { tone: 'danger', text: `Not renamed: ${result.error.message}` };
      setRenaming(undefined);
      return { tone: 'ok', text: `Renamed to “${result.value.name}”.` };
    });
  const duplicate = (mapping: Mapping) =>
    act(async () => {
      const result = await api.invoke('mappings.duplicate', { id: mapping.id });
      if (!result.ok) return { tone: 'danger', text: `Not duplicated: ${result.error.message}` };
      return { tone: 'ok', text: `Duplicated “${mapping.name}” as “${result.value.name}”.` };
    });
  const askDelete = async (mapping: Mapping) => {
    const usage = await api.invoke('mappings.usage', { id: mapping.id });
    if (!usage.ok) return setNotice({ tone: 'danger', text: usage.error.message });
    setDeleting({ mapping, users: usage.value.flows });
  };
  const remove = (mapping: Mapping) =>
    act(async () => {
      const result = await api.invoke('mappings.remove', { id: mapping.id });
      setDeleting(undefined);
      if (!result.ok) return { tone: 'danger', text: result.error.message };
      if (historyId === mapping.id) setHistoryId(undefined);
      return { tone: 'ok', text: `Deleted “${mapping.name}”.` };
    });

  return (
    <section className="panel" data-testid="saved-mappings">
      <h2>Saved mappings</h2>
      {notice && (
        <p
          className={`banner banner-${notice.tone}`}
          role={notice.tone === 'danger' ? 'alert' : 'status'}
          data-testid="mapping-notice"
        >
          {notice.text}
        </p>
      )}
      {mappings.length === 0 ? (
        <p className="muted">No mapping saved yet. Pick a source and a target above to draw the first one.</p>
      ) : (
        <table className="table" data-testid="mapping-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source → target</th>
              <th>Updated</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {mappings.map((mapping) => (
              <tr key={mapping.id} data-testid="mapping-row" data-name={mapping.name}>
                <td>
                  {renaming?.id === mapping.id ? (
                    <form
                      className="rename-form"
                      onSubmit={(event) => {
                        event.preventDefault();
                        if (renaming.name.trim()) void rename(mapping.id, renaming.name.trim());
                      }}
                    >
                      <input
                        className="input"
                        aria-label={`New name for ${mapping.name}`}
                        value={renaming.name}
                        // Focus moves into the field the person just asked to edit.
                        autoFocus
                        onChange={(event) => setRenaming({ id: mapping.id, name: event.target.value })}
                        onKeyDown={(event) => event.key === 'Escape' && setRenaming(undefined)}
                        data-testid="rename-input"
                      />
                      <button
                        type="submit"
                        className="button primary"
                        disabled={busy || !renaming.name.trim()}
                        data-testid="rename-save"
                      >
                        Save
                      </button>
                      <button type="button" className="button" onClick={() => setRenaming(undefined)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    mapping.name
                  )}
                </td>
                <td>
                  <code>{mapping.sourceEntity}</code> → <code>{mapping.targetEntity}</code>
                  <span className="muted small"> {describe(mapping)}</span>
                </td>
                <td className="muted" data-testid="mapping-updated" title={mapping.updatedAt}>
                  {formatDateTime(mapping.updatedAt)}
                </td>
                <td className="actions mapping-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() => onOpen(mapping)}
                    data-testid={`open-mapping-${mapping.name}`}
                  >
                    Open
                  </button>
                  <button
                    type="button"
                    className="button ghost"
                    disabled={busy}
                    onClick={() => setRenaming({ id: mapping.id, name: mapping.name })}
                    data-testid="mapping-rename"
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="button ghost"
                    disabled={busy}
                    onClick={() => void duplicate(mapping)}
                    data-testid="mapping-duplicate"
                  >
                    Duplicate
                  </button>
                  <button
                    type="button"
                    className="button ghost"
                    aria-expanded={history?.id === mapping.id}
                    onClick={() => setHistoryId(historyId === mapping.id ? undefined : mapping.id)}
                    data-testid="mapping-history"
                  >
                    History
                  </button>
                  <button
                    type="button"
                    className="button ghost danger"
                    disabled={busy}
                    onClick={() => void askDelete(mapping)}
                    data-testid="mapping-delete"
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history && (
        <MappingHistory
          key={`${history.id}:${history.updatedAt}`}
          mapping={history}
          onRestored={async (restored, version) => {
            setNotice({ tone: 'ok', text: `Restored version ${version} of “${restored.name}” as a new version.` });
            await onChanged();
          }}
          onClose={() => setHistoryId(undefined)}
        />
      )}
      {deleting && (
        <DeleteDialog
          {...deleting}
          busy={busy}
          onDelete={() => void remove(deleting.mapping)}
          onClose={() => setDeleting(undefined)}
        />
      )}
    </section>
  );
}

function DeleteDialog({
  mapping,
  users,
  busy,
  onDelete,
  onClose,
}: {
  mapping: Mapping;
  users: Users;
  busy: boolean;
  onDelete(): void;
  onClose(): void;
}) {
  if (users.length > 0)
    return (
      <ChoiceDialog
        title={`“${mapping.name}” is in use`}
        testId="delete-mapping-dialog"
        initial={0}
        onCancel={onClose}
        choices={[{ label: 'Close', onChoose: onClose, testId: 'delete-mapping-close' }]}
      >
        <p>
          {users.length === 1 ? 'This flow runs it' : `These ${users.length} flows run it`}; remove{' '}
          {users.length === 1 ? 'that flow' : 'them'} or give {users.length === 1 ? 'it' : 'them'} another mapping on
          the Flows screen before deleting the mapping:
        </p>
        <ul data-testid="delete-mapping-users">
          {users.map((flow) => (
            <li key={flow.id}>{flow.name}</li>
          ))}
        </ul>
      </ChoiceDialog>
    );
  return (
    <ChoiceDialog
      title={`Delete “${mapping.name}”?`}
      testId="delete-mapping-dialog"
      busy={busy}
      initial={1}
      onCancel={onClose}
      choices={[
        { label: 'Delete', tone: 'danger', onChoose: onDelete, testId: 'delete-mapping-confirm' },
        { label: 'Keep it', onChoose: onClose, testId: 'delete-mapping-keep' },
      ]}
    >
      <p>
        No flow uses it. The mapping and its History are deleted; past runs keep the JSONata they ran with, so their
        failed records can still be replayed.
      </p>
    </ChoiceDialog>
  );
}

type Diff = { from: number; to: number; changes: Array<{ field: string; kind: string; message: string }> };

/** Every saved version, newest first; pick one to see what differs from the current design, and Restore it. */
function MappingHistory({
  mapping,
  onRestored,
  onClose,
}: {
  mapping: Mapping;
  onRestored(mapping: Mapping, version: number): Promise<void>;
  onClose(): void;
}) {
  const [versions, setVersions] = useState<MappingVersionInfo[]>();
  const [error, setError] = useState<string>();
  const [diff, setDiff] = useState<Diff>();
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLElement>(null);
  const diffBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    void api.invoke('mappings.versions', { id: mapping.id }).then((result) => {
      if (!live) return;
      if (result.ok) setVersions(result.value);
      else setError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [mapping.id]);
  // It opens below the list: bring it into view rather than leave it below the fold.
  useEffect(() => {
    // A block, not an arrow expression: newer Chromium returns a promise here, which React would call as cleanup.
    panel.current?.scrollIntoView({ block: 'nearest' });
  }, [versions]);
  useEffect(() => {
    diffBox.current?.scrollIntoView({ block: 'nearest' });
  }, [diff]);

  const compare = async (version: number) => {
    const result = await api.invoke('mappings.diff', { id: mapping.id, from: version });
    if (result.ok) setDiff(result.value);
    else setError(result.error.message);
  };
  const restore = async (version: number) => {
    setBusy(true);
    const result = await api.invoke('mappings.restore', { id: mapping.id, version });
    setBusy(false);
    if (!result.ok) return setError(`Not restored: ${result.error.message}`);
    await onRestored(result.value, version);
  };

  return (
    <section ref={panel} className="mapping-history" aria-label={`History of ${mapping.name}`} data-testid="history">
      <header className="mapping-history-head">
        <h3>History of “{mapping.name}”</h3>
        <button type="button" className="button ghost" onClick={onClose} data-testid="history-close">
          Close
        </button>
      </header>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!versions ? (
        <p className="muted">Reading the saved versions…</p>
      ) : (
        <div className="mapping-history-body">
          <ol className="mapping-versions" data-testid="history-versions">
            {versions.map((version) => (
              <li
                key={version.version}
                data-testid="history-version"
                data-version={version.version}
                aria-current={diff?.from === version.version ? 'true' : undefined}
              >
                <span className="version-label">
                  <strong>Version {version.version}</strong> · {formatDateTime(version.createdAt)}
                  {version.restoredFrom !== null && (
                    <span className="muted"> · restored from version {version.restoredFrom}</span>
                  )}
                  {version.name !== mapping.name && <span className="muted"> · saved as “{version.name}”</span>}
                  {version.current && <span className="tag tag-accent">current</span>}
                </span>
                {!version.current && (
                  <span className="version-actions">
                    <button
                      type="button"
                      className="button ghost"
                      onClick={() => void compare(version.version)}
                      data-testid="history-compare"
                    >
                      Compare with current
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => void restore(version.version)}
                      data-testid="history-restore"
                    >
                      Restore
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ol>
          {versions.length === 1 && (
            <p className="muted">Only one version so far: every save that changes it adds one.</p>
          )}
          {diff && (
            <div ref={diffBox} className="mapping-diff" data-testid="history-diff">
              <h4>
                From version {diff.from} to version {diff.to} (current)
              </h4>
              {diff.changes.length === 0 ? (
                <p className="muted">They map the same.</p>
              ) : (
                <ul>
                  {diff.changes.map((change, index) => (
                    <li key={index} data-kind={change.kind} data-testid="history-change">
                      <span
                        className={`tag tag-${change.kind === 'removed' ? 'danger' : change.kind === 'added' ? 'ok' : 'warn'}`}
                      >
                        {change.kind}
                      </span>{' '}
                      {change.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
}
