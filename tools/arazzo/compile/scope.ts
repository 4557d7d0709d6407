/** What the compilers of one document share: where problems go and what the document and its source declare. */
import type { CompiledOperation } from '../../../lib/arazzo/compiled-document.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import type { Rec } from './document-values.ts';
import type { ExpressionPlace, ExpressionSite, WorkflowContext } from './expression-checks.ts';
import type { OperationIndex } from './operation-index.ts';

export type DocumentScope = {
  readonly issues: DocumentIssue[];
  readonly warnings: DocumentIssue[];
  /** The document's `components`, or `{}`. */
  readonly components: Rec;
  readonly sourceName: string;
  readonly operations: OperationIndex;
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
): ExpressionSite => ({ issues: scope.issues, context: scope.context, place, currentStep });
