import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { EntityField } from '../../../../shared/domain/entity-schema';
import { Badge } from '../../components/StateViews';
import { buildRows, expandablePaths, type TreeRow } from './schema-tree';
import './schemas.css';

export interface SchemaTreeProps {
  fields: readonly EntityField[];
  /** Filters to matching fields (name, label, path, description) and opens their parents. */
  query?: string;
  /** Key fields of the entity, marked with a key badge. */
  keyFields?: readonly string[];
  selectedPath?: string;
  onSelect?(path: string, field: EntityField): void;
  testId?: string;
}

const rowHeight = 34;

/**
 * A virtualised field tree: thousands of fields stay smooth. Reusable by the
 * mapper (pass `onSelect` to pick fields). Picklist values open inline.
 */
export function SchemaTree({ fields, query = '', keyFields = [], selectedPath, onSelect, testId = 'schema-tree' }: SchemaTreeProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [openPicklists, setOpenPicklists] = useState<ReadonlySet<string>>(() => new Set());
  const { rows, matches } = useMemo(() => buildRows(fields, { expanded, openPicklists, query }), [fields, expanded, openPicklists, query]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'values' ? 64 : rowHeight),
    overscan: 12,
    getItemKey: (index) => rows[index]!.id,
  });
  const keys = useMemo(() => new Set(keyFields), [keyFields]);
  const toggle = (set: ReadonlySet<string>, path: string) => {
    const next = new Set(set);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    return next;
  };
  const allPaths = useMemo(() => expandablePaths(fields), [fields]);

  return (
    <div className="schema-tree" data-testid={testId}>
      <div className="schema-tree-meta">
        <span data-testid={`${testId}-count`}>{query ? `${matches} matching ${matches === 1 ? 'field' : 'fields'}` : `${rows.filter((row) => row.kind === 'field').length} rows shown`}</span>
        {allPaths.length > 0 && (
          <span className="tree-expand">
            <button type="button" className="link-button" onClick={() => setExpanded(new Set(allPaths))}>
              Expand all
            </button>
            <button type="button" className="link-button" onClick={() => setExpanded(new Set())}>
              Collapse
            </button>
          </span>
        )}
      </div>
      <div className="schema-tree-scroll" ref={scroller} role="tree" aria-label="Fields">
        {rows.length === 0 ? (
          <p className="muted tree-empty" data-testid={`${testId}-empty`}>
            {query ? `No field matches “${query}”.` : 'This entity has no fields.'}
          </p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              return (
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="tree-slot"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  {row.kind === 'values' ? (
                    <PicklistValues row={row} />
                  ) : (
                    <FieldRow
                      row={row}
                      isKey={row.depth === 0 && keys.has(row.field.name)}
                      selected={row.path === selectedPath}
                      onToggle={() => setExpanded((current) => toggle(current, row.path))}
                      onPicklist={() => setOpenPicklists((current) => toggle(current, row.path))}
                      onSelect={onSelect ? () => onSelect(row.path, row.field) : undefined}
                    />
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

const typeLabels: Partial<Record<EntityField['type'], string>> = { datetime: 'date-time', array: 'list', object: 'group' };

function FieldRow({
  row,
  isKey,
  selected,
  onToggle,
  onPicklist,
  onSelect,
}: {
  row: Extract<TreeRow, { kind: 'field' }>;
  isKey: boolean;
  selected: boolean;
  onToggle(): void;
  onPicklist(): void;
  onSelect?: () => void;
}) {
  const { field } = row;
  const required = field.required.onCreate || field.required.onUpdate;
  const picklist = field.picklist ?? [];
  const childCount = field.children?.length ?? 0;
  return (
    <div
      className={`tree-row${row.match ? ' match' : ''}${selected ? ' selected' : ''}${onSelect ? ' selectable' : ''}`}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-selected={onSelect ? selected : undefined}
      data-testid="schema-field"
      data-path={row.path}
      style={{ paddingLeft: 8 + row.depth * 18 }}
      onClick={onSelect}
      title={field.description}
    >
      {row.hasChildren ? (
        <button
          type="button"
          className="tree-toggle"
          aria-label={`${row.expanded ? 'Collapse' : 'Expand'} ${field.name}`}
          onClick={(event) => {
            event.stopPropagation();
            onToggle();
          }}
          data-testid="schema-field-toggle"
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="tree-toggle-space" />
      )}
      <span className="field-name">{field.name}</span>
      {field.label && field.label !== field.name && <span className="field-label">{field.label}</span>}
      <span className="field-badges">
        {isKey && <Badge tone="accent" title="Identifies the record in this system">key</Badge>}
        {field.externalId && <Badge tone="accent" title="External id: usable as an upsert match key" testId="badge-external-id">external id</Badge>}
        {required && (
          <Badge tone="danger" title={field.required.onCreate ? 'Required when creating a record' : 'Required when updating'} testId="badge-required">
            required
          </Badge>
        )}
        {field.readOnly && <Badge tone="neutral" title="Set by the system; mappings cannot write it">read-only</Badge>}
        {field.createOnly && <Badge tone="warn" title="Settable on create, ignored on update">create-only</Badge>}
        {picklist.length > 0 && (
          <button
            type="button"
            className={`tag tag-warn tag-button${row.picklistOpen ? ' open' : ''}`}
            title={picklistTitle(picklist)}
            aria-expanded={row.picklistOpen}
            onClick={(event) => {
              event.stopPropagation();
              onPicklist();
            }}
            data-testid="badge-picklist"
          >
            picklist · {picklist.length}
          </button>
        )}
        {field.referenceTo && <Badge tone="neutral" title="Points at a record of another entity">→ {field.referenceTo}</Badge>}
        {childCount > 0 && <Badge tone="neutral">{childCount} fields</Badge>}
        <span className="field-type" title={field.nativeType ? `Native type ${field.nativeType}` : undefined}>
          {typeLabels[field.type] ?? field.type}
          {field.maxLength !== undefined && <span className="muted">({field.maxLength})</span>}
        </span>
      </span>
    </div>
  );
}

function picklistTitle(values: NonNullable<EntityField['picklist']>): string {
  const shown = values.slice(0, 25).map((value) => (String(value.value) === value.label ? value.label : `${value.label} (${String(value.value)})`));
  return `Allowed values: ${shown.join(', ')}${values.length > shown.length ? `, … ${values.length - shown.length} more` : ''}`;
}

function PicklistValues({ row }: { row: Extract<TreeRow, { kind: 'values' }> }) {
  return (
    <div className="picklist-values" style={{ paddingLeft: 34 + row.depth * 18 }} data-testid="picklist-values">
      {(row.field.picklist ?? []).map((value) => (
        <span key={String(value.value)} className={`picklist-value${value.active ? '' : ' inactive'}`} title={value.active ? String(value.value) : 'Inactive value'}>
          {value.label}
          {String(value.value) !== value.label && <code>{String(value.value)}</code>}
        </span>
      ))}
    </div>
  );
}
