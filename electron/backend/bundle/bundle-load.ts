import type { BundleProblem } from '../../../shared/api/bundles.contract';
import { liftDrawnConnections, migrationPath } from '../../../shared/bundle/bundle-migrations';
import { findSecrets } from '../../../shared/bundle/bundle-secrets';
import { bundleFormat, bundleSchema, bundleVersion, type Bundle } from '../../../shared/bundle/bundle.schema';
import { engineCompatibility } from '../../../shared/bundle/engine-version';
import { errorMessage } from '../../../shared/errors';
import { jsonataVersion } from '../app/version';
import { contentHashOf } from './bundle-hash';

export interface LoadedBundle {
  /** Present when the file is a usable bundle of the current version (after migration). */
  bundle?: Bundle;
  problems: BundleProblem[];
  warnings: string[];
  version: number | null;
  migratedFrom: number | null;
  name: string | null;
}

/**
 * Reads a bundle file's text the way every entry point must before anything
 * runs: JSON, no secrets, known format, intact hash (the old version's own hash
 * when migrating), current schema, a compatible JSONata. Never throws: what is
 * wrong comes back as coded problems.
 */
export function loadBundle(text: string, runtimeJsonata = jsonataVersion()): LoadedBundle {
  const result: LoadedBundle = { problems: [], warnings: [], version: null, migratedFrom: null, name: null };
  const problem = (code: BundleProblem['code'], message: string, path?: string) => {
    result.problems.push(path === undefined ? { code, message } : { code, message, path });
    return result;
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return problem('E_BUNDLE_INVALID', `The file is not JSON: ${errorMessage(error)}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return problem('E_BUNDLE_INVALID', 'The file is not a bundle (a JSON object was expected).');
  const object = raw as Record<string, unknown>;
  if (object.format !== bundleFormat)
    return problem(
      'E_BUNDLE_INVALID',
      `The file is not an ml-connector bundle (format is ${JSON.stringify(object.format ?? null)}, expected "${bundleFormat}").`,
    );
  result.name = typeof object.name === 'string' ? object.name : null;

  // Secrets first: a file carrying one is refused whatever else is wrong with it.
  const secrets = findSecrets(object);
  for (const finding of secrets)
    problem(
      'E_BUNDLE_SECRET',
      `The bundle carries a secret at ${finding.path}: ${finding.reason} Remove it and supply it on the server (MLC_SECRET_… or a secrets file).`,
      finding.path,
    );
  if (secrets.length > 0) return result;

  const version = object.version;
  if (typeof version !== 'number' || !Number.isInteger(version))
    return problem('E_BUNDLE_VERSION', 'The bundle has no whole-number "version".');
  result.version = version;
  if (version > bundleVersion) {
    return problem(
      'E_BUNDLE_VERSION',
      `The bundle is format version ${version}; this runtime reads up to ${bundleVersion}. Update ml-connector Studio.`,
    );
  }
  let current: Record<string, unknown> = object;
  if (version < bundleVersion) {
    const steps = migrationPath(version);
    if (!steps || steps.length === 0)
      return problem(
        'E_BUNDLE_VERSION',
        `There is no migration from bundle version ${version}; re-export it from Studio.`,
      );
    const hashField = steps[0]!.hashField;
    if (current[hashField] !== contentHashOf(current, hashField)) {
      return problem(
        'E_BUNDLE_HASH',
        `The bundle's ${hashField} does not match its content: the file was changed after export.`,
      );
    }
    try {
      for (const step of steps) current = step.migrate(current);
    } catch (error) {
      return problem(
        'E_BUNDLE_VERSION',
        `The version ${version} bundle could not be migrated: ${error instanceof Error ? error.message.slice(0, 500) : String(error)}`,
      );
    }
    current = { ...current, contentHash: contentHashOf(current) };
    result.migratedFrom = version;
    result.version = bundleVersion;
    result.warnings.push(
      `Migrated from bundle version ${version} to ${bundleVersion}; export again to save it in the current format.`,
    );
  } else if (typeof current.contentHash !== 'string' || current.contentHash !== contentHashOf(current)) {
    return problem(
      'E_BUNDLE_HASH',
      'The bundle’s contentHash does not match its content: the file was changed after export (or is incomplete).',
    );
  }

  const parsed = bundleSchema.safeParse(liftDrawnConnections(current));
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 20)) {
      const path = issue.path
        .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
        .join('')
        .replace(/^\./, '');
      problem('E_BUNDLE_INVALID', `${path || 'bundle'}: ${issue.message}`, path || undefined);
    }
    return result;
  }
  const engine = engineCompatibility(parsed.data.engine.jsonata, runtimeJsonata);
  if (!engine.ok) return problem('E_BUNDLE_ENGINE', engine.reason);
  if (engine.note) result.warnings.push(engine.note);
  result.bundle = parsed.data;
  return result;
}
