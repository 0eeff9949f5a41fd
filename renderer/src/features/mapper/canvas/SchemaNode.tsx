import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flattenSchemaFields } from '../../../../../shared/mapping';
import type { EntityField } from '../../../../../shared/domain/entity-schema';
import type { SchemaFlowNode } from '../model/flow-adapters';
import { treeHeaderHeight, treeMarkerHeight, treeRowHeight } from '../model/layout';
import { aboveHandle, belowHandle, buildRows, resolveHandle, type TreeRow } from '../model/schema-tree';
import { useMapper } from '../store/mapper-context';

export const rowHeight = treeRowHeight;
export const headerHeight = treeHeaderHeight;
/** 20 rows: with the header the tree fits a 720 px high laptop screen at a readable zoom. */
export const maxBodyHeight = 520;
const noneCollapsed: ReadonlySet<string> = new Set();
const noFields: ReadonlyMap<string, EntityField> = new Map();

/**
 * A schema as a collapsible, virtualised tree with one handle per field. Only the rows in
 * view exist in the DOM; edges to other rows attach to the proxies at the top and bottom.
 */
function SchemaNodeView({ id, data }: NodeProps<SchemaFlowNode>) {
  const node = data.node;
  const side = node.kind;
  const search = useMapper((state) => state.search);
  const collapsed = useMapper((state) => state.collapsed[id]) ?? noneCollapsed;
  const rows = useMemo(() => buildRows(node.data.fields, collapsed, search), [node.data.fields, collapsed, search]);
  const index = useMemo(() => new Map(rows.map((row, position) => [row.path, position])), [rows]);
  const schema = useMapper((state) => (side === 'source' ? state.source?.schema : state.target?.schema));
  const fields = useMemo(
    () => (schema ? new Map(flattenSchemaFields(schema.fields).map((entry) => [entry.handle, entry.field])) : noFields),
    [schema],
  );
  const edges = useMapper((state) => state.graph.edges);
  const connected = useMemo(
    () =>
      new Set(
        edges.flatMap((edge) =>
          edge.source === id ? [edge.sourceHandle] : edge.target === id ? [edge.targetHandle] : [],
        ),
      ),
    [edges, id],
  );
  const matchKey = useMapper((state) => state.graph.matchKey);
  const keyFields = useMemo(() => new Set(matchKey ?? []), [matchKey]);
  const report = useMapper((state) => state.report);
  // Per field the worst severity and every message, so a field that needs a lookup says so on hover.
  const flagged = useMemo(() => {
    const map = new Map<string, { severity: 'error' | 'warning'; messages: string[] }>();
    for (const issue of report?.issues ?? []) {
      if (!issue.field) continue;
      const current = map.get(issue.field);
      if (!current) map.set(issue.field, { severity: issue.severity, messages: [issue.message] });
      else {
        if (issue.severity === 'error') current.severity = 'error';
        current.messages.push(issue.message);
      }
    }
    return map;
  }, [report]);
  const lit = useMapper((state) => state.lineage.fields.get(id));
  const selectedPath = useMapper((state) =>
    state.fieldSelection?.nodeId === id ? state.fieldSelection.path : undefined,
  );
  const selectField = useMapper((state) => state.selectField);
  const toggleCollapsed = useMapper((state) => state.toggleCollapsed);
  const setWindow = useMapper((state) => state.setWindow);
  const updateNodeInternals = useUpdateNodeInternals();

  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyHeight = Math.min(Math.max(rows.length, 1) * rowHeight, maxBodyHeight);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 4,
    // The canvas zooms with a CSS transform; measured rects would shrink with it, the layout box does not.
    initialRect: { width: 280, height: maxBodyHeight },
    observeElementRect: (_instance, callback) => {
      callback({ width: 280, height: maxBodyHeight });
      return () => undefined;
    },
  });
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef(0);
  const onScroll = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(scrollRef.current?.scrollTop ?? 0));
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Rows fully inside the scroll box: edges to the others go to the proxies.
  const first = Math.ceil(scrollTop / rowHeight - 0.3);
  const last = Math.floor((scrollTop + bodyHeight) / rowHeight + 0.3) - 1;
  useLayoutEffect(() => {
    setWindow(id, { rows, index, start: first, end: last });
    updateNodeInternals(id);
  }, [id, rows, index, first, last, setWindow, updateNodeInternals]);

  // Connected fields scrolled out of view: their edges end at the "n more" markers above and
  // below the rows (not on the first or last row, over the lines of the fields in view).
  const outside = useMemo(() => {
    const window = { rows, index, start: first, end: last };
    const above: number[] = [];
    const below: number[] = [];
    for (const path of connected) {
      const handle = resolveHandle(path, window);
      const position = index.get(path);
      if (handle === aboveHandle) above.push(position ?? first);
      else if (handle === belowHandle) below.push(position ?? last);
    }
    return { above, below };
  }, [connected, rows, index, first, last]);
  const scrollToNearest = (direction: 'above' | 'below') => {
    const positions = outside[direction];
    if (positions.length === 0) return;
    const target = direction === 'above' ? Math.max(...positions) : Math.min(...positions);
    virtualizer.scrollToIndex(target, { align: 'center' });
  };

  // Arrow keys move between fields; the tree scrolls along (rows outside the view are not in the DOM).
  const picked = useMapper((state) => (state.picked?.nodeId === id ? state.picked.path : undefined));
  const pickField = useMapper((state) => state.pickField);
  const moveFocus = (from: string, step: number) => {
    const position = index.get(from);
    if (position === undefined) return;
    const next = rows[Math.min(Math.max(position + step, 0), rows.length - 1)];
    if (!next) return;
    virtualizer.scrollToIndex(index.get(next.path) ?? 0, { align: 'auto' });
    requestAnimationFrame(() =>
      requestAnimationFrame(() =>
        scrollRef.current
          ?.querySelector<HTMLButtonElement>(`.field-row[data-field="${CSS.escape(next.path)}"] .field-main`)
          ?.focus(),
      ),
    );
  };

  // Reveal a field picked elsewhere (validation panel, lineage).
  useEffect(() => {
    if (selectedPath === undefined) return;
    const position = index.get(selectedPath);
    if (position !== undefined && (position < first || position > last))
      virtualizer.scrollToIndex(position, { align: 'center' });
    // Only when the selection changes: with `first`/`last` here every scroll would pull the view back to it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedPath]);

  const mapped = node.data.fields.filter((field) => connected.has(field.path)).length;
  const title = schema?.label ?? node.data.entity ?? (side === 'source' ? 'Source' : 'Target');
  return (
    <div className={`schema-node ${side}`} data-testid={`schema-node-${side}`}>
      <div className="schema-node-header">
        <div className="schema-node-meta">
          <span className="schema-node-side">{side === 'source' ? 'Source' : 'Target'}</span>
          <span className="schema-node-count" data-testid={`mapped-count-${side}`}>
            {mapped} / {node.data.fields.length} mapped
          </span>
        </div>
        <strong title={title}>{title}</strong>
      </div>
      <div className="schema-node-body">
        <MoreMarker
          side={side}
          direction="above"
          count={outside.above.length}
          onClick={() => scrollToNearest('above')}
        />
        <div
          ref={scrollRef}
          className="schema-node-scroll nodrag nowheel"
          style={{ height: bodyHeight }}
          onScroll={onScroll}
          role="tree"
          aria-label={`${title} fields`}
        >
          {rows.length === 0 && <p className="schema-node-empty">No field matches “{search}”.</p>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index] as TreeRow;
              return (
                <FieldRow
                  key={row.path}
                  row={row}
                  top={item.start}
                  side={side}
                  field={fields.get(row.path)}
                  connected={connected.has(row.path)}
                  isKey={keyFields.has(row.path)}
                  flag={flagged.get(row.path)?.severity}
                  flagText={flagged.get(row.path)?.messages.join('\n')}
                  lit={lit?.has(row.path) ?? false}
                  selected={selectedPath === row.path}
                  picked={picked === row.path}
                  onSelect={() => selectField({ side, nodeId: id, path: row.path })}
                  onToggle={() => toggleCollapsed(id, row.path)}
                  onKeyDown={(event) => {
                    if (event.key === 'c' || event.key === 'C') {
                      if (event.ctrlKey || event.metaKey || event.altKey) return;
                      event.preventDefault();
                      pickField(side, row.path, id);
                    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
                      event.preventDefault();
                      moveFocus(row.path, event.key === 'ArrowDown' ? 1 : -1);
                    }
                  }}
                />
              );
            })}
          </div>
        </div>
        <MoreMarker
          side={side}
          direction="below"
          count={outside.below.length}
          onClick={() => scrollToNearest('below')}
        />
      </div>
    </div>
  );
}

/**
 * Where edges to connected fields scrolled out of view end: one marker above the rows and one
 * below, saying how many there are; pressing it scrolls to the nearest one.
 */
function MoreMarker({
  side,
  direction,
  count,
  onClick,
}: {
  side: 'source' | 'target';
  direction: 'above' | 'below';
  count: number;
  onClick(): void;
}) {
  return (
    <div className={`more-marker ${direction}${count > 0 ? ' active' : ''}`} style={{ height: treeMarkerHeight }}>
      {count > 0 && (
        <button
          type="button"
          className="more-marker-button nodrag"
          onClick={onClick}
          title={`Scroll to the nearest mapped field ${direction}`}
          data-testid={`more-${direction}-${side}`}
        >
          {direction === 'above' ? '▲' : '▼'} {count} mapped {direction}
        </button>
      )}
      <Handle
        type={side === 'source' ? 'source' : 'target'}
        position={side === 'source' ? Position.Right : Position.Left}
        id={direction === 'above' ? aboveHandle : belowHandle}
        isConnectable={false}
        className="proxy-handle"
      />
    </div>
  );
}

interface FieldRowProps {
  row: TreeRow;
  top: number;
  side: 'source' | 'target';
  field?: EntityField;
  connected: boolean;
  isKey: boolean;
  flag?: 'error' | 'warning';
  /** The issues' messages, shown on hover over the flag. */
  flagText?: string;
  lit: boolean;
  selected: boolean;
  /** Picked by keyboard (C), waiting for a field of the other tree. */
  picked: boolean;
  onSelect(): void;
  onToggle(): void;
  onKeyDown(event: KeyboardEvent<HTMLButtonElement>): void;
}

function FieldRow({
  row,
  top,
  side,
  field,
  connected,
  isKey,
  flag,
  flagText,
  lit,
  selected,
  picked,
  onSelect,
  onToggle,
  onKeyDown,
}: FieldRowProps) {
  const required = side === 'target' && field?.required.onCreate && !field.readOnly;
  const classes = [
    'field-row',
    connected ? 'connected' : '',
    lit ? 'lit' : '',
    selected ? 'selected' : '',
    picked ? 'picked' : '',
    field?.readOnly && side === 'target' ? 'read-only' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={classes}
      style={{ top, height: rowHeight, paddingLeft: 8 + row.depth * 14 }}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={row.hasChildren ? !row.collapsed : undefined}
      data-field={row.path}
    >
      {row.hasChildren ? (
        <button
          type="button"
          className="field-toggle"
          aria-label={row.collapsed ? `Expand ${row.label}` : `Collapse ${row.label}`}
          onClick={onToggle}
        >
          {row.collapsed ? '▸' : '▾'}
        </button>
      ) : (
        <span className="field-toggle" aria-hidden="true" />
      )}
      <button
        type="button"
        className="field-main"
        onClick={onSelect}
        onKeyDown={onKeyDown}
        title={`${row.label} (${row.path})${field?.description ? ` — ${field.description}` : ''}`}
        aria-description={
          side === 'source'
            ? 'C picks it to connect; then press C on a target field'
            : 'C connects the picked source field here'
        }
        data-testid={`field-${side}-${row.path}`}
      >
        <span className="field-name">{row.name}</span>
        {row.label !== row.name && <span className="field-label">{row.label}</span>}
      </button>
      {flag && (
        <span
          className={`field-flag ${flag}`}
          title={flagText ? `${flagText}\n(See the issues panel)` : 'See the issues panel'}
          aria-label={`Has ${flag}`}
          data-testid="field-flag"
        />
      )}
      {required && (
        <span className="field-badge required" title="Required on create">
          req
        </span>
      )}
      {(isKey || field?.externalId) && (
        <span className={`field-badge ${isKey ? 'key' : ''}`} title={isKey ? 'Match key' : 'External id'}>
          {isKey ? 'key' : 'ext id'}
        </span>
      )}
      <span className="field-type">{field?.picklist ? 'list' : row.type}</span>
      <Handle
        type={side === 'source' ? 'source' : 'target'}
        position={side === 'source' ? Position.Right : Position.Left}
        id={row.path}
        className="field-handle"
      />
    </div>
  );
}

export const SchemaNode = memo(SchemaNodeView);
