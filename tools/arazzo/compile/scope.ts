/** What the compilers of one document share: where problems go and what the document and its source declare. */
import type { CompiledOperation } from '../../../lib/arazzo/compiled-document.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import type { Rec } from './document-values.ts';
import type { ExpressionPlace, ExpressionSite, WorkflowContext } from './expression-checks.ts';
import type { OperationIndex } from './operation-index.ts';
import type { SourceEntry } from './source-description.ts';

/** A source description with its indexed operations (empty for arazzo sources and sources that did not load). */
export type ScopeSource = SourceEntry & {
  readonly operations: OperationIndex;
  /** The description's own servers, resolved (docs/arazzo.md §2.1). */
  readonly servers: readonly string[];
};

/** What a workflow declares, for checking steps, actions and expressions that refer to it. */
export type WorkflowInfo = {
  /** Undefined when its inputs schema lists no properties: any name may then be passed. */
  readonly inputNames: ReadonlySet<string> | undefined;
  readonly outputNames: ReadonlySet<string>;
};

export type DocumentScope = {
  readonly issues: DocumentIssue[];
  readonly warnings: DocumentIssue[];
  /** The document's `components`, or `{}`. */
  readonly components: Rec;
  /** Every source description by name, in document order. */
  readonly sources: ReadonlyMap<string, ScopeSource>;
  /** The operations steps use, by index key; filled in as steps compile. */
  readonly usedOperations: Record<string, CompiledOperation>;
  /** The document's own workflows, by workflowId (docs/arazzo.md §17). */
  readonly localWorkflows: ReadonlyMap<string, WorkflowInfo>;
  /** Workflows of arazzo-type sources, keyed `$sourceDescriptions.<name>.<workflowId>`. */
  readonly externalWorkflows: ReadonlyMap<string, WorkflowInfo>;
};

export type WorkflowScope = DocumentScope & {
  /** JSON Pointer of the workflow. */
  readonly pointer: string;
  readonly context: WorkflowContext;
  /**
   * Set while a step that calls a workflow compiles: its criteria, outputs and actions see that workflow's outputs
   * as `$outputs` and no request or response (docs/arazzo.md §17).
   */
  readonly callee?: { readonly outputNames: ReadonlySet<string> | undefined };
};

/** The workflow a key names (a local workflowId or `$sourceDescriptions.<name>.<workflowId>`), if any. */
export const workflowInfoOf = (scope: DocumentScope, key: string): WorkflowInfo | undefined =>
  scope.localWorkflows.get(key) ?? scope.externalWorkflows.get(key);

/** The site of an expression evaluated at `place` while the step at `currentStep` runs. */
export const siteIn = (
  scope: WorkflowScope,
  place: ExpressionPlace,
  currentStep: number,
): ExpressionSite => {
  const site = {
    issues: scope.issues,
    context: scope.context,
    place,
    currentStep,
    sourceNames: scope.sources,
  };
  if (scope.callee === undefined || place !== 'response') return site;
  const calleeOutputs = scope.callee.outputNames;
  // Dotted `$outputs.<name>` in conditions split against the called workflow's output names (declared-names.ts).
  const context = { ...scope.context, workflowOutputNames: calleeOutputs ?? new Set<string>() };
  return { ...site, context, place: 'workflowStep', calleeOutputs };
};
