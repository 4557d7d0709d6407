/**
 * The JSON-serialisable form a workflow document is compiled to at build time (docs/arazzo.md §13): sources
 * and components resolved, operations indexed, action lists merged, the inputs schema `$ref`-free. The runtime
 * loads only this; it never sees YAML, a Reusable Object or an OpenAPI description.
 */
import type { HttpRequest } from './http-port.ts';
import type { JsonSchema } from './input-schema.ts';

/** Marks the compiled format; bump it when the shape changes so stale JSON is refused at load. */
export const COMPILED_FORMAT = 'arazzo-compiled/4';

/** How a workflow of an arazzo-type source is keyed: `$sourceDescriptions.<name>.<workflowId>` (§17). */
export const SOURCE_PREFIX = '$sourceDescriptions.';

export type HttpMethod = HttpRequest['method'];

/**
 * A criterion after validation: xpath never reaches the compiled form. A jsonpath condition is an RFC 9535 query
 * that may embed runtime expressions (`{$inputs.id}`), each substituted as a JSON literal before the query runs.
 */
export type CompiledCriterion = {
  readonly condition: string;
  readonly type: 'simple' | 'regex' | 'jsonpath';
  readonly context?: string;
};

/** A success or failure action with its Reusable Object resolved. */
export type CompiledAction = {
  readonly name: string;
  readonly type: 'end' | 'goto' | 'retry';
  /** goto: the step to continue at; retry: the step to run before the current one runs again. */
  readonly stepId?: string;
  /** goto: the workflow control transfers to; retry: the workflow to run first. A key into `workflows`. */
  readonly workflowId?: string;
  readonly retryAfter?: number;
  readonly retryLimit?: number;
  readonly criteria: readonly CompiledCriterion[];
  /** Where the action came from: the step's own list or the workflow-level list. */
  readonly from: 'step' | 'workflow';
};

export type CompiledParameter = {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  /** A literal, a runtime expression, or a string with embedded `{$...}`. */
  readonly value: unknown;
};

export type CompiledRequestBody = {
  readonly contentType: string;
  /** Absent when the document gave no payload. */
  readonly payload?: unknown;
  readonly replacements: readonly { readonly target: string; readonly value: unknown }[];
};

/**
 * A source description (docs/arazzo.md §2.1). `servers` are its OpenAPI description's `servers[].url`, variables
 * substituted with their defaults and relative URLs resolved against `url` when that is http(s) (a relative one is
 * kept as written and is unusable unless the caller configures the source's server); empty for arazzo sources.
 */
export type CompiledSource = {
  readonly name: string;
  readonly type: 'openapi' | 'arazzo';
  /** The `url` as the document writes it (what `$sourceDescriptions.<name>.url` answers). */
  readonly url: string;
  readonly servers: readonly string[];
};

/** One entry of the operation index: what the source description says about an operation. */
export type CompiledOperation = {
  /** Name of the source description the operation belongs to. */
  readonly source: string;
  readonly method: HttpMethod;
  /** Path template from the OpenAPI description, e.g. `/customers/{customerId}`. */
  readonly path: string;
  /** Path- or operation-level OpenAPI `servers` (operation's win), resolved like `CompiledSource.servers`. */
  readonly servers?: readonly string[];
  /** The operation's JSON-ish request media type, when it declares one. */
  readonly contentType?: string;
  /**
   * JSON Schemas of the JSON bodies the description documents, by status (`200`, `2XX`). A body answered with one
   * of these statuses must be JSON and match, or the step fails with reason `response-schema`.
   */
  readonly responses?: Readonly<Record<string, JsonSchema>>;
};

/** A step that calls an operation of the source. */
export type CompiledOperationStep = {
  readonly kind: 'operation';
  readonly stepId: string;
  /** Key into `CompiledDocument.operations`: `<source>.<operationId>`, or `<source> <METHOD> <path>` without one. */
  readonly operation: string;
  /** Workflow-level parameters merged with the step's (step wins by name + in). */
  readonly parameters: readonly CompiledParameter[];
  readonly requestBody?: CompiledRequestBody;
  /** Empty means "any 2xx" (docs/arazzo.md §2). */
  readonly successCriteria: readonly CompiledCriterion[];
  /** The step's actions, then the workflow-level ones it does not redefine by name. */
  readonly onSuccess: readonly CompiledAction[];
  readonly onFailure: readonly CompiledAction[];
  readonly outputs: Readonly<Record<string, string>>;
};

/**
 * A step that runs another workflow (docs/arazzo.md §2): its parameters are that workflow's inputs; its criteria,
 * outputs and actions see the called workflow's outputs as `$outputs`.
 */
export type CompiledWorkflowStep = {
  readonly kind: 'workflow';
  readonly stepId: string;
  /** Key into `CompiledDocument.workflows` of the workflow the step runs. */
  readonly workflow: string;
  /** The called workflow's inputs: name and value (a literal, an expression or a template). */
  readonly parameters: readonly { readonly name: string; readonly value: unknown }[];
  readonly successCriteria: readonly CompiledCriterion[];
  readonly onSuccess: readonly CompiledAction[];
  readonly onFailure: readonly CompiledAction[];
  readonly outputs: Readonly<Record<string, string>>;
};

export type CompiledStep = CompiledOperationStep | CompiledWorkflowStep;

export type CompiledWorkflow = {
  /**
   * How steps, actions and `dependsOn` refer to it: a local workflow's workflowId, or
   * `$sourceDescriptions.<name>.<workflowId>` for a workflow of an arazzo-type source.
   */
  readonly key: string;
  readonly workflowId: string;
  /** Whether the document itself declares it (not an arazzo-type source): only those can start a run. */
  readonly local: boolean;
  /**
   * Where its own document's names live in the whole document's (docs/arazzo.md §17): empty for a local workflow;
   * for one of an arazzo-type source `s`, `$workflows.<id>` reads key `$sourceDescriptions.s.<id>` and
   * `$sourceDescriptions.<inner>.url` reads source `s/<inner>`.
   */
  readonly namespace: { readonly workflows: string; readonly sources: string };
  /** Keys of the workflows that must have completed in the run before this one starts. */
  readonly dependsOn: readonly string[];
  readonly summary?: string;
  /** The inputs schema with every `$ref` resolved; null when the workflow declares none. */
  readonly inputs: JsonSchema | null;
  readonly steps: readonly CompiledStep[];
  readonly outputs: Readonly<Record<string, string>>;
};

/** The whole compiled document: what `*.compiled.json` holds. */
export type CompiledDocument = {
  readonly format: typeof COMPILED_FORMAT;
  readonly arazzo: string;
  readonly info: { readonly title: string; readonly version: string };
  readonly sources: readonly CompiledSource[];
  readonly operations: Readonly<Record<string, CompiledOperation>>;
  readonly workflows: readonly CompiledWorkflow[];
};
