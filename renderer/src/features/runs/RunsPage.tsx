import { useEffect } from 'react';
import type { Flow, FlowId } from '../../../../shared/domain/flow';
import type { Run } from '../../../../shared/domain/run';
import { useAppStore } from '../../app/app.store';
import { EmptyState, ErrorPanel, Loading } from '../../components/StateViews';
import { elapsed, formatDateTime, formatNumber } from '../../components/format';
import { flowsStore, useFlows } from '../flows/flows.instance';
import { RunStatusBadge } from '../flows/FlowsPage';
import { AuditRetention } from './AuditRetention';
import { RunDetail } from './RunDetail';
import { RunHistoryChart } from './RunHistoryChart';
import { runsStore, useRuns } from './runs.instance';
import './runs.css';

export function RunsPage() {
  const load = useRuns((state) => state.load);
  const runs = useRuns((state) => state.runs);
  const error = useRuns((state) => state.error);
  const flowFilter = useRuns((state) => state.flowFilter);
  const selectedRunId = useRuns((state) => state.selectedRunId);
  const openedRun = useRuns((state) => state.openedRun);
  const flows = useFlows((state) => state.flows);
  const go = useAppStore((state) => state.go);

  useEffect(() => {
    void runsStore.getState().refresh();
    if (flowsStore.getState().load === 'idle') void flowsStore.getState().refresh();
    return runsStore.getState().follow();
  }, []);

  const flowOf = (run: Run): Flow | undefined => flows.find((flow) => flow.id === run.flowId);
  const selected =
    runs.find((run) => run.id === selectedRunId) ?? (openedRun?.id === selectedRunId ? openedRun : undefined);

  if (load === 'idle' || (load === 'loading' && runs.length === 0))
    return <Loading label="Loading run history…" testId="runs-loading" />;
  if (load === 'error' && error)
    return (
      <ErrorPanel
        title="Could not load the run history"
        error={error}
        onRetry={() => void runsStore.getState().refresh()}
        testId="runs-error"
      />
    );
  if (runs.length === 0 && !flowFilter)
    return (
      <EmptyState
        icon="≡"
        title="No runs yet"
        testId="runs-empty"
        actions={
          <button type="button" className="button primary" onClick={() => go('flows')}>
            Go to Flows
          </button>
        }
      >
        Every run of a flow lands here with its counters, API calls and an audit row per record. Run a flow (or dry-run
        it) to start the history.
      </EmptyState>
    );

  return (
    <div className="runs-page" data-testid="runs-page">
      <div className="toolbar">
        <label className="form-field inline">
          <span>Flow</span>
          <select
            className="select"
            value={flowFilter ?? ''}
            onChange={(event) =>
              void runsStore.getState().setFlowFilter((event.target.value || undefined) as FlowId | undefined)
            }
            data-testid="runs-flow-filter"
          >
            <option value="">All flows</option>
            {flows.map((flow) => (
              <option key={flow.id} value={flow.id}>
                {flow.name}
              </option>
            ))}
          </select>
        </label>
        <span className="grow" />
        <button type="button" className="button small" onClick={() => void runsStore.getState().refresh()}>
          Refresh
        </button>
      </div>
      <RunHistoryChart
        runs={runs}
        selectedId={selectedRunId}
        onSelect={(run) => void runsStore.getState().openRun(run.id)}
      />
      {selected ? (
        <RunDetail run={selected} flow={flowOf(selected)} />
      ) : selectedRunId ? (
        <Loading label="Opening the run…" />
      ) : runs.length === 0 ? (
        <p className="muted">This flow has not run yet.</p>
      ) : (
        <RunTable runs={runs} flowOf={flowOf} />
      )}
      {!selectedRunId && <AuditRetention />}
    </div>
  );
}

function RunTable({ runs, flowOf }: { runs: Run[]; flowOf(run: Run): Flow | undefined }) {
  return (
    <table className="table runs-table" data-testid="runs-table">
      <thead>
        <tr>
          <th>Started</th>
          <th>Flow</th>
          <th>Status</th>
          <th className="num">Read</th>
          <th className="num">Created</th>
          <th className="num">Updated</th>
          <th className="num">Unchanged</th>
          <th className="num">Failed</th>
          <th className="num">Calls / min.</th>
          <th className="num">Took</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr
            key={run.id}
            className="clickable"
            onClick={() => void runsStore.getState().openRun(run.id)}
            data-testid="run-row"
            data-status={run.status}
          >
            <td>
              <button
                type="button"
                className="link-button"
                onClick={(event) => {
                  event.stopPropagation();
                  void runsStore.getState().openRun(run.id);
                }}
              >
                {formatDateTime(run.startedAt)}
              </button>
              <div className="muted small">{run.trigger}</div>
            </td>
            <td>{flowOf(run)?.name ?? 'Removed flow'}</td>
            <td>
              <RunStatusBadge status={run.status} dryRun={run.dryRun} />
            </td>
            <td className="num">{formatNumber(run.counters.read)}</td>
            <td className="num">{formatNumber(run.counters.created)}</td>
            <td className="num">{formatNumber(run.counters.updated)}</td>
            <td className="num">{formatNumber(run.counters.unchanged)}</td>
            <td className={run.counters.failed > 0 ? 'num failed' : 'num'}>{formatNumber(run.counters.failed)}</td>
            <td className="num">
              {formatNumber(run.calls.source + run.calls.target)} /{' '}
              {formatNumber(run.calls.sourceMinimum + run.calls.targetMinimum)}
            </td>
            <td className="num">{elapsed(run.startedAt, run.finishedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
