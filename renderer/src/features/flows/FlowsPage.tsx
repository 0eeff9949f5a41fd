import { Fragment, useEffect, useMemo, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import type { FlowListItem } from '../../../../shared/api/sync.contract';
import type { Connection, ConnectionId } from '../../../../shared/domain/connection';
import { toErrorInfo } from '../../../../shared/errors';
import { api } from '../../api/client';
import { useAppStore } from '../../app/app.store';
import { Badge, EmptyState, ErrorPanel, Loading } from '../../components/StateViews';
import { elapsed, formatDateTime, formatNumber, formatRelative } from '../../components/format';
import { connectionsStore, useConnections } from '../connections/connections.instance';
import { useMapperRequest } from '../mapper/mapper-request';
import { showRun } from '../runs/runs.instance';
import { schemasStore, useSchemas } from '../schemas/schemas.instance';
import { draftFromFlow, draftFromMapping, type FlowDraft } from './flow-draft';
import { flowsStore, useFlows } from './flows.instance';
import type { RunOutcome } from './flows.store';
import { FlowEditor } from './FlowEditor';
import { createReverseFlow, planReverseFlow, type ReversePlan } from './reverse-flow';
import { RunProgress } from './RunProgress';
import { runOutcomeCounts } from './run-progress-text';
import './flows.css';
import { ReconcileBadge } from './ReconcileBadge';

export function FlowsPage() {
  const load = useFlows((state) => state.load);
  const flows = useFlows((state) => state.flows);
  const mappings = useFlows((state) => state.mappings);
  const error = useFlows((state) => state.error);
  const actionError = useFlows((state) => state.actionError);
  const connections = useConnections((state) => state.items);
  const [editing, setEditing] = useState<FlowDraft>();
  const go = useAppStore((state) => state.go);

  useEffect(() => {
    void flowsStore.getState().refresh();
    void connectionsStore.getState().refresh();
    return flowsStore.getState().follow();
  }, []);

  const startNew = () => setEditing(draftFromMapping(mappings[0], connections));

  if (load === 'idle' || load === 'loading') return <Loading label="Loading flows…" testId="flows-loading" />;
  if (load === 'error' && error)
    return (
      <ErrorPanel
        title="Could not load flows"
        error={error}
        onRetry={() => void flowsStore.getState().refresh()}
        testId="flows-error"
      />
    );

  const toolbar = (
    <div className="toolbar">
      <button
        type="button"
        className="button primary"
        onClick={startNew}
        disabled={mappings.length === 0 || editing !== undefined}
        data-testid="new-flow"
      >
        New flow
      </button>
      <span className="muted">
        {formatNumber(flows.length)} {flows.length === 1 ? 'flow' : 'flows'} · {formatNumber(mappings.length)}{' '}
        {mappings.length === 1 ? 'mapping' : 'mappings'} available
      </span>
    </div>
  );

  let body;
  if (mappings.length === 0 && flows.length === 0)
    body = (
      <EmptyState
        icon="↻"
        title="No mappings to run yet"
        testId="flows-empty"
        actions={
          <button type="button" className="button primary" onClick={() => go('mapper')}>
            Open the Mapper
          </button>
        }
      >
        A flow runs a mapping on a schedule: it reads changed records from Infor, maps them and upserts them into the
        target. Draw and save a mapping first.
      </EmptyState>
    );
  else if (flows.length === 0 && !editing)
    body = (
      <EmptyState
        icon="↻"
        title="No flows yet"
        testId="flows-empty"
        actions={
          <button type="button" className="button primary" onClick={startNew}>
            Create a flow from “{mappings[0]!.name}”
          </button>
        }
      >
        Pick a mapping, the connections it reads from and writes to, the match key and a schedule. Dry-run it first to
        see field-by-field differences without writing.
      </EmptyState>
    );
  else
    body = (
      <div className="flow-list" data-testid="flow-list">
        {flows.map((flow) => (
          <FlowCard
            key={flow.id}
            flow={flow}
            flows={flows}
            connections={connections}
            onEdit={() => setEditing(draftFromFlow(flow))}
          />
        ))}
      </div>
    );

  return (
    <div className="flows-page">
      {toolbar}
      {actionError && !editing && (
        <ErrorPanel title="That did not work" error={actionError} testId="flows-action-error" />
      )}
      {editing && (
        <FlowEditor
          key={editing.id ?? 'new'}
          initial={editing}
          connections={connections}
          // Only this editor's own end closes it: a save resolves after the list already shows the new
          // card, so an Edit clicked meanwhile opens another editor that the late save must not close.
          onDone={() => setEditing((current) => (current === editing ? undefined : current))}
        />
      )}
      {body}
    </div>
  );
}

function FlowCard({
  flow,
  flows,
  connections,
  onEdit,
}: {
  flow: FlowListItem;
  flows: FlowListItem[];
  connections: Connection[];
  onEdit(): void;
}) {
  const active = useFlows((state) => state.active[flow.id]);
  const outcome = useFlows((state) => state.outcomes[flow.id]);
  const latest = useFlows((state) => state.latest[flow.id]);
  const mapping = useFlows((state) => state.mappings.find((candidate) => candidate.id === flow.mappingId));
  const { run, cancel, setPaused, remove, preview } = flowsStore.getState();
  const [schedule, setSchedule] = useState<string>();
  const { nextRun, paused, active: scheduled } = flow.scheduleState;
  // "in 8 s" must count down between the backend's updates.
  const now = useClock(nextRun ? 1000 : 15_000);
  const name = (id: string) => connections.find((connection) => connection.id === id)?.name ?? 'missing connection';
  const dependsOn = flow.dependsOn.map((id) => flows.find((candidate) => candidate.id === id)?.name ?? 'removed flow');

  useEffect(() => {
    let live = true;
    // Only the words: the next run comes from the live scheduler, not from a re-computation here.
    void preview(flow.schedule, 1).then(
      (result) => live && setSchedule('code' in result ? `Invalid schedule: ${result.message}` : result.description),
    );
    return () => {
      live = false;
    };
  }, [flow.schedule, preview]);

  // Zoho's daily API credits: what Run now will spend, estimated from earlier runs (refreshed after each).
  const [credits, setCredits] = useState<MethodOutput<'flows.creditBudget'>>([]);
  useEffect(() => {
    let live = true;
    // The budget is advice: a card without it (an error, an old backend) still runs.
    api.invoke('flows.creditBudget', { ids: [flow.id] }).then(
      (result) => live && setCredits(result.ok ? result.value : []),
      () => live && setCredits([]),
    );
    return () => {
      live = false;
    };
  }, [flow.id, latest?.id]);
  const runNow = () => {
    const over = credits.filter((entry) => entry.warn);
    if (over.length > 0 && !window.confirm(`${over.map((entry) => entry.text).join('\n')}\n\nRun anyway?`)) return;
    void run(flow.id, false);
  };

  const reverse = useReversePlan(flow, flows, connections);
  const [reversing, setReversing] = useState(false);
  const go = useAppStore((state) => state.go);
  const makeReverse = async () => {
    if (!reverse.ok) return;
    setReversing(true);
    try {
      const made = await createReverseFlow(api, reverse);
      await flowsStore.getState().refresh();
      // The Mapper opens on the new mapping and lists what could not be turned round.
      useMapperRequest.getState().ask({ mappingId: made.mappingId, reverse: reverse.report });
      go('mapper');
    } catch (error) {
      flowsStore.setState({ actionError: toErrorInfo(error) });
    } finally {
      setReversing(false);
    }
  };

  const confirmRemove = () => {
    if (window.confirm(`Remove the flow “${flow.name}”? Its run history stays in the audit log.`)) void remove(flow.id);
  };

  return (
    <article className="flow-card" data-testid="flow-card" data-flow-id={flow.id} aria-label={flow.name}>
      <header className="flow-card-head">
        <div className="flow-card-title">
          <h3>{flow.name}</h3>
          <span className="muted">{mapping ? `Mapping “${mapping.name}”` : 'Mapping missing'}</span>
        </div>
        <div className="connection-tags">
          {flow.paused && (
            <Badge tone="warn" testId="flow-paused" title="The schedule does not fire until resumed">
              paused
            </Badge>
          )}
          <ReconcileBadge reconcile={flow.options.reconcile} />
          {latest && <RunStatusBadge status={latest.status} dryRun={latest.dryRun} />}
        </div>
      </header>
      <div className="flow-route">
        <div>
          <span className="pane-side">Source</span>
          <strong>{name(flow.source.connectionId)}</strong>
          <span className="mono">{flow.source.entity}</span>
        </div>
        <span className="flow-arrow" aria-hidden="true">
          →
        </span>
        <div>
          <span className="pane-side">Target</span>
          <strong>{name(flow.target.connectionId)}</strong>
          <span className="mono">
            {flow.target.entity} by {flow.target.matchKey.join(' + ')}
          </span>
        </div>
      </div>
      <dl className="kv flow-facts">
        <dt>Schedule</dt>
        <dd
          data-testid="flow-schedule"
          data-state={scheduleStateName(flow)}
          className={paused && flow.schedule.kind !== 'manual' ? 'schedule-paused' : undefined}
        >
          {schedule ?? '…'}
          {paused && flow.schedule.kind !== 'manual' && <span className="schedule-note"> · paused</span>}
        </dd>
        {flow.schedule.kind !== 'manual' && (
          <>
            <dt>Next run</dt>
            <dd data-testid="flow-next-run" data-next-run={nextRun ?? ''}>
              {nextRun ? (
                <span title={formatDateTime(nextRun)}>
                  {Date.parse(nextRun) <= now ? 'due now' : formatRelative(nextRun, now)}
                </span>
              ) : paused ? (
                <span className="muted">none while paused — resume to schedule it</span>
              ) : scheduled ? (
                '…'
              ) : (
                <span className="muted">not scheduled in this window</span>
              )}
            </dd>
          </>
        )}
        {flow.source.each && (
          <>
            <dt>Records</dt>
            <dd data-testid="flow-lines">
              one per line of {flow.source.each.path} (line key {flow.source.each.lineKey.join(', ')})
            </dd>
          </>
        )}
        {dependsOn.length > 0 && (
          <>
            <dt>Runs after</dt>
            <dd>{dependsOn.join(', ')}</dd>
          </>
        )}
        {credits.map((entry) => (
          <Fragment key={entry.connectionId}>
            <dt>Credits</dt>
            <dd
              data-testid="flow-credits"
              data-verdict={entry.verdict}
              className={entry.warn ? 'warn' : undefined}
              title="Zoho counts API credits per org over a rolling 24 hours; an upsert costs 1 credit per call or 1 per 10 records (sources disagree)."
            >
              {entry.text}
            </dd>
          </Fragment>
        ))}
        <dt>Last run</dt>
        <dd
          data-testid="flow-last-run"
          data-run-id={latest?.id ?? ''}
          data-status={latest?.status ?? ''}
          data-trigger={latest?.trigger ?? ''}
        >
          {latest
            ? `${latest.dryRun ? 'dry run ' : ''}${latest.status} ${formatRelative(latest.startedAt, now)} (${triggerWords[latest.trigger] ?? latest.trigger}) · ${formatNumber(latest.counters.read)} read, ${formatNumber(latest.counters.failed)} failed${latest.finishedAt ? ` · took ${elapsed(latest.startedAt, latest.finishedAt)}` : ''}`
            : 'never'}
        </dd>
      </dl>
      {active && <RunProgress active={active} onCancel={() => void cancel(flow.id)} />}
      {!active && outcome && <OutcomeBanner outcome={outcome} />}
      <footer className="connection-actions">
        <button
          type="button"
          className="button small primary"
          onClick={runNow}
          disabled={active !== undefined}
          data-testid="run-now"
        >
          Run now
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => void run(flow.id, true)}
          disabled={active !== undefined}
          data-testid="dry-run"
        >
          Dry run
        </button>
        <button type="button" className="button small ghost" onClick={onEdit} data-testid="edit-flow">
          Edit
        </button>
        <button
          type="button"
          className={flow.paused ? 'button small' : 'button small ghost'}
          onClick={() => void setPaused(flow.id, !flow.paused)}
          data-testid="pause-flow"
          title={flow.paused ? 'Start the schedule again' : 'Stop the schedule until resumed; Run now still works'}
        >
          {flow.paused ? 'Resume' : 'Pause'}
        </button>
        {latest && (
          <button
            type="button"
            className="button small ghost"
            onClick={() => showRun(latest.id)}
            data-testid="open-latest-run"
          >
            History
          </button>
        )}
        <button
          type="button"
          className="button small ghost"
          onClick={() => void makeReverse()}
          disabled={!reverse.ok || reversing}
          title={
            reverse.ok
              ? `A new flow from ${name(flow.target.connectionId)} ${flow.target.entity} back to ${name(flow.source.connectionId)} ${flow.source.entity}, with the mapping turned round`
              : reverse.reason
          }
          data-testid="reverse-flow"
          data-reason={reverse.ok ? '' : reverse.reason}
        >
          {reversing ? 'Reversing…' : 'Reverse flow'}
        </button>
        <span className="grow" />
        <button
          type="button"
          className="button small ghost danger"
          onClick={confirmRemove}
          disabled={active !== undefined}
          data-testid="remove-flow"
        >
          Remove
        </button>
      </footer>
    </article>
  );
}

/** Whether this flow can be turned round, from the live entity lists of both its connections. */
function useReversePlan(flow: FlowListItem, flows: FlowListItem[], connections: Connection[]): ReversePlan {
  const mapping = useFlows((state) => state.mappings.find((candidate) => candidate.id === flow.mappingId));
  const source = useSchemas((state) => state.entities[flow.source.connectionId]);
  const target = useSchemas((state) => state.entities[flow.target.connectionId]);
  useEffect(() => {
    const { loadEntities } = schemasStore.getState();
    void loadEntities(flow.source.connectionId as ConnectionId);
    void loadEntities(flow.target.connectionId as ConnectionId);
  }, [flow.source.connectionId, flow.target.connectionId]);
  return useMemo(() => {
    const failed = source?.state === 'error' ? source : target?.state === 'error' ? target : undefined;
    if (failed?.state === 'error' && !failed.value)
      return { ok: false, reason: `Could not list the entities: ${failed.error.message}` };
    const system = (id: string) => connections.find((connection) => connection.id === id)?.system;
    return planReverseFlow(
      flow,
      mapping,
      { source: source?.value, target: target?.value },
      { source: system(flow.source.connectionId), target: system(flow.target.connectionId) },
      flows,
    );
  }, [flow, flows, mapping, source, target, connections]);
}

const triggerWords: Record<string, string> = {
  manual: 'by hand',
  schedule: 'on schedule',
  startup: 'missed, at start',
  replay: 'replay',
  'dry-run': 'by hand',
  notification: 'on a notification',
  cli: 'from mlc',
};

/** For the card and its tests: what the schedule is doing now. */
function scheduleStateName(flow: FlowListItem): 'manual' | 'paused' | 'active' | 'inactive' {
  if (flow.schedule.kind === 'manual') return 'manual';
  if (flow.scheduleState.paused) return 'paused';
  return flow.scheduleState.active ? 'active' : 'inactive';
}

/** The current time, re-read every `everyMs`, so relative times ("in 8 s", "2 min ago") move on. */
function useClock(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function RunStatusBadge({ status, dryRun }: { status: string; dryRun?: boolean }) {
  const tone =
    status === 'succeeded'
      ? 'ok'
      : status === 'partial'
        ? 'warn'
        : status === 'running'
          ? 'accent'
          : status === 'cancelled'
            ? 'neutral'
            : 'danger';
  return (
    <span className={`tag tag-${tone}`} data-testid="run-status">
      {dryRun ? `dry run · ${status}` : status}
    </span>
  );
}

function OutcomeBanner({ outcome }: { outcome: RunOutcome }) {
  if ('error' in outcome)
    return (
      <div className="banner banner-danger" role="alert" data-testid="run-outcome" data-state="error">
        <div className="banner-body">
          <strong>
            The run did not start <code className="error-code">{outcome.error.code}</code>
          </strong>
          <p>{outcome.error.message}</p>
        </div>
      </div>
    );
  const { run } = outcome;
  const counters = run.counters;
  const tone = run.status === 'succeeded' ? 'banner-ok' : run.status === 'partial' ? 'banner-warn' : 'banner-danger';
  return (
    <div
      className={`banner ${tone}`}
      role="status"
      data-testid="run-outcome"
      data-state={run.status}
      data-dry-run={run.dryRun}
    >
      <div className="banner-body">
        <strong>
          {run.dryRun ? 'Dry run' : 'Run'} {run.status} in {elapsed(run.startedAt, run.finishedAt)}
        </strong>
        <p>
          {runOutcomeCounts(counters, run.dryRun)}
          {run.error && ` — ${run.error.message}`}
        </p>
      </div>
      <button type="button" className="button small" onClick={() => showRun(run.id)} data-testid="open-run">
        Open run
      </button>
    </div>
  );
}
