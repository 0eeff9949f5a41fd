import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/api/client';
import { stableHash } from '../../../shared/hash';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { testBackend } from '../../support/backend';
import { exampleBundle, reseal } from '../../bundle/support/bundle-files';

/**
 * `bundles.validate` runs every sample through its mapping. A sample that makes the mapping
 * build a 400-million-character text used to abort the whole backend (studio) process; now it is
 * one problem in the answer and the backend keeps serving.
 */
describe('bundles.validate with a runaway mapping', () => {
  const { backend, dispose } = testBackend();
  const api = createClient(inProcessTransport(backend));
  afterAll(() => dispose());

  it('answers with a problem for the sample and stays up', async () => {
    const bundle = exampleBundle();
    const mapping = bundle.mappings[1]!;
    const expression = `huge ? $pad("", 400000000) : (${mapping.expression})`;
    bundle.mappings[1] = { ...mapping, expression, hash: stableHash(expression) };
    const template = bundle.samples.find((sample) => sample.mappingId === mapping.id)!;
    bundle.samples.push({
      ...template,
      name: 'Huge',
      input: { ...(template.input as Record<string, unknown>), huge: true },
    });

    const check = await api.call('bundles.validate', { content: JSON.stringify(reseal(bundle)) });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.objectContaining({ code: 'E_BUNDLE_SAMPLE', message: expect.stringMatching(/“Huge”.*more than 16 MB/) }),
    ]);
    expect(check.samples.failed).toBe(1);
    expect(check.samples.passed).toBe(bundle.samples.length - 1);

    // Still serving.
    const again = await api.call('bundles.validate', { content: JSON.stringify(reseal(exampleBundle())) });
    expect(again.ok).toBe(true);
  });
});
