import { describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import {
  estimatedSize,
  overlaps,
  placeNewNodes,
  viewMetrics,
} from '../../../renderer/src/features/mapper/model/layout';
import { graphForSchemas } from '../../../renderer/src/features/mapper/model/graph-edits';
import { createMapperStore, undo } from '../../../renderer/src/features/mapper/store/mapper.store';
import { connectionVerdict } from '../../../renderer/src/features/mapper/store/view.slice';
import { narrowWindowPx, readUiPrefs, updateUiPrefs } from '../../../renderer/src/features/mapper/ui-prefs';
import type { MappingGraph } from '../../../shared/mapping';
import { m3Customers, zohoAccounts } from '../../mapping/schemas';

/** Issue 19: the canvas model behind placement, replacing an edge and keyboard connecting. */
function openStore() {
  return createMapperStore(graphForSchemas(m3Customers, zohoAccounts), {
    name: 'M3 customers → Zoho accounts',
    source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
    target: { connectionId: 'c-zoho' as ConnectionId, entity: 'Accounts', schema: zohoAccounts },
  });
}

const link = (sourceHandle: string, targetHandle: string) => ({
  source: 'source',
  sourceHandle,
  target: 'target',
  targetHandle,
});

function boxes(graph: MappingGraph) {
  return graph.nodes.map((node) => ({
    id: node.id,
    ...node.position,
    ...(node.kind === 'source' || node.kind === 'target' ? { width: 280, height: 610 } : estimatedSize(node)),
  }));
}

describe('nodes created from JSONata text', () => {
  it('are laid out between the trees, overlapping neither each other nor the trees', () => {
    const store = openStore();
    store.getState().editText(
      `{
        "Account_Name": $uppercase($trim(CUNM)),
        "Phone": $trim(PHNO),
        "Website": $lowercase($trim(CUNO)),
        "Billing_City": $substring(TOWN, 0, 3),
        "Billing_Street": $trim(TOWN) & " " & CUNM
      }`,
    );
    expect(store.getState().applyText()).toBe(true);
    const graph = store.getState().graph;
    const all = boxes(graph);
    expect(all.filter((box) => box.id !== 'source' && box.id !== 'target').length).toBeGreaterThanOrEqual(8);
    const clashes = all.flatMap((a, index) =>
      all.slice(index + 1).flatMap((b) => (overlaps(a, b) ? [`${a.id} × ${b.id}`] : [])),
    );
    expect(clashes).toEqual([]);
    // Between the trees: right of the source tree, left of the target tree.
    const source = all.find((box) => box.id === 'source');
    const target = all.find((box) => box.id === 'target');
    for (const box of all.filter((entry) => entry.id !== 'source' && entry.id !== 'target')) {
      expect(box.x).toBeGreaterThanOrEqual((source?.x ?? 0) + 280);
      expect(box.x + box.width).toBeLessThanOrEqual(target?.x ?? 0);
    }
    // One undoable step, placement included.
    undo(store);
    expect(store.getState().graph.nodes).toHaveLength(2);
  });

  it('leaves nodes the analyst placed where they are', () => {
    const store = openStore();
    store.getState().editText('{ "Phone": $trim(PHNO) }');
    store.getState().applyText();
    const placed = store.getState().graph.nodes.find((node) => node.kind === 'function');
    expect(placed).toBeDefined();
    const moved = { x: 300, y: 900 };
    store.getState().commitPositions(new Map([[placed?.id ?? '', moved]]));
    const previous = store.getState().graph;
    store.getState().editText('{ "Phone": $trim(PHNO), "Website": $lowercase(CUNO) }');
    store.getState().applyText();
    const after = store.getState().graph;
    expect(after.nodes.find((node) => node.id === placed?.id)?.position).toEqual(moved);
    expect(placeNewNodes(previous, previous, viewMetrics({ measured: {}, windows: {} }))).toBe(previous);
  });
});

describe('dropping onto an input that is already fed', () => {
  it('is offered as a replacement, done as one undoable step', () => {
    const store = openStore();
    store.getState().requestConnection(link('CUNO', 'Account_Number'));
    expect(store.getState().graph.edges).toHaveLength(1);
    expect(connectionVerdict(store.getState().graph, link('CUNM', 'Account_Number')).kind).toBe('replace');
    expect(connectionVerdict(store.getState().graph, link('CUNO', 'Account_Number'))).toMatchObject({
      kind: 'refused',
    });

    store.getState().requestConnection(link('CUNM', 'Account_Number'));
    expect(store.getState().pendingReplace?.replaces.sourceHandle).toBe('CUNO');
    store.getState().resolveReplace(false);
    expect(store.getState().pendingReplace).toBeUndefined();
    expect(store.getState().graph.edges.map((edge) => edge.sourceHandle)).toEqual(['CUNO']);

    store.getState().requestConnection(link('CUNM', 'Account_Number'));
    store.getState().resolveReplace(true);
    expect(store.getState().graph.edges.map((edge) => edge.sourceHandle)).toEqual(['CUNM']);
    expect(store.getState().announcement?.text).toMatch(/Replaced: CUNM now feeds Account_Number/);
    undo(store);
    expect(store.getState().graph.edges.map((edge) => edge.sourceHandle)).toEqual(['CUNO']);
  });
});

describe('connecting by keyboard', () => {
  it('picks a field with C, connects on C in the other tree, and announces each step', () => {
    const store = openStore();
    store.getState().pickField('source', 'PHNO');
    expect(store.getState().picked).toEqual({ side: 'source', path: 'PHNO', nodeId: 'source' });
    expect(store.getState().announcement?.text).toMatch(/Picked source field PHNO/);
    store.getState().pickField('target', 'Phone');
    expect(store.getState().picked).toBeUndefined();
    expect(store.getState().graph.edges.map((edge) => `${edge.sourceHandle}>${edge.targetHandle}`)).toEqual([
      'PHNO>Phone',
    ]);
    expect(store.getState().announcement?.text).toBe('Connected PHNO to Phone.');
    // A node's ports take part too: field → input, output → field.
    const trim = store.getState().addNodeAt({ kind: 'function', name: 'trim' }, { x: 300, y: 0 });
    store.getState().pickField('source', 'CUNM');
    store.getState().pickField('target', 'in0', trim);
    store.getState().pickField('source', 'out', trim);
    store.getState().pickField('target', 'Account_Name');
    expect(store.getState().compiled.expression).toContain('"Account_Name": $trim(CUNM)');
    // Target first works too; Escape (cancelPick) drops the pick.
    store.getState().pickField('target', 'Website');
    store.getState().cancelPick();
    expect(store.getState().picked).toBeUndefined();
    expect(store.getState().announcement?.text).toBe('Connecting cancelled.');
  });
});

describe('UI preferences', () => {
  it('fold the palette by default on a laptop screen and remember the choices', () => {
    const storage = new Map<string, string>();
    const local = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    } as unknown as Storage;
    expect(readUiPrefs(local, 1280)).toEqual({ paletteCollapsed: true, sideCollapsed: false, minimap: false });
    expect(readUiPrefs(local, narrowWindowPx)).toEqual({
      paletteCollapsed: false,
      sideCollapsed: false,
      minimap: true,
    });
    updateUiPrefs(local, 1280, { sideCollapsed: true, paletteCollapsed: false });
    expect(readUiPrefs(local, 1280)).toMatchObject({ paletteCollapsed: false, sideCollapsed: true });
    storage.set('mlc.mapper.ui.v1', '{not json');
    expect(readUiPrefs(local, 1920).paletteCollapsed).toBe(false);
  });
});
