/**
 * The Arazzo build-time surface (CLI, `workflows:build`, tests): parsing YAML/JSON, JSON Schema validation with
 * Ajv, semantic checks and compilation. Never import this from deployed code.
 */
export { type BuildEntry, buildWorkflows, compiledPathOf, serializeCompiled } from './build.ts';
export {
  type CompileOptions,
  type CompileResult,
  compileArazzoDocument,
  compileArazzoFile,
  compileArazzoFileOrThrow,
  type DocumentIssue,
  formatIssue,
  resolveSourcePath,
} from './compile.ts';
export { type ParsedText, parseDocumentText, readDocumentFile } from './load-document.ts';
export { validateArazzoSchema } from './schema-validation.ts';
