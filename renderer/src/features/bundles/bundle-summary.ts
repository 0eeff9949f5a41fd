import type { SystemId } from '../../../../shared/domain/connection';
import { systemIds } from '../../../../shared/domain/connection';

/**
 * What a bundle file holds, for people: names, systems, secret slot names and
 * counts. Read defensively from any JSON (a refused file is summarised too, so
 * the user sees which bundle it is); never copies a setting's value, so a file
 * that carries a secret cannot leak it onto the screen.
 */
export interface BundleSummary {
  name: string;
  description?: string;
  createdAt?: string;
  appVersion?: string;
  jsonataVersion?: string;
  contentHash?: string;
  version?: number;
  bytes: number;
  connections: Array<{ id: string; name: string; system?: SystemId; ref?: string; sandbox: boolean; slots: string[] }>;
  mappings: Array<{
    id: string;
    name: string;
    sourceEntity: string;
    targetEntity: string;
    drawn: boolean;
    samples: number;
  }>;
  flows: Array<{
    id: string;
    name: string;
    mappingId: string;
    sourceEntity: string;
    targetEntity: string;
    dependsOn: string[];
    schedule: string;
  }>;
  samples: number;
  lookupTables: number;
}

type Loose = Record<string, unknown>;

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const list = (value: unknown): Loose[] =>
  Array.isArray(value) ? value.filter((item): item is Loose => Boolean(item) && typeof item === 'object') : [];
const object = (value: unknown): Loose =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};

/** A schedule in few words (the backend's `schedules.preview` says more; this must work offline and for any file). */
export function scheduleWords(schedule: unknown): string {
  const value = object(schedule);
  if (value.kind === 'cron') return `cron ${text(value.cron)} (${text(value.timeZone, 'UTC')})`;
  if (value.kind === 'interval' && typeof value.everySeconds === 'number') {
    const seconds = value.everySeconds;
    return seconds % 3600 === 0
      ? `every ${seconds / 3600} h`
      : seconds % 60 === 0
        ? `every ${seconds / 60} min`
        : `every ${seconds} s`;
  }
  return 'started by hand';
}

/** Undefined when the text is not a JSON object (then only the check's problems are shown). */
export function summarizeBundle(content: string): BundleSummary | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const bundle = raw as Loose;
  const samples = list(bundle.samples);
  const sampleCount = (mappingId: string) =>
    samples.filter((sample) => text(sample.mappingId ?? sample.mapping) === mappingId).length;
  return {
    name: text(bundle.name, 'Unnamed bundle'),
    description: typeof bundle.description === 'string' ? bundle.description : undefined,
    createdAt: text(bundle.createdAt ?? bundle.exportedAt) || undefined,
    appVersion: text(object(bundle.app).version ?? bundle.appVersion) || undefined,
    jsonataVersion: text(object(bundle.engine).jsonata ?? bundle.jsonataVersion) || undefined,
    contentHash: text(bundle.contentHash ?? bundle.checksum) || undefined,
    version: typeof bundle.version === 'number' ? bundle.version : undefined,
    bytes: new TextEncoder().encode(content).length,
    connections: list(bundle.connections).map((connection) => {
      const system = systemIds.find((id) => id === connection.system);
      // Version 1 names slots `ref.key`; version 0 listed the keys alone.
      const slots = Array.isArray(connection.secretSlots)
        ? list(connection.secretSlots).map((slot) => text(slot.slot))
        : Array.isArray(connection.secrets)
          ? connection.secrets.filter((key): key is string => typeof key === 'string')
          : [];
      return {
        id: text(connection.id),
        name: text(connection.name, 'Unnamed connection'),
        system,
        ref: text(connection.ref) || undefined,
        sandbox: connection.sandbox === true,
        slots: slots.filter(Boolean),
      };
    }),
    mappings: list(bundle.mappings).map((mapping) => ({
      id: text(mapping.id),
      name: text(mapping.name, 'Unnamed mapping'),
      sourceEntity: text(mapping.sourceEntity ?? object(mapping.source).entity),
      targetEntity: text(mapping.targetEntity ?? object(mapping.target).entity),
      drawn: mapping.graph !== undefined && mapping.graph !== null,
      samples: sampleCount(text(mapping.id)),
    })),
    flows: list(bundle.flows).map((flow) => ({
      id: text(flow.id),
      name: text(flow.name, 'Unnamed flow'),
      mappingId: text(flow.mappingId),
      sourceEntity: text(object(flow.source).entity),
      targetEntity: text(object(flow.target).entity),
      dependsOn: Array.isArray(flow.dependsOn)
        ? flow.dependsOn.filter((id): id is string => typeof id === 'string')
        : [],
      schedule: scheduleWords(flow.schedule),
    })),
    samples: samples.length,
    lookupTables: list(bundle.lookupTables).length,
  };
}

/** `sha256:3f2a…c91e`: enough to compare by eye, short enough for a line. */
export function shortHash(hash: string | undefined | null): string {
  if (!hash) return '—';
  const [scheme, hex] = hash.includes(':') ? hash.split(':', 2) : ['', hash];
  if (!hex || hex.length <= 16) return hash;
  return `${scheme ? `${scheme}:` : ''}${hex.slice(0, 8)}…${hex.slice(-8)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
