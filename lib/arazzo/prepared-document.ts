/** The shape `prepareDocument` turns a compiled document into: what the runner works on, with nothing left to parse. */
import type { CompiledOperation, CompiledSource, HttpMethod } from './compiled-document.ts';
import type { ConditionNode } from './condition.ts';
import type { Expression } from './expression.ts';
import type { SchemaCheck } from './input-schema.ts';
import type { JsonPathParts } from './jsonpath.ts';
import type { StringPayloadPlan } from './string-payload.ts';
import type { ValuePlan } from './value-plan.ts';

export type PreparedCriterion =
  | { readonly kind: 'simple'; readonly node: ConditionNode; readonly source: string }
  | {
      readonly kind: 'regex';
      readonly regex: RegExp;
      readonly context: Expression;
      readonly source: string;
    }
  | {
      readonly kind: 'jsonpath';
      readonly parts: JsonPathParts;
      readonly context: Expression;
      readonly source: string;
    };

export type PreparedAction = {
  readonly name: string;
  readonly type: 'end' | 'goto' | 'retry';
  /** Index in the workflow's steps of the goto or retry target step; -1 when the action names none. */
  readonly target: number;
  /** The target as written: a stepId or a workflow key (for the step's record, `goto:<id>`). */
  readonly targetId: string;
  /** The key of the workflow a goto transfers to or a retry runs first (docs/arazzo.md §17). */
  readonly workflow: string | undefined;
  readonly retryAfterMs: number;
  readonly retryLimit: number;
  readonly criteria: readonly PreparedCriterion[];
  /** Counter key: step and action name, so a goto does not reset it. */
  readonly counterKey: string;
};

export type PreparedParameter = {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly plan: ValuePlan;
};

export type PreparedBody = {
  readonly contentType: string;
  readonly encoding: 'json' | 'form' | 'text';
  readonly plan: ValuePlan | undefined;
  /** A literal string payload with a JSON or form type: the body text itself, after substitution. */
  readonly stringPlan?: StringPayloadPlan;
  readonly replacements: readonly {
    readonly tokens: readonly string[];
    readonly plan: ValuePlan;
  }[];
};

export type PreparedOperationStep = {
  readonly kind: 'operation';
  readonly stepId: string;
  /** Key of the step's operation in the document's `operations`: its server is looked up by it. */
  readonly operation: string;
  /** Name of the source description the operation belongs to (`HttpRequest.source`). */
  readonly source: string;
  readonly method: HttpMethod;
  /** The path template split into literal text and `{name}` parameter slots. */
  readonly pathParts: readonly (string | { readonly param: string })[];
  readonly pathTemplate: string;
  readonly parameters: readonly PreparedParameter[];
  readonly body: PreparedBody | undefined;
  readonly successCriteria: readonly PreparedCriterion[];
  readonly onSuccess: readonly PreparedAction[];
  readonly onFailure: readonly PreparedAction[];
  readonly outputs: readonly (readonly [string, Expression])[];
  /** Validators of the documented success bodies, by status key (`200`, `2XX`). */
  readonly responseChecks: ReadonlyMap<string, SchemaCheck>;
};

/** A step that runs another workflow with its parameters as that workflow's inputs (docs/arazzo.md §17). */
export type PreparedWorkflowStep = {
  readonly kind: 'workflow';
  readonly stepId: string;
  /** Key of the called workflow in `PreparedDocument.workflows`. */
  readonly workflow: string;
  readonly parameters: readonly { readonly name: string; readonly plan: ValuePlan }[];
  readonly successCriteria: readonly PreparedCriterion[];
  readonly onSuccess: readonly PreparedAction[];
  readonly onFailure: readonly PreparedAction[];
  readonly outputs: readonly (readonly [string, Expression])[];
};

export type PreparedStep = PreparedOperationStep | PreparedWorkflowStep;

export type PreparedWorkflow = {
  /** The workflowId for a local workflow, `$sourceDescriptions.<name>.<workflowId>` for a source's. */
  readonly key: string;
  readonly workflowId: string;
  /** Whether the document itself declares it: only those can be run by id. */
  readonly local: boolean;
  /**
   * How its own document's names map into the whole document's (docs/arazzo.md §17): empty for a local workflow;
   * for one of an arazzo-type source `s`, `$workflows.<id>` reads `$sourceDescriptions.s.<id>` and
   * `$sourceDescriptions.<inner>.url` reads source `s/<inner>`.
   */
  readonly namespace: { readonly workflows: string; readonly sources: string };
  /** Keys of the workflows to complete first, in order. */
  readonly dependsOn: readonly string[];
  readonly validateInputs: SchemaCheck;
  /** Input locations (token lists) holding secrets (`format: password`). */
  readonly passwordPaths: readonly (readonly string[])[];
  readonly steps: readonly PreparedStep[];
  readonly outputs: readonly (readonly [string, Expression])[];
};

/** A compiled document ready to run: what `createWorkflowRunner` works on. */
export type PreparedDocument = {
  readonly prepared: true;
  readonly sources: readonly CompiledSource[];
  /** The operations steps call, by key: the runner resolves a server for each. */
  readonly operations: Readonly<Record<string, CompiledOperation>>;
  /** Every workflow by key: local ones first, then those of arazzo-type sources. */
  readonly workflows: ReadonlyMap<string, PreparedWorkflow>;
};
