/**
 * Maps the interpreter's own errors to the application's codes, so that the DLQ keeps its contract: invalid workflow
 * inputs are INVALID_MESSAGE (permanent), a document or runner configuration problem is WORKFLOW_INVALID.
 */
import { ArazzoDocumentError, ArazzoInputError } from '../arazzo/index.ts';
import { InvalidMessageError, WorkflowDocumentError } from '../errors.ts';

const causeOf = (error: Error): ErrorOptions | undefined =>
  error.cause === undefined ? undefined : { cause: error.cause };

/** The AppError for an interpreter error; anything else is returned unchanged. */
export const fromArazzoError = (error: unknown): unknown => {
  if (error instanceof ArazzoInputError) {
    return new InvalidMessageError(error.message, { issues: error.issues }, causeOf(error));
  }
  if (error instanceof ArazzoDocumentError) {
    const details = error.issues.length === 0 ? {} : { issues: error.issues };
    return new WorkflowDocumentError(error.message, details, causeOf(error));
  }
  return error;
};
