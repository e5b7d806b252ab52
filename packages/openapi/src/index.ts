export {
  assertLocalRefsResolve,
  type BundleResult,
  bundleDocument,
  inlinePathItemRefs,
  resolvePointer,
} from './bundle.ts';
export { DocumentError, type DocumentErrorCode } from './errors.ts';
export { assertWithinLimits, DOCUMENT_LIMITS, type DocumentLimits, describeBytes } from './limits.ts';
export {
  type LinearRegExp,
  linearRegExp,
  repeatsARepeatingGroup,
  UnsafePatternError,
} from './linear-regexp.ts';
export {
  effectiveSecurity,
  HTTP_METHODS,
  type HttpMethod,
  isPublicOperation,
  listOperations,
  type OperationEntry,
} from './operations.ts';
export {
  escapePointerToken,
  type JsonObject,
  type ParsedDocument,
  parseDocument,
  pointerTokens,
} from './parse.ts';
export { type DocumentText, type ReadOptions, readDocumentText } from './read.ts';
export {
  type FollowedReference,
  pointerOfPath,
  type ReferenceLoader,
  type ReferenceProblem,
  type ReferenceTarget,
  type ResolvedDocument,
  type ResolveOptions,
  resolveDocument,
  type TargetAdapter,
} from './references.ts';
export { type StructureProblem, validateOpenApiStructure } from './structure.ts';
export {
  type ConvertedSwagger,
  convertSwagger2,
  fragmentKindAt,
  isSwagger2,
  nearestExisting,
  SwaggerFragments,
  withSharedBodyParameters,
} from './swagger2.ts';
export {
  createSchemaValidator,
  type InstanceError,
  referenceSchemaValidator,
  type SchemaValidator,
  type SchemaValidatorOptions,
} from './validate.ts';
