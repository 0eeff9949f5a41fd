/** Mapping bundles: the file format, its migrations and the rules about secrets. */
export * from './bundle.schema';
export * from './bundle-secrets';
export * from './engine-version';
export { bundleMigrations, connectionRef, migrationPath, type BundleMigration } from './bundle-migrations';
export { bundleJsonSchema, bundleJsonSchemaId, bundleJsonSchemaText } from './bundle-json-schema';
