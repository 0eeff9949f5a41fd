import fs from 'node:fs';
import path from 'node:path';
import type { SandboxWorkspace } from '../../../shared/api/sandbox.contract';
import {
  connectionSettingsSchema,
  systemIdSchema,
  type Connection,
  type SystemId,
} from '../../../shared/domain/connection';
import { AppError, errorMessage } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import { connectionHandlers, importIonapi } from '../connections/connections.handlers';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../connectors/infor/ionapi';
import type { BackendContext } from '../context';
import { redact } from '../util/redact';
import { sandboxRegistry, type RunningSandbox } from '../../../sandbox/registry';

type SandboxHandlers = Pick<Handlers, 'sandbox.openWorkspace' | 'sandbox.status'>;

/** Which connection the workspace made per system, so a second click refreshes instead of duplicating. */
const workspaceKey = 'sandbox.workspace';
/** Same seed, same records and credentials: the workspace looks the same on every start. */
const workspaceSeed = 1;

interface Simulators {
  running: RunningSandbox[];
}

/** One set of simulators per backend, started on first use (concurrent clicks share the start). */
const simulators = new WeakMap<BackendContext, Promise<Simulators>>();

function ensureSimulators(context: BackendContext): { pending: Promise<Simulators>; started: boolean } {
  const existing = simulators.get(context);
  if (existing) return { pending: existing, started: false };
  const pending = startSimulators(context);
  simulators.set(context, pending);
  // A failed start may be retried by the next click.
  pending.catch(() => simulators.delete(context));
  return { pending, started: true };
}

async function startSimulators(context: BackendContext): Promise<Simulators> {
  const directory = path.join(context.dataDir, 'sandbox');
  fs.mkdirSync(directory, { recursive: true });
  const running: RunningSandbox[] = [];
  const closeAll = async () => {
    await Promise.all(running.splice(0).map((sandbox) => sandbox.close().catch(() => undefined)));
  };
  try {
    for (const entry of sandboxRegistry) {
      running.push(await entry.start({ port: 0, seed: workspaceSeed, directory }));
    }
  } catch (error) {
    await closeAll();
    const message = redact(errorMessage(error));
    throw new AppError(
      'E_SANDBOX_START',
      `The sandbox simulators did not start (${message}). Close other copies of the app and try again.`,
    );
  }
  context.onClose(closeAll);
  context.log.info('sandbox simulators started', { systems: running.map((sandbox) => sandbox.system) });
  return { running };
}

function readWorkspaceIds(context: BackendContext): Partial<Record<SystemId, string>> {
  const stored = context.store.settings.get(workspaceKey);
  if (stored === undefined) return {};
  try {
    return JSON.parse(stored) as Partial<Record<SystemId, string>>;
  } catch {
    return {};
  }
}

function writeWorkspaceIds(context: BackendContext, ids: Partial<Record<SystemId, string>>): void {
  context.store.settings.set(workspaceKey, JSON.stringify(ids));
}

interface SandboxCredentials {
  name: string;
  settings: Connection['settings'];
  secrets: Record<string, string>;
}

/** What a simulator's connection file says (`.ionapi` for Infor, `{ name, settings, secrets }` for targets). */
function readCredentials(sandbox: RunningSandbox): SandboxCredentials {
  if (sandbox.system === 'infor') {
    const file = sandbox.files.find((candidate) => candidate.endsWith('backend-service.ionapi')) ?? sandbox.files[0];
    if (!file) throw new AppError('E_SANDBOX_START', 'The Infor sandbox wrote no .ionapi file.');
    const parsed = parseIonApi(fs.readFileSync(file, 'utf8'), path.basename(file));
    return {
      name: 'Infor CloudSuite sandbox',
      settings: { ...ionApiSettings(parsed), onPremises: parsed.onPremises },
      secrets: ionApiSecrets(parsed),
    };
  }
  const file = sandbox.files[0];
  if (!file) throw new AppError('E_SANDBOX_START', `The ${sandbox.system} sandbox wrote no connection file.`);
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    name?: string;
    settings?: unknown;
    secrets?: Record<string, string>;
  };
  return {
    name: content.name ?? `${sandbox.system} sandbox`,
    settings: connectionSettingsSchema.parse(content.settings ?? {}),
    secrets: content.secrets ?? {},
  };
}

const sameSettings = (current: Connection['settings'], next: Connection['settings']) =>
  Object.entries(next).every(([key, value]) => current[key] === value);

/** Creates the system's workspace connection, or points the existing one at the running simulator. */
async function upsertConnection(
  context: BackendContext,
  system: SystemId,
  sandbox: RunningSandbox,
  knownId: string | undefined,
): Promise<{ connection: Connection; created: boolean }> {
  const credentials = readCredentials(sandbox);
  const existing = knownId ? context.connections.get(knownId) : undefined;
  if (existing) {
    // Same simulators as last time: nothing to change (the second click is a no-op).
    if (sameSettings(existing.settings, credentials.settings)) return { connection: existing, created: false };
    const connection = await connectionHandlers['connections.update'](
      { id: existing.id, settings: credentials.settings, secrets: credentials.secrets },
      context,
    );
    return { connection, created: false };
  }
  if (system === 'infor') {
    const file = sandbox.files.find((candidate) => candidate.endsWith('backend-service.ionapi')) ?? sandbox.files[0]!;
    // M3 is the sandbox's richest product line; detection would only cost a probe.
    const connection = await importIonapi(context, {
      fileName: path.basename(file),
      content: fs.readFileSync(file, 'utf8'),
      name: credentials.name,
      productLine: 'm3',
    });
    return { connection, created: true };
  }
  const connection = await connectionHandlers['connections.create'](
    { system, name: credentials.name, settings: credentials.settings, secrets: credentials.secrets, sandbox: true },
    context,
  );
  return { connection, created: true };
}

export const sandboxHandlers: SandboxHandlers = {
  'sandbox.openWorkspace': async (_input, context) => {
    const { pending, started } = ensureSimulators(context);
    const { running } = await pending;
    const ids = readWorkspaceIds(context);
    const systems: SandboxWorkspace['systems'] = [];
    for (const sandbox of running) {
      const system = systemIdSchema.safeParse(sandbox.system);
      if (!system.success) continue;
      const { connection, created } = await upsertConnection(context, system.data, sandbox, ids[system.data]);
      ids[system.data] = connection.id;
      writeWorkspaceIds(context, ids);
      systems.push({ system: system.data, url: sandbox.url, connection, created });
    }
    return { started, systems };
  },
  'sandbox.status': async (_input, context) => {
    const pending = simulators.get(context);
    if (!pending) return { running: false, simulators: [] };
    const { running } = await pending.catch(() => ({ running: [] as RunningSandbox[] }));
    const list = running.flatMap((sandbox) => {
      const system = systemIdSchema.safeParse(sandbox.system);
      return system.success ? [{ system: system.data, url: sandbox.url }] : [];
    });
    return { running: list.length > 0, simulators: list };
  },
};
