import { z } from 'zod';
import { bundleSchema } from './bundle.schema';

export const bundleJsonSchemaId = 'https://ml-connector.dev/schemas/mlc-bundle.schema.json';

/**
 * The published JSON Schema of the bundle format, generated from the zod
 * schema (the source of truth); `schemas/mlc-bundle.schema.json` is this, and a
 * test keeps the committed file equal to a fresh generation.
 */
export function bundleJsonSchema(): Record<string, unknown> {
  // Validation is what the schema is for: inputs as files hold them, so defaults are optional.
  const generated = z.toJSONSchema(bundleSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    ...generated,
    $id: bundleJsonSchemaId,
    title: 'ml-connector Studio mapping bundle',
    description:
      'A versioned mapping bundle (format "mlc-bundle"): connections without secrets (named secret slots), mappings as JSONata with their graphs, flows with schedules, lookup tables, samples with expected outputs and a SHA-256 content hash. Generated from shared/bundle/bundle.schema.ts — do not edit by hand.',
  };
}

/** The file's text: two-space JSON and a newline. */
export function bundleJsonSchemaText(): string {
  return `${JSON.stringify(bundleJsonSchema(), null, 2)}\n`;
}
