import { describe, expect, it } from 'vitest';
import type { StepFailure } from '../../../../lib/arazzo/http-port.ts';
import { DependencyUnavailableError } from '../../../../lib/errors.ts';
import {
  classifyBySource,
  createGenericClassifier,
} from '../../../../tools/arazzo/commands/classify-by-source.ts';

const generic = createGenericClassifier(() => ['s3cret']);

describe('createGenericClassifier: another API’s failures', () => {
  it.each<[string, StepFailure, { code: string; message: string }]>([
    [
      'a 4xx answer',
      {
        reason: 'criteria',
        statusCode: 404,
        bodyText: ' {"message":\n"gone s3cret"} ',
        source: 'pets',
      },
      { code: 'HTTP_404', message: 'HTTP 404 from source "pets": {"message": "gone [REDACTED]"}' },
    ],
    [
      'a 2xx failing its criteria',
      { reason: 'end-action', statusCode: 200, bodyText: '', source: 'pets' },
      { code: 'CRITERIA', message: 'HTTP 200 from source "pets" failed the step\'s criteria' },
    ],
    [
      'no answer',
      {
        reason: 'transport',
        statusCode: null,
        error: new DependencyUnavailableError('No answer from http://127.0.0.1:9: network'),
        source: 'pets',
      },
      {
        code: 'NO_ANSWER',
        message: 'No answer from source "pets": No answer from http://127.0.0.1:9: network',
      },
    ],
    [
      'the run deadline',
      { reason: 'deadline', statusCode: null, source: 'pets' },
      { code: 'TIMEOUT', message: 'No answer from source "pets" (run deadline reached)' },
    ],
    [
      'a body breaking its schema',
      {
        reason: 'response-schema',
        statusCode: 200,
        issues: ['/id: must be string'],
        source: 'pets',
      },
      {
        code: 'RESPONSE_SCHEMA',
        message: 'HTTP 200 from source "pets" is not the documented JSON (/id: must be string)',
      },
    ],
    [
      'an expression that could not be evaluated, with the first three problems',
      {
        reason: 'evaluation',
        statusCode: null,
        issues: [
          'path parameter "petId" is absent',
          'absent value embedded in "pet {$inputs.name}"',
          'header "x-note" contains CR or LF',
          'a fourth problem',
        ],
        source: 'pets',
      },
      {
        code: 'EVALUATION',
        message:
          'Workflow expression could not be evaluated (path parameter "petId" is absent; ' +
          'absent value embedded in "pet {$inputs.name}"; header "x-note" contains CR or LF)',
      },
    ],
    [
      'an evaluation failure without listed problems',
      { reason: 'evaluation', statusCode: null },
      { code: 'EVALUATION', message: 'Workflow expression could not be evaluated' },
    ],
    [
      'the step budget',
      { reason: 'step-budget', statusCode: null },
      { code: 'STEP_BUDGET', message: 'Workflow step budget exhausted (--max-steps)' },
    ],
  ])('words %s without naming Amberflo', (_name, failure, expected) => {
    // Act
    const classified = generic(failure);
    // Assess
    expect(classified).toEqual(expected);
    expect(classified.message).not.toMatch(/amberflo/i);
  });
});

describe('classifyBySource', () => {
  const classify = (allAmberflo: boolean) =>
    classifyBySource({
      amberfloSources: new Set(['billing']),
      allAmberflo,
      amberflo: () => ({ code: 'A', message: 'amberflo' }),
      generic: () => ({ code: 'G', message: 'generic' }),
    });

  it('uses Amberflo’s wording for Amberflo’s sources only, and for the run only when every source is Amberflo’s', () => {
    // Prepare
    const failure = (source?: string): StepFailure => ({
      reason: 'criteria',
      statusCode: 500,
      ...(source === undefined ? {} : { source }),
    });
    // Act
    const codes = [
      classify(false)(failure('billing')).code,
      classify(false)(failure('catalog')).code,
      classify(false)(failure()).code,
      classify(true)(failure()).code,
    ];
    // Assess
    expect(codes).toEqual(['A', 'G', 'G', 'A']);
  });
});
