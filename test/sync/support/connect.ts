import type { ApiClient } from '../../../shared/api/client';
import type { Connection, SystemId } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import type { InforSandbox } from '../../../sandbox/infor/index';

/** What a target simulator's `connection()` gives: the form a person would fill in. */
export interface SandboxConnection {
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/**
 * The two connections of a sync test, made through the API as a person makes them: the Infor
 * simulator's `.ionapi` file (M3) and a target simulator's settings and secrets.
 */
export async function connectInforAndTarget(
  api: ApiClient,
  infor: InforSandbox,
  system: SystemId,
  connection: SandboxConnection,
): Promise<{ source: Connection; target: Connection }> {
  const source = await api.call('connections.importIonapi', {
    fileName: 'sandbox.ionapi',
    content: JSON.stringify(infor.ionapi('backend-service')),
    productLine: 'm3',
  });
  return { source, target: await connectSystem(api, system, connection) };
}

/** A connection to a (non-Infor) simulator, made through the API from its settings and secrets. */
export function connectSystem(api: ApiClient, system: SystemId, connection: SandboxConnection): Promise<Connection> {
  return api.call('connections.create', {
    system,
    name: connection.name,
    settings: connection.settings as never,
    secrets: connection.secrets,
    sandbox: true,
  });
}

/** A mapping and the manual flow that runs it between the test's two connections (lines and parents optional). */
export async function saveFlow(
  api: ApiClient,
  connections: { source: Connection; target: Connection },
  input: {
    name: string;
    sourceEntity: string;
    targetEntity: string;
    expression: string;
    matchKey: string;
    each?: Flow['source']['each'];
    parent?: Flow;
    dependsOn?: Array<Flow | string>;
  },
): Promise<{ flow: Flow; mapping: Mapping }> {
  const mapping = await api.call('mappings.save', {
    name: input.name,
    sourceEntity: input.sourceEntity,
    targetEntity: input.targetEntity,
    expression: input.expression,
  });
  const flow = await api.call('flows.save', {
    name: input.name,
    source: { connectionId: connections.source.id, entity: input.sourceEntity, lookbackSeconds: 0, each: input.each },
    mappingId: mapping.id,
    target: { connectionId: connections.target.id, entity: input.targetEntity, matchKey: [input.matchKey] },
    parent: input.parent ? { flowId: input.parent.id } : undefined,
    schedule: { kind: 'manual' },
    dependsOn: (input.dependsOn ?? []).map((flow) => (typeof flow === 'string' ? flow : flow.id)) as Flow['dependsOn'],
    options: { dryRun: false },
    paused: false,
  });
  return { flow, mapping };
}

/**
 * An Infor connection to the simulator as a person makes it: the `.ionapi` file imported with a
 * product line, then the card's settings (`m3Company`, a customer template, a Mongoose config).
 * Tests that write from one M3 company into another (or into CSI, LN, FSM) make two.
 */
export async function connectInfor(
  api: ApiClient,
  infor: InforSandbox,
  options: { name?: string; productLine?: 'm3' | 'csi' | 'ln' | 'fsm'; settings?: Record<string, string> } = {},
): Promise<Connection> {
  const imported = await api.call('connections.importIonapi', {
    fileName: `${options.name ?? 'sandbox'}.ionapi`,
    content: JSON.stringify(infor.ionapi('backend-service')),
    productLine: options.productLine ?? 'm3',
    ...(options.name ? { name: options.name } : {}),
  });
  return options.settings ? api.call('connections.update', { id: imported.id, settings: options.settings }) : imported;
}
