/**
 * The Arazzo runtime's public surface: everything a Lambda needs to run a compiled workflow. Imports neither
 * `yaml` nor `ajv`; the build-time API (load, compile, build) lives in `build-time.ts`.
 */
export type {
  CompiledAction,
  CompiledCriterion,
  CompiledDocument,
  CompiledOperation,
  CompiledOperationStep,
  CompiledParameter,
  CompiledSource,
  CompiledStep,
  CompiledWorkflow,
  CompiledWorkflowStep,
} from './compiled-document.ts';
export { COMPILED_FORMAT } from './compiled-document.ts';
export { ArazzoDocumentError, ArazzoInputError } from './errors.ts';
export type {
  ClassifyFailure,
  FailureReason,
  HttpRequest,
  HttpResponse,
  Send,
  SendOptions,
  StepFailure,
} from './http-port.ts';
export { type PreparedDocument, prepareDocument } from './prepare.ts';
export { redactSecrets } from './redact.ts';
export { parseRetryAfterMs } from './retry-after.ts';
export {
  createWorkflowRunner,
  type RunFailure,
  type RunOptions,
  type RunResult,
  type StepOutcome,
  type StepRecord,
  type TraceEntry,
  type WorkflowRunner,
  type WorkflowRunnerOptions,
} from './runner.ts';
