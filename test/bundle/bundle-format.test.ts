import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { bundleJsonSchemaText } from '../../shared/bundle/bundle-json-schema';
import { bundleVersion } from '../../shared/bundle/bundle.schema';
import { AppError } from '../../shared/errors';
import { contentHashOf } from '../../electron/backend/bundle/bundle-hash';
import { loadBundle } from '../../electron/backend/bundle/bundle-load';
import { validateBundleText } from '../../electron/backend/bundle/bundle-check';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { testBackend } from '../support/backend';
import { repoRoot } from '../support/paths';
import { exampleBundle, reseal } from './support/bundle-files';

const text = (value: unknown) => JSON.stringify(value);

/** The example written back in the preview (version 0) format, with that format's own checksum. */
function asVersion0(): Record<string, unknown> {
  const bundle = exampleBundle();
  const body = {
    format: 'mlc-bundle',
    version: 0,
    name: bundle.name,
    exportedAt: bundle.createdAt,
    appVersion: bundle.app.version,
    jsonataVersion: bundle.engine.jsonata,
    connections: bundle.connections.map((connection) => ({
      id: connection.id,
      system: connection.system,
      name: connection.name,
      settings: connection.settings,
      secrets: connection.secretSlots.map((slot) => slot.key),
      sandbox: connection.sandbox,
    })),
    mappings: bundle.mappings.map((mapping) => ({
      id: mapping.id,
      name: mapping.name,
      source: { entity: mapping.sourceEntity, schemaHash: mapping.schemaHashes.source },
      target: { entity: mapping.targetEntity, schemaHash: mapping.schemaHashes.target },
      graph: mapping.graph,
      jsonata: mapping.expression,
      hash: mapping.hash,
    })),
    flows: bundle.flows.map((flow) => ({ ...flow, createdAt: bundle.createdAt, updatedAt: bundle.createdAt })),
    samples: bundle.samples.map((sample) => ({
      mapping: sample.mappingId,
      name: sample.name,
      input: sample.input,
      output: sample.expected,
    })),
  };
  return { ...body, checksum: contentHashOf(body, 'checksum') };
}

describe('bundle format', () => {
  it('ships a JSON Schema equal to a fresh generation from the zod schema', () => {
    const committed = fs.readFileSync(path.join(repoRoot, 'schemas', 'mlc-bundle.schema.json'), 'utf8');
    expect(committed).toBe(bundleJsonSchemaText());
    const schema = JSON.parse(committed) as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(
      expect.arrayContaining(['format', 'version', 'connections', 'mappings', 'flows', 'samples', 'contentHash']),
    );
  });

  it('accepts the shipped example: hash, schema, mappings compile, samples match', async () => {
    const { check } = await validateBundleText(
      fs.readFileSync(path.join(repoRoot, 'examples', 'infor-to-zoho.mlcbundle.json'), 'utf8'),
    );
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.samples.passed).toBeGreaterThanOrEqual(2);
    expect(check.samples.failed).toBe(0);
    expect(check.secretSlots).toEqual(expect.arrayContaining(['zoho.refresh_token', 'infor.client_secret']));
  });

  it('refuses a bundle changed after export', () => {
    const bundle = exampleBundle();
    bundle.flows[0]!.target.matchKey = ['Account_Number'];
    const loaded = loadBundle(text(bundle));
    expect(loaded.bundle).toBeUndefined();
    expect(loaded.problems.map((problem) => problem.code)).toEqual(['E_BUNDLE_HASH']);
  });

  it('refuses a bundle that carries a secret, wherever it is', () => {
    const inSettings = exampleBundle();
    inSettings.connections[1]!.settings.client_secret = 'a-real-looking-secret-value';
    const inSlot = exampleBundle() as unknown as {
      connections: Array<{ secretSlots: Array<Record<string, unknown>> }>;
    };
    inSlot.connections[1]!.secretSlots[1]!.value = '1000.refresh-token-value';
    const asBearer = exampleBundle();
    asBearer.description = 'Authorization: Bearer abcdefghijklmnop1234';
    const camelCase = exampleBundle();
    camelCase.connections[0]!.settings.apiKey = 'k-123456789';
    for (const bundle of [inSettings, inSlot, asBearer, camelCase]) {
      // Even with a matching hash: a secret is refused before anything else is looked at.
      const loaded = loadBundle(text(reseal(bundle as Record<string, unknown>)));
      expect(loaded.problems.length).toBeGreaterThan(0);
      expect(loaded.problems.every((problem) => problem.code === 'E_BUNDLE_SECRET')).toBe(true);
      expect(JSON.stringify(loaded.problems)).not.toMatch(
        /real-looking|refresh-token-value|abcdefghijklmnop1234|k-123456789/,
      );
    }
    // Blank slots are fine: nothing is carried.
    const blank = exampleBundle();
    blank.connections[1]!.settings.client_secret = '';
    expect(loadBundle(text(reseal(blank))).problems.map((problem) => problem.code)).not.toContain('E_BUNDLE_SECRET');
  });

  it('migrates a version 0 bundle to the current version, checking its old checksum first', async () => {
    const old = asVersion0();
    const loaded = loadBundle(text(old));
    expect(loaded.problems).toEqual([]);
    expect(loaded.migratedFrom).toBe(0);
    expect(loaded.version).toBe(bundleVersion);
    const example = exampleBundle();
    const migrated = loaded.bundle!;
    expect(
      migrated.connections.map((connection) => [connection.ref, connection.secretSlots.map((slot) => slot.slot)]),
    ).toEqual(
      example.connections.map((connection) => [connection.ref, connection.secretSlots.map((slot) => slot.slot)]),
    );
    expect(migrated.mappings.map((mapping) => [mapping.expression, mapping.hash])).toEqual(
      example.mappings.map((mapping) => [mapping.expression, mapping.hash]),
    );
    expect(migrated.flows).toEqual(example.flows);
    expect(migrated.contentHash).toBe(contentHashOf(migrated as unknown as Record<string, unknown>));
    const { check } = await validateBundleText(text(old));
    expect(check.ok).toBe(true);
    expect(check.migratedFrom).toBe(0);
    expect(check.samples.passed).toBe(example.samples.length);

    const tampered = { ...old, name: 'changed' };
    expect(loadBundle(text(tampered)).problems.map((problem) => problem.code)).toEqual(['E_BUNDLE_HASH']);
  });

  it('refuses unknown format versions and incompatible JSONata', () => {
    const future = reseal({ ...exampleBundle(), version: bundleVersion + 1 });
    expect(loadBundle(text(future)).problems[0]!.code).toBe('E_BUNDLE_VERSION');
    const nextMajor = exampleBundle();
    nextMajor.engine.jsonata = '3.0.0';
    expect(loadBundle(text(reseal(nextMajor))).problems[0]!.code).toBe('E_BUNDLE_ENGINE');
    const current = text(exampleBundle());
    expect(loadBundle(current, '2.1.0').problems[0]).toMatchObject({
      code: 'E_BUNDLE_ENGINE',
      message: expect.stringMatching(/2\.2\.2/),
    });
    expect(loadBundle('{"format":"something-else"}').problems[0]!.code).toBe('E_BUNDLE_INVALID');
  });
});

describe('bundles through the contract', () => {
  const { backend, dispose } = testBackend();
  const api = createClient(inProcessTransport(backend));
  afterAll(() => dispose());

  it('imports a bundle: connections without secrets, mappings with the same hashes, flows with their schedules', async () => {
    const bundle = exampleBundle();
    const result = await api.call('bundles.import', { content: text(bundle) });
    expect(result.check.ok).toBe(true);
    expect(result.connections.map((connection) => connection.status)).toEqual(['created', 'created']);
    expect(result.connections[1]!.missingSecrets.sort()).toEqual(['client_secret', 'refresh_token']);
    const mappings = await api.call('mappings.list', {});
    expect(mappings.map((mapping) => mapping.hash).sort()).toEqual(
      bundle.mappings.map((mapping) => mapping.hash).sort(),
    );
    const flows = await api.call('flows.list', {});
    expect(flows.map((flow) => [flow.name, flow.schedule, flow.dependsOn])).toEqual(
      bundle.flows.map((flow) => [flow.name, flow.schedule, flow.dependsOn]),
    );
    // Again: the same ids update in place; existing connections are kept.
    const again = await api.call('bundles.import', { content: text(bundle) });
    expect(again.connections.map((connection) => connection.status)).toEqual(['kept', 'kept']);
    expect(await api.call('flows.list', {})).toHaveLength(2);
  });

  it('reports per mapping and flow whether the import created, updated or kept it', async () => {
    const fresh = testBackend();
    const client = createClient(inProcessTransport(fresh.backend));
    try {
      const bundle = exampleBundle();
      const first = await client.call('bundles.import', { content: text(bundle) });
      const named = (items: Array<{ name: string; status: string }>) => items.map((item) => [item.name, item.status]);
      expect(named(first.items.mappings)).toEqual(bundle.mappings.map((mapping) => [mapping.name, 'created']));
      expect(named(first.items.flows)).toEqual(bundle.flows.map((flow) => [flow.name, 'created']));
      expect(first.items.flows.map((flow) => flow.id)).toEqual(bundle.flows.map((flow) => flow.id));
      expect([first.mappings, first.flows]).toEqual([bundle.mappings.length, bundle.flows.length]);

      // Identical designs are kept, and left untouched (their stored time does not move).
      const storedBefore = await client.call('mappings.list', {});
      const same = await client.call('bundles.import', { content: text(bundle) });
      expect(same.items.mappings.map((item) => item.status)).toEqual(bundle.mappings.map(() => 'kept'));
      expect(same.items.flows.map((item) => item.status)).toEqual(bundle.flows.map(() => 'kept'));
      expect((await client.call('mappings.list', {})).map((mapping) => mapping.updatedAt)).toEqual(
        storedBefore.map((mapping) => mapping.updatedAt),
      );

      // One flow's schedule and one mapping's name changed in the next export: only those are updated.
      const next = exampleBundle();
      next.flows[1]!.schedule = { kind: 'interval', everySeconds: 3600, timeZone: 'UTC' };
      next.mappings[0]!.name = `${next.mappings[0]!.name} (v2)`;
      const changed = await client.call('bundles.import', { content: text(reseal(next)) });
      expect(named(changed.items.mappings)).toEqual(
        next.mappings.map((mapping, index) => [mapping.name, index === 0 ? 'updated' : 'kept']),
      );
      expect(named(changed.items.flows)).toEqual(
        next.flows.map((flow, index) => [flow.name, index === 1 ? 'updated' : 'kept']),
      );
      expect((await client.call('flows.get', { id: next.flows[1]!.id })).schedule).toEqual(next.flows[1]!.schedule);
    } finally {
      await fresh.dispose();
    }
  });

  it('answers a secret-carrying bundle with E_BUNDLE_SECRET and imports nothing', async () => {
    const bundle = exampleBundle();
    bundle.connections[0]!.settings.password = 'hunter2-hunter2';
    const result = await api.invoke('bundles.import', { content: text(reseal(bundle)) });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('E_BUNDLE_SECRET');
      expect(result.error.message).not.toContain('hunter2');
    }
    const check = await api.call('bundles.validate', { content: text(reseal(bundle)) });
    expect(check.ok).toBe(false);
    expect(check.problems[0]!.path).toBe('connections[0].settings.password');
  });

  it('exports what it imported with the same mappings, flows and connections (and no secrets)', async () => {
    const exported = await api.call('bundles.export', { name: 'Round trip' });
    const bundle = JSON.parse(exported.content) as ReturnType<typeof exampleBundle>;
    const example = exampleBundle();
    expect(bundle.flows).toEqual(example.flows);
    expect(bundle.mappings.map((mapping) => mapping.hash)).toEqual(example.mappings.map((mapping) => mapping.hash));
    expect(bundle.lookupTables).toEqual(example.lookupTables);
    expect(exported.secretSlots).toEqual(
      example.connections.flatMap((connection) => connection.secretSlots.map((slot) => slot.slot)),
    );
    expect(loadBundle(exported.content).problems).toEqual([]);
    await expect(api.call('bundles.export', { flowIds: ['nope' as never] })).rejects.toBeInstanceOf(AppError);
  });
});
