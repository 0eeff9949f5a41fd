/** The mapping language: graph model, JSONata compiler and parser, evaluation, preview, validation, suggestions. */
export * from './graph.model';
export * from './field-path';
export * from './function-catalog';
export {
  canConnect,
  inputPorts,
  outputPorts,
  portTypeOfField,
  typesCompatible,
  type Connection,
  type ConnectResult,
  type Port,
} from './ports';
export {
  compileGraph,
  generatedMarker,
  lookupFunctionName,
  type CompiledGraph,
  type FieldExpression,
  type SourceMapField,
} from './compiler';
export type { Span } from './printer';
export { parseMapping, type ParseOptions } from './parser';
export {
  assertPlainJson,
  compiledExpression,
  defaultLimits,
  evaluateExpression,
  evaluateMany,
  type Bindings,
  type EvaluateManyOptions,
  type EvaluateOptions,
  type EvaluationLimits,
  type RecordResult,
} from './evaluate';
export {
  MappingPreview,
  type FieldError,
  type PreviewOptions,
  type PreviewRecord,
  type PreviewResult,
} from './preview';
export {
  flattenSchemaFields,
  isReferenceField,
  lookupBindingNames,
  validateMapping,
  type FieldStatistics,
  type IssueCode,
  type ValidateOptions,
  type ValidationIssue,
  type ValidationReport,
} from './validator';
export { suggestMappings, type AutoMapOptions, type AutoMapSuggestion, type SuggestionCandidate } from './auto-map';
export { conceptOf, sourceConcepts, targetConcepts, type Concept } from './infor-dictionary';
export { distinctValues, seedValueMap, type SeededEntry } from './value-map';
export { diffMappings, diffSchemas, type MappingChange, type SchemaChange } from './diff';
export { conversionFix, type ConversionFix } from './conversion-fix';
export {
  invertMapping,
  type InversionKind,
  type InvertedField,
  type InvertedMapping,
  type InvertOptions,
  type NotInvertedField,
} from './invert';
