import { describe, expect, it } from 'vitest';
import { compileGraph, MappingPreview } from '../../../shared/mapping';
import { addNode, connect, createNode, graphForSchemas } from '../../../renderer/src/features/mapper/model/graph-edits';
import { highlightJsonata, markSpan } from '../../../renderer/src/features/mapper/model/jsonata-highlight';
import { freeSpot, graphBounds } from '../../../renderer/src/features/mapper/model/placement';
import { lookupEntities, previewBindings } from '../../../renderer/src/features/mapper/model/preview-bindings';
import { m3Customers, zohoAccounts } from '../../mapping/schemas';

describe('JSONata colouring', () => {
  const text =
    '/* Generated */\n{\n  "Account_Name": $trim(CUNM),\n  "Count": 2 + $count(lines),\n  "Ok": true and x.`in`\n}';

  it('covers every character exactly once and names what each token is', () => {
    const pieces = highlightJsonata(text);
    expect(pieces.map((piece) => piece.text).join('')).toBe(text);
    const kind = (fragment: string) => pieces.find((piece) => piece.text === fragment)?.kind;
    expect(kind('/* Generated */')).toBe('comment');
    expect(kind('"Account_Name"')).toBe('key');
    expect(kind('$trim')).toBe('function');
    expect(kind('CUNM')).toBe('name');
    expect(kind('2')).toBe('number');
    expect(kind('+')).toBe('operator');
    expect(kind('true')).toBe('keyword');
    expect(kind('`in`')).toBe('name');
    expect(kind('{')).toBe('bracket');
  });

  it('keeps half-typed text whole (an open string stays plain)', () => {
    const typing = '{ "a": "unfinished';
    const pieces = highlightJsonata(typing);
    expect(pieces.map((piece) => piece.text).join('')).toBe(typing);
    expect(pieces[pieces.length - 1]?.kind).toBe('plain');
  });

  it('marks exactly the span of the selected field, splitting tokens at its edges', () => {
    const pieces = highlightJsonata(text);
    const start = text.indexOf('"Account_Name"') + 3;
    const end = text.indexOf('CUNM') + 2;
    const marked = markSpan(pieces, { start, end });
    expect(marked.map((piece) => piece.text).join('')).toBe(text);
    expect(
      marked
        .filter((piece) => piece.marked)
        .map((piece) => piece.text)
        .join(''),
    ).toBe(text.slice(start, end));
  });
});

describe('placing a node added from the palette', () => {
  const graph = graphForSchemas(m3Customers, zohoAccounts);

  it('takes the wanted spot when it is free and goes below the nodes it would cover', () => {
    expect(freeSpot(graph, {}, { x: 300, y: 100 })).toEqual({ x: 300, y: 100 });
    const first = createNode(graph, { kind: 'constant' }, { x: 300, y: 100 });
    const once = addNode(graph, first);
    const second = freeSpot(once, { [first.id]: { width: 200, height: 60 } }, { x: 300, y: 100 });
    expect(second.x).toBe(300);
    expect(second.y).toBeGreaterThanOrEqual(160);
    const twice = addNode(once, createNode(once, { kind: 'constant' }, second));
    const third = freeSpot(twice, { [first.id]: { width: 200, height: 60 } }, { x: 320, y: 110 });
    expect(third.y).toBeGreaterThan(second.y + 60);
  });

  it('bounds every node at its graph position (what the view fits right after a layout)', () => {
    const bounds = graphBounds(graph, { source: { width: 280, height: 400 }, target: { width: 280, height: 500 } });
    const target = graph.nodes.find((node) => node.kind === 'target')!;
    expect(bounds).toEqual({ x: 0, y: 0, width: target.position.x + 280, height: 500 });
  });
});

describe('reference lookups in the preview', () => {
  it('answer the placeholder bundle samples use, and null for an empty key', async () => {
    let graph = graphForSchemas(m3Customers, zohoAccounts);
    const lookup = createNode(graph, { kind: 'lookup' }, { x: 300, y: 0 });
    graph = addNode(graph, lookup);
    graph = connect(graph, { source: 'source', sourceHandle: 'CUNO', target: lookup.id, targetHandle: 'key' }).graph;
    graph = connect(graph, { source: lookup.id, sourceHandle: 'out', target: 'target', targetHandle: 'Website' }).graph;
    expect(compileGraph(graph).expression).toContain('$lookupRef("Accounts", CUNO)');
    expect(lookupEntities(graph)).toEqual(['Accounts']);
    const preview = new MappingPreview([{ CUNO: 'C0000606' }, { CUNO: '' }], { bindings: previewBindings });
    const result = await preview.update(graph);
    expect(result.records.map((record) => record.errors)).toEqual([[], []]);
    expect(result.records[0]?.output).toEqual({ Website: 'ref:Accounts/C0000606' });
    expect(result.records[1]?.output).toEqual({ Website: null });
  });
});
