import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stableHash } from '../../../shared/hash';
import { repoRoot, tempDir } from '../../support/paths';
import { exampleBundle, reseal } from '../../bundle/support/bundle-files';

/**
 * The built CLI (dist/backend/mlc.js) finds its mapping worker beside it: `mlc validate` on a
 * bundle whose sample makes the mapping build a 400-million-character text reports the sample
 * and exits with the "not valid" code, where it used to die of a fatal V8 error (exit 133).
 */
describe('mlc validate with a runaway sample (built bundle)', () => {
  const folder = tempDir('mlc-runaway-');
  afterAll(() => folder.remove());

  it('reports the sample and exits normally', () => {
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
    const file = path.join(folder.dir, 'huge.mlcbundle.json');
    fs.writeFileSync(file, JSON.stringify(reseal(bundle)));

    const result = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mlc.js'), 'validate', file], {
      encoding: 'utf8',
      env: { ...process.env, MLC_HOME: folder.dir },
    });
    expect(result.stdout + result.stderr).toMatch(/The sample “Huge”.*more than 16 MB/);
    expect(result.status).toBe(3);
  });
});
