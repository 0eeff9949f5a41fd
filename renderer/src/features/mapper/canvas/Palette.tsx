import { useReactFlow } from '@xyflow/react';
import { useMemo, useState, type DragEvent } from 'react';
import { functionCatalog, functionCategories } from '../../../../../shared/mapping';
import type { NodeTemplate } from '../model/graph-edits';
import { freeSpot } from '../model/placement';
import { useMapper, useMapperStoreApi } from '../store/mapper-context';
import { kindLabels } from './ExpressionNode';

export const paletteMime = 'application/x-mlc-node';

interface Item {
  key: string;
  label: string;
  hint: string;
  template: NodeTemplate;
}

const blocks: Item[] = [
  {
    key: 'constant',
    label: kindLabels.constant,
    hint: 'A fixed text, number or boolean',
    template: { kind: 'constant' },
  },
  {
    key: 'valueMap',
    label: kindLabels.valueMap,
    hint: 'Translate codes (010 → Net 30)',
    template: { kind: 'valueMap' },
  },
  {
    key: 'conditional',
    label: kindLabels.conditional,
    hint: 'Pick a value by a condition',
    template: { kind: 'conditional' },
  },
  {
    key: 'coalesce',
    label: 'Default / coalesce',
    hint: 'First value that is not empty',
    template: { kind: 'coalesce' },
  },
  { key: 'loop', label: kindLabels.loop, hint: 'Map each item of a list (order lines)', template: { kind: 'loop' } },
  { key: 'lookup', label: kindLabels.lookup, hint: 'Source key → target record id', template: { kind: 'lookup' } },
  { key: 'custom', label: kindLabels.custom, hint: 'Any JSONata expression', template: { kind: 'custom' } },
];

const categoryLabels: Record<(typeof functionCategories)[number], string> = {
  string: 'Text',
  number: 'Numbers',
  math: 'Arithmetic',
  date: 'Dates',
  logic: 'Logic',
  collection: 'Lists',
};

/** Node kinds to drag onto the canvas (or press to drop in the middle of the view). */
export function Palette() {
  const [query, setQuery] = useState('');
  const addNodeAt = useMapper((state) => state.addNodeAt);
  const store = useMapperStoreApi();
  const flow = useReactFlow();
  const groups = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const match = (item: Item) =>
      !needle || item.label.toLowerCase().includes(needle) || item.hint.toLowerCase().includes(needle);
    const functions = functionCategories.map((category) => ({
      title: categoryLabels[category],
      items: functionCatalog
        .filter((definition) => definition.category === category)
        .map((definition): Item => ({
          key: definition.name,
          label: definition.label,
          hint: definition.operator
            ? `a ${definition.operator} b`
            : `$${definition.name}(${definition.params.join(', ')})`,
          template: { kind: 'function', name: definition.name },
        }))
        .filter(match),
    }));
    return [{ title: 'Building blocks', items: blocks.filter(match) }, ...functions].filter(
      (group) => group.items.length > 0,
    );
  }, [query]);

  const onDragStart = (event: DragEvent, template: NodeTemplate) => {
    event.dataTransfer.setData(paletteMime, JSON.stringify(template));
    event.dataTransfer.effectAllowed = 'copy';
  };
  const addInView = (template: NodeTemplate) => {
    const pane = document.querySelector('.mapper-canvas .react-flow')?.getBoundingClientRect();
    const centre = pane
      ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 400, y: 200 };
    const state = store.getState();
    const spot = freeSpot(state.graph, state.measured, { x: Math.round(centre.x - 100), y: Math.round(centre.y - 45) });
    addNodeAt(template, spot);
  };

  return (
    <aside className="palette" aria-label="Node palette" data-testid="palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Find a function…"
        aria-label="Find a function"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="palette-groups">
        {groups.map((group) => (
          <section key={group.title}>
            <h3>{group.title}</h3>
            {group.items.map((item) => (
              <button
                type="button"
                key={item.key}
                className="palette-item"
                draggable
                onDragStart={(event) => onDragStart(event, item.template)}
                onClick={() => addInView(item.template)}
                title={`${item.hint} — drag onto the canvas, or press to add`}
                data-testid={`palette-${item.key}`}
              >
                <span>{item.label}</span>
                <small>{item.hint}</small>
              </button>
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}
