import { describe, expect, it } from 'vitest';
import { m3CreateRequired, m3WriteEntities } from '../../../electron/backend/connectors/infor/m3-write-entities';
import { readJsonFixture } from '../../support/paths';

/** Every M3 write transaction the connector calls exists in real M3 with the mandatory inputs it supplies. */
interface Catalogue {
  programs: Record<string, Record<string, { inputs: Array<{ name: string; required: boolean }> }>>;
}
const catalogue = readJsonFixture<Catalogue>('infor', 'm3-mi-catalogue.json');
const required = (program: string, name: string) => {
  const found = catalogue.programs[program]?.[name];
  expect(found, `${program}/${name}`).toBeDefined();
  return found!.inputs.filter((input) => input.required).map((input) => input.name);
};

describe('M3 write transactions', () => {
  it.each(Object.entries(m3WriteEntities))('%s', (entity, spec) => {
    // Change: only the key is mandatory, so a change sends just the mapped fields.
    expect(required(spec.program, spec.change)).toEqual([spec.key]);
    expect(required(spec.program, spec.get)).toEqual([spec.key]);
    const add = required(spec.program, spec.add);
    if (spec.addTemplateInput) {
      // Add: the template comes from the connection, the rest is what the schema marks required on create.
      expect(add.sort()).toEqual([spec.addTemplateInput, ...(m3CreateRequired[entity] ?? [])].sort());
    } else {
      // AddSupplier needs 23 fields: why a template (CopyTemplate: STEM and SUNO only) is offered.
      expect(add).toHaveLength(23);
      expect(required(spec.program, spec.copy!.transaction)).toEqual([spec.copy!.templateInput, spec.key]);
    }
  });
});
