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

export type DocumentScope = {
  readonly issues: DocumentIssue[];
  readonly warnings: DocumentIssue[];
  /** The document's `components`, or `{}`. */
  readonly components: Rec;
  /** Every source description by name, in document order. */
  readonly sources: ReadonlyMap<string, ScopeSource>;
  /** The operations steps use, by index key; filled in as steps compile. */
  readonly usedOperations: Record<string, CompiledOperation>;
};

export type WorkflowScope = DocumentScope & {
  /** JSON Pointer of the workflow. */
  readonly pointer: string;
  readonly context: WorkflowContext;
};

/** The site of an expression evaluated at `place` while the step at `currentStep` runs. */
export const siteIn = (
  scope: WorkflowScope,
  place: ExpressionPlace,
  currentStep: number,
): ExpressionSite => ({
  issues: scope.issues,
  context: scope.context,
  place,
  currentStep,
  sourceNames: scope.sources,
});
