import { useEffect, useState } from 'react';
import { useMapper } from '../store/mapper-context';
import './concat-editor.css';

/**
 * Concatenate's own controls (issue 19): how many texts it joins and the separator between them
 * (kept as node data; the compiler writes `a & ", " & b & ", " & c`). Both commit once per edit.
 */
export function ConcatEditor({ nodeId, inputs, separator }: { nodeId: string; inputs: number; separator: string }) {
  const update = useMapper((state) => state.updateNode);
  const [text, setText] = useState(separator);
  useEffect(() => setText(separator), [separator]);
  const save = (next: { inputs?: number; separator?: string }) =>
    update(nodeId, 'function', { name: 'concat', inputs, separator, ...next });
  return (
    <div className="node-field nodrag concat-editor">
      <div className="inline">
        <span>{inputs} texts</span>
        <button
          type="button"
          className="mini"
          aria-label="One text fewer"
          disabled={inputs <= 2}
          onClick={() => save({ inputs: inputs - 1 })}
          data-testid={`node-${nodeId}-fewer`}
        >
          −
        </button>
        <button
          type="button"
          className="mini"
          aria-label="One text more"
          disabled={inputs >= 16}
          onClick={() => save({ inputs: inputs + 1 })}
          data-testid={`node-${nodeId}-more`}
        >
          +
        </button>
      </div>
      <label className="inline">
        <span>Separator</span>
        <input
          value={text}
          placeholder="none"
          maxLength={20}
          onChange={(event) => setText(event.target.value)}
          onBlur={() => text !== separator && save({ separator: text })}
          onKeyDown={(event) => event.key === 'Enter' && text !== separator && save({ separator: text })}
          data-testid={`node-${nodeId}-separator`}
        />
      </label>
    </div>
  );
}
