export { assertLocalRefsResolve, type BundleResult, bundleDocument, resolvePointer } from './bundle.ts';
export { DocumentError, type DocumentErrorCode } from './errors.ts';
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
  readDocumentText,
} from './parse.ts';
export { type StructureProblem, validateOpenApiStructure } from './structure.ts';
export { createSchemaValidator, type InstanceError, type SchemaValidator } from './validate.ts';
