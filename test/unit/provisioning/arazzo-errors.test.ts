import { describe, expect, it } from 'vitest';
import { ArazzoDocumentError, ArazzoInputError } from '../../../lib/arazzo/errors.ts';
import { InvalidMessageError, WorkflowDocumentError } from '../../../lib/errors.ts';
import { fromArazzoError } from '../../../lib/provisioning/arazzo-errors.ts';

describe('fromArazzoError', () => {
  it('maps invalid inputs to INVALID_MESSAGE with the same message and issues', () => {
    // Prepare
    const error = new ArazzoInputError('Workflow inputs are invalid (1 problems)', [
      'inputs/id: x',
    ]);
    // Act
    const mapped = fromArazzoError(error);
    // Assess
    expect(mapped).toBeInstanceOf(InvalidMessageError);
    expect(mapped).toMatchObject({
      code: 'INVALID_MESSAGE',
      retryable: false,
      message: 'Workflow inputs are invalid (1 problems)',
      details: { issues: ['inputs/id: x'] },
    });
  });

  it('maps a document problem to WORKFLOW_INVALID, keeping issues and cause', () => {
    // Prepare
    const cause = new TypeError('Invalid URL');
    const unknown = new ArazzoDocumentError('Unknown workflow "x"', ['known workflows: a']);
    const baseUrl = new ArazzoDocumentError('Runner base URL is not a valid URL', [], { cause });
    // Act
    const mapped = [fromArazzoError(unknown), fromArazzoError(baseUrl)];
    // Assess
    expect(mapped[0]).toBeInstanceOf(WorkflowDocumentError);
    expect(mapped[0]).toMatchObject({
      code: 'WORKFLOW_INVALID',
      details: { issues: ['known workflows: a'] },
    });
    expect(mapped[1]).toMatchObject({ code: 'WORKFLOW_INVALID', details: {}, cause });
  });

  it('returns any other value unchanged', () => {
    // Prepare
    const other = new Error('boom');
    // Act
    const mapped = fromArazzoError(other);
    // Assess
    expect(mapped).toBe(other);
  });
});
