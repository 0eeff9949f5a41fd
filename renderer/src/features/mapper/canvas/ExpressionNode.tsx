import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useState, type KeyboardEvent } from 'react';
import { functionDefinition, inputPorts, outputPorts, type Scalar } from '../../../../../shared/mapping';
import type { ExpressionFlowNode } from '../model/flow-adapters';
import type { ExpressionGraphNode } from '../model/graph-edits';
import { useMapper } from '../store/mapper-context';
import { ConcatEditor } from './ConcatEditor';

export const kindLabels: Record<ExpressionGraphNode['kind'], string> = {
  constant: 'Constant',
  function: 'Function',
  valueMap: 'Value map',
  conditional: 'If / then / else',
  coalesce: 'Default',
  loop: 'Array loop',
  lookup: 'Reference lookup',
  custom: 'Custom JSONata',
};

/** Every node between the trees: ports from shared/mapping, a small editor per kind. */
function ExpressionNodeView({ id, data, selected }: NodeProps<ExpressionFlowNode>) {
  const node = data.node;
  const inputs = inputPorts(node);
  const outputs = outputPorts(node);
  const broken = useMapper((state) => state.compiled.problems.some((problem) => problem.nodeIds.includes(id)));
  const definition = node.kind === 'function' ? functionDefinition(node.data.name) : undefined;
  const title = definition ? definition.label : kindLabels[node.kind];
  const category = definition ? definition.category : node.kind;
  return (
    <div
      className={`expression-node kind-${node.kind} category-${category}${selected ? ' selected' : ''}${broken ? ' broken' : ''}`}
      data-testid={`node-${id}`}
      data-kind={node.kind}
    >
      <div className="expression-node-header">
        <span className="expression-node-title">{title}</span>
        <span className="expression-node-kind">{definition ? definition.category : ''}</span>
      </div>
      <NodeBody node={node} />
      <div className="expression-node-ports">
        <div className="ports-in">
          {inputs.map((port) => (
            <div className="port" key={port.handle}>
              <Handle
                type="target"
                position={Position.Left}
                id={port.handle}
                className={`port-handle type-${port.type}`}
              />
              <PortKey nodeId={id} handle={port.handle} side="target" label={port.label} />
              <span className="port-type">{port.type}</span>
            </div>
          ))}
        </div>
        <div className="ports-out">
          {outputs.map((port) => (
            <div className="port" key={port.handle}>
              <span className="port-type">{port.type}</span>
              <PortKey nodeId={id} handle={port.handle} side="source" label={port.label} />
              <Handle
                type="source"
                position={Position.Right}
                id={port.handle}
                className={`port-handle type-${port.type}`}
              />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

/**
 * A port's label, focusable: C picks it (or connects it to the picked field or port of the
 * other kind), so edges to and from nodes can be drawn without a mouse too.
 */
function PortKey(props: { nodeId: string; handle: string; side: 'source' | 'target'; label: string }) {
  const pickField = useMapper((state) => state.pickField);
  const picked = useMapper((state) => state.picked?.nodeId === props.nodeId && state.picked.path === props.handle);
  return (
    <button
      type="button"
      className={`port-key nodrag${picked ? ' picked' : ''}`}
      aria-description={
        props.side === 'target' ? 'C connects the picked output here' : 'C picks this output to connect'
      }
      onKeyDown={(event) => {
        if ((event.key === 'c' || event.key === 'C') && !event.ctrlKey && !event.metaKey && !event.altKey) {
          event.preventDefault();
          pickField(props.side, props.handle, props.nodeId);
        }
      }}
      data-testid={`port-${props.nodeId}-${props.handle}`}
    >
      {props.label}
    </button>
  );
}

function NodeBody({ node }: { node: ExpressionGraphNode }) {
  switch (node.kind) {
    case 'constant':
      return <ConstantEditor nodeId={node.id} value={node.data.value} />;
    case 'coalesce':
      return <CoalesceEditor nodeId={node.id} inputs={node.data.inputs} />;
    case 'function':
      return node.data.name === 'concat' ? (
        <ConcatEditor nodeId={node.id} inputs={node.data.inputs ?? 2} separator={node.data.separator ?? ''} />
      ) : null;
    case 'lookup':
      return (
        <TextCommit
          nodeId={node.id}
          label="Target entity"
          value={node.data.entity}
          commit={(entity, update) => entity && update(node.id, 'lookup', { entity })}
        />
      );
    case 'custom':
      return (
        <TextCommit
          nodeId={node.id}
          label="JSONata"
          value={node.data.expression}
          multiline
          commit={(expression, update) => expression && update(node.id, 'custom', { expression })}
        />
      );
    case 'valueMap':
      return (
        <ValueMapSummary
          nodeId={node.id}
          count={node.data.entries.length}
          unset={node.data.entries.filter((entry) => entry.to === null).length}
        />
      );
    default:
      return null;
  }
}

type Update = ReturnType<typeof useUpdate>;
const useUpdate = () => useMapper((state) => state.updateNode);

/** Keeps typing local and commits once (blur or Enter): one undo step per edit, not per key. */
function TextCommit({
  nodeId,
  label,
  value,
  multiline,
  commit,
}: {
  nodeId: string;
  label: string;
  value: string;
  multiline?: boolean;
  commit(text: string, update: Update): unknown;
}) {
  const update = useUpdate();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const done = () => {
    if (text !== value) commit(text, update);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (!multiline || event.ctrlKey || event.metaKey)) done();
  };
  return (
    <label className="node-field nodrag">
      <span>{label}</span>
      {multiline ? (
        <textarea
          value={text}
          rows={3}
          spellCheck={false}
          onChange={(event) => setText(event.target.value)}
          onBlur={done}
          onKeyDown={onKey}
          data-testid={`node-${nodeId}-text`}
        />
      ) : (
        <input
          value={text}
          onChange={(event) => setText(event.target.value)}
          onBlur={done}
          onKeyDown={onKey}
          data-testid={`node-${nodeId}-text`}
        />
      )}
    </label>
  );
}

function ConstantEditor({ nodeId, value }: { nodeId: string; value: Scalar }) {
  const update = useUpdate();
  const kind =
    value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text';
  const [text, setText] = useState(String(value ?? ''));
  useEffect(() => setText(String(value ?? '')), [value]);
  const toValue = (type: string, raw: string): Scalar => {
    if (type === 'number') return Number.isFinite(Number(raw)) ? Number(raw) : 0;
    if (type === 'boolean') return raw === 'true';
    if (type === 'null') return null;
    return raw;
  };
  const commit = (type: string, raw: string) => {
    const next = toValue(type, raw);
    if (next !== value) update(nodeId, 'constant', { value: next });
  };
  return (
    <div className="node-field nodrag constant-editor">
      <select aria-label="Constant type" value={kind} onChange={(event) => commit(event.target.value, text)}>
        <option value="text">text</option>
        <option value="number">number</option>
        <option value="boolean">boolean</option>
        <option value="null">null</option>
      </select>
      {kind === 'boolean' ? (
        <select
          aria-label="Constant value"
          value={String(value)}
          onChange={(event) => commit('boolean', event.target.value)}
        >
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : kind === 'null' ? null : (
        <input
          aria-label="Constant value"
          value={text}
          inputMode={kind === 'number' ? 'decimal' : undefined}
          onChange={(event) => setText(event.target.value)}
          onBlur={() => commit(kind, text)}
          onKeyDown={(event) => event.key === 'Enter' && commit(kind, text)}
          data-testid={`node-${nodeId}-value`}
        />
      )}
    </div>
  );
}

function CoalesceEditor({ nodeId, inputs }: { nodeId: string; inputs: number }) {
  const update = useUpdate();
  return (
    <div className="node-field nodrag inline">
      <span>{inputs} values, first non-empty wins</span>
      <button
        type="button"
        className="mini"
        aria-label="One value fewer"
        disabled={inputs <= 2}
        onClick={() => update(nodeId, 'coalesce', { inputs: inputs - 1 })}
      >
        −
      </button>
      <button
        type="button"
        className="mini"
        aria-label="One value more"
        disabled={inputs >= 16}
        onClick={() => update(nodeId, 'coalesce', { inputs: inputs + 1 })}
      >
        +
      </button>
    </div>
  );
}

function ValueMapSummary({ nodeId, count, unset }: { nodeId: string; count: number; unset: number }) {
  const focusNode = useMapper((state) => state.focusNode);
  const showPanel = useMapper((state) => state.showPanel);
  return (
    <div className="node-field nodrag inline">
      <span>
        {count} value{count === 1 ? '' : 's'}
        {unset > 0 && <span className="warn-text"> · {unset} to choose</span>}
      </span>
      <button
        type="button"
        className="mini"
        onClick={() => {
          focusNode(nodeId);
          showPanel('inspect');
        }}
      >
        Edit
      </button>
    </div>
  );
}

export const ExpressionNode = memo(ExpressionNodeView);
