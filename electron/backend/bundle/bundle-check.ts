import type { BundleCheck, BundleProblem } from '../../../shared/api/bundles.contract';
import { requiredSecretKeys } from '../../../shared/bundle/bundle-secrets';
import {
  placeholderIdBindings,
  sampleReferencePrefix,
  type Bundle,
  type BundleMapping,
} from '../../../shared/bundle/bundle.schema';
import type { Flow } from '../../../shared/domain/flow';
import { AppError, errorMessage } from '../../../shared/errors';
import { canonicalJson, stableHash } from '../../../shared/hash';
import { compileGraph, compiledExpression, generatedMarker, type Bindings } from '../../../shared/mapping/index';
import { checkConnectionSettings } from '../connections/connection-settings';
import { evaluateIsolated } from '../mapping/mapping-pool';
import { dependencyOrder } from '../sync/dependency-order';
import { describeSchedule } from '../sync/scheduler';
import { loadBundle, type LoadedBundle } from './bundle-load';

/** `$lookupRef` in samples: a placeholder naming the reference, so samples never depend on a target's ids. */
export const sampleBindings: Bindings = {
  ...placeholderIdBindings,
  lookupRef: (entity: unknown, key: unknown) =>
    key === undefined || key === null || key === '' ? null : `${sampleReferencePrefix}${String(entity)}/${String(key)}`,
};

/**
 * Everything `mlc validate` and the import check beyond the file itself: each
 * mapping compiles (and matches its graph), hashes agree, flows name what the
 * bundle has, schedules parse, connections declare the slots their system needs,
 * and every sample still gives its expected output.
 */
export async function checkBundle(loaded: LoadedBundle): Promise<BundleCheck> {
  const problems: BundleProblem[] = [...loaded.problems];
  const warnings = [...loaded.warnings];
  const samples = { passed: 0, failed: 0 };
  const bundle = loaded.bundle;
  if (bundle) {
    checkConnections(bundle, problems);
    checkMappings(bundle, problems, warnings);
    checkFlows(bundle, problems);
    await checkSamples(bundle, problems, samples);
  }
  return {
    ok: problems.length === 0,
    name: bundle?.name ?? loaded.name,
    contentHash: bundle?.contentHash ?? null,
    version: loaded.version,
    migratedFrom: loaded.migratedFrom,
    problems,
    warnings,
    counts: {
      connections: bundle?.connections.length ?? 0,
      mappings: bundle?.mappings.length ?? 0,
      flows: bundle?.flows.length ?? 0,
    },
    samples,
    secretSlots: bundle
      ? bundle.connections.flatMap((connection) => connection.secretSlots.map((slot) => slot.slot))
      : [],
  };
}

/** Load and check in one go, from the file's text. */
export async function validateBundleText(text: string): Promise<{ check: BundleCheck; loaded: LoadedBundle }> {
  const loaded = loadBundle(text);
  return { check: await checkBundle(loaded), loaded };
}

/** Throws `AppError` with the first problem when the bundle is not fit to run. */
export function assertRunnable(check: BundleCheck, loaded: LoadedBundle): Bundle {
  if (!check.ok || !loaded.bundle) {
    const first = check.problems[0] ?? { code: 'E_BUNDLE_INVALID' as const, message: 'The bundle is not valid.' };
    throw new AppError(first.code, first.message, { problems: check.problems });
  }
  return loaded.bundle;
}

function checkConnections(bundle: Bundle, problems: BundleProblem[]): void {
  const ids = new Set<string>();
  const slots = new Set<string>();
  const refs = new Set<string>();
  bundle.connections.forEach((connection, index) => {
    const path = `connections[${index}]`;
    if (ids.has(connection.id))
      problems.push({ code: 'E_BUNDLE_INVALID', message: `Two connections share the id ${connection.id}.`, path });
    if (refs.has(connection.ref))
      problems.push({ code: 'E_BUNDLE_INVALID', message: `Two connections share the ref “${connection.ref}”.`, path });
    ids.add(connection.id);
    refs.add(connection.ref);
    const settings = checkConnectionSettings(connection.system, connection.settings);
    if (!settings.ok) {
      for (const problem of settings.problems) {
        problems.push({
          code: 'E_BUNDLE_INVALID',
          message: `The connection “${connection.name}” (${connection.system}) has an invalid setting “${problem.field}”: ${problem.message}`,
          path: `${path}.settings.${problem.field}`,
        });
      }
    }
    const declared = new Set(connection.secretSlots.map((slot) => slot.key));
    for (const slot of connection.secretSlots) {
      if (slots.has(slot.slot))
        problems.push({ code: 'E_BUNDLE_INVALID', message: `The secret slot ${slot.slot} is declared twice.`, path });
      slots.add(slot.slot);
    }
    for (const key of requiredSecretKeys(connection.system, connection.settings)) {
      if (!declared.has(key)) {
        problems.push({
          code: 'E_BUNDLE_SECRET_MISSING',
          message: `The connection “${connection.name}” (${connection.system}) needs the secret “${key}” but declares no slot for it; it could never sign in.`,
          path: `${path}.secretSlots`,
        });
      }
    }
  });
}

function checkMappings(bundle: Bundle, problems: BundleProblem[], warnings: string[]): void {
  const connections = new Set(bundle.connections.map((connection) => connection.id as string));
  bundle.mappings.forEach((mapping, index) => {
    const path = `mappings[${index}]`;
    // An import brings the bundle's connections only: an id naming another one would point nowhere.
    for (const [key, side] of [
      ['sourceConnectionId', 'source'],
      ['targetConnectionId', 'target'],
    ] as const) {
      const id = mapping[key];
      if (id !== undefined && !connections.has(id)) {
        problems.push({
          code: 'E_BUNDLE_INVALID',
          message: `The mapping “${mapping.name}” was drawn against the ${side} connection ${id}, which is not in the bundle.`,
          path: `${path}.${key}`,
        });
      }
    }
    try {
      compiledExpression(mapping.expression);
    } catch (error) {
      const info = error instanceof AppError ? error : new AppError('E_MAPPING_COMPILE', String(error));
      problems.push({
        code: info.code,
        message: `The mapping “${mapping.name}” does not compile: ${info.message}`,
        path: `${path}.expression`,
      });
      return;
    }
    if (stableHash(mapping.expression) !== mapping.hash) {
      problems.push({
        code: 'E_BUNDLE_HASH',
        message: `The mapping “${mapping.name}” has a hash that does not match its expression.`,
        path: `${path}.hash`,
      });
    }
    checkGraph(mapping, path, problems, warnings);
  });
}

/** A drawn mapping must still compile from its graph to exactly the expression the bundle runs. */
function checkGraph(mapping: BundleMapping, path: string, problems: BundleProblem[], warnings: string[]): void {
  // The bundle schema already refused a graph this version cannot read.
  const graph = mapping.graph;
  if (graph === undefined) return;
  if (!mapping.expression.startsWith(generatedMarker)) {
    warnings.push(
      `The mapping “${mapping.name}” was edited as text; its graph is kept for the designer but the expression is what runs.`,
    );
    return;
  }
  try {
    const compiled = compileGraph(graph);
    if (compiled.expression !== mapping.expression) {
      problems.push({
        code: 'E_MAPPING_COMPILE',
        message: `The mapping “${mapping.name}”: its graph compiles to a different expression than the one in the bundle.`,
        path: `${path}.expression`,
      });
    }
  } catch (error) {
    problems.push({
      code: 'E_MAPPING_COMPILE',
      message: `The mapping “${mapping.name}”: its graph does not compile: ${errorMessage(error)}`,
      path: `${path}.graph`,
    });
  }
}

function checkFlows(bundle: Bundle, problems: BundleProblem[]): void {
  const connections = new Set(bundle.connections.map((connection) => connection.id as string));
  const mappings = new Map(bundle.mappings.map((mapping) => [mapping.id as string, mapping]));
  const flowIds = new Set(bundle.flows.map((flow) => flow.id as string));
  bundle.flows.forEach((flow, index) => {
    const path = `flows[${index}]`;
    const say = (message: string, where: string) =>
      problems.push({
        code: 'E_BUNDLE_INVALID',
        message: `The flow “${flow.name}”: ${message}`,
        path: `${path}.${where}`,
      });
    if (!connections.has(flow.source.connectionId))
      say(`its source connection ${flow.source.connectionId} is not in the bundle.`, 'source.connectionId');
    if (!connections.has(flow.target.connectionId))
      say(`its target connection ${flow.target.connectionId} is not in the bundle.`, 'target.connectionId');
    const mapping = mappings.get(flow.mappingId);
    if (!mapping) say(`its mapping ${flow.mappingId} is not in the bundle.`, 'mappingId');
    else if (mapping.sourceEntity !== flow.source.entity || mapping.targetEntity !== flow.target.entity) {
      say(
        `its mapping “${mapping.name}” maps ${mapping.sourceEntity} → ${mapping.targetEntity}, the flow ${flow.source.entity} → ${flow.target.entity}.`,
        'mappingId',
      );
    }
    for (const dependency of flow.dependsOn)
      if (!flowIds.has(dependency))
        say(`it depends on the flow ${dependency}, which is not in the bundle.`, 'dependsOn');
    if (flow.schedule.kind !== 'manual') {
      try {
        describeSchedule(flow.schedule, 1);
      } catch (error) {
        problems.push({
          code: 'E_SCHEDULE_INVALID',
          message: `The flow “${flow.name}”: ${errorMessage(error)}`,
          path: `${path}.schedule`,
        });
      }
    }
  });
  try {
    dependencyOrder(bundle.flows.map((flow) => ({ ...flow, createdAt: '', updatedAt: '' }) as Flow));
  } catch (error) {
    problems.push({ code: 'E_BUNDLE_INVALID', message: errorMessage(error), path: 'flows' });
  }
}

async function checkSamples(
  bundle: Bundle,
  problems: BundleProblem[],
  tally: { passed: number; failed: number },
): Promise<void> {
  const mappings = new Map(bundle.mappings.map((mapping) => [mapping.id as string, mapping]));
  for (const [index, sample] of bundle.samples.entries()) {
    const path = `samples[${index}]`;
    const mapping = mappings.get(sample.mappingId);
    if (!mapping) {
      tally.failed += 1;
      problems.push({
        code: 'E_BUNDLE_INVALID',
        message: `The sample “${sample.name}” names the mapping ${sample.mappingId}, which is not in the bundle.`,
        path,
      });
      continue;
    }
    let actual: unknown;
    try {
      // Isolated: a sample that makes the mapping run away fails the check instead of the process.
      const [result] = await evaluateIsolated(mapping.expression, [sample.input], { bindings: sampleBindings });
      if (!result!.ok) throw new AppError(result!.error.code, result!.error.message);
      actual = result!.value ?? null;
    } catch (error) {
      tally.failed += 1;
      problems.push({
        code: 'E_BUNDLE_SAMPLE',
        message: `The sample “${sample.name}” of “${mapping.name}” fails: ${errorMessage(error)}`,
        path,
      });
      continue;
    }
    const expected = sample.expected ?? null;
    if (canonicalJson(actual) === canonicalJson(expected)) {
      tally.passed += 1;
      continue;
    }
    tally.failed += 1;
    problems.push({
      code: 'E_BUNDLE_SAMPLE',
      message: `The sample “${sample.name}” of “${mapping.name}” no longer gives its expected output: ${describeDifference(expected, actual)}`,
      path: `${path}.expected`,
    });
  }
}

/** The first few fields that differ, in words. */
function describeDifference(expected: unknown, actual: unknown): string {
  if (!isObject(expected) || !isObject(actual)) return `expected ${short(expected)}, got ${short(actual)}.`;
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const differing = keys.filter((key) => canonicalJson(expected[key] ?? null) !== canonicalJson(actual[key] ?? null));
  const shown = differing
    .slice(0, 3)
    .map((key) => `${key}: expected ${short(expected[key])}, got ${short(actual[key])}`);
  return `${shown.join('; ')}${differing.length > 3 ? ` (and ${differing.length - 3} more fields)` : ''}.`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function short(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
