/**
 * The interpreter's own errors. It knows nothing of the application that embeds it: a caller maps these to its own
 * codes (the provisioning layer maps them to INVALID_MESSAGE and WORKFLOW_INVALID). `name` is a class field so that
 * it survives minification and shows in logs.
 */

/** Workflow inputs break the workflow's input schema; thrown before any request. */
export class ArazzoInputError extends Error {
  override readonly name = 'ArazzoInputError';
  /** One entry per problem (`inputs/id: must have at least 1 characters`). */
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}

/**
 * A compiled document cannot be prepared, names no such workflow, or the runner is configured with an unusable base
 * URL: a defect of the deployment, never of one run's inputs.
 */
export class ArazzoDocumentError extends Error {
  override readonly name = 'ArazzoDocumentError';
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}

/** A thrown value's message, cut to 200 characters for an issue line. The interpreter's one copy of this. */
export const errorText = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 200);
