import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

describe('input schema defaults (docs/arazzo.md §7, §10)', () => {
  it('are not applied: an input left out stays absent in payloads and outputs', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const workflow = {
      inputs: {
        type: 'object',
        properties: { tier: { type: 'string', default: 'gold' }, id: { type: 'string' } },
      },
      steps: [
        {
          stepId: 'create',
          operationId: 'createItem',
          requestBody: {
            contentType: 'application/json',
            payload: { id: '$inputs.id', tier: '$inputs.tier' },
          },
          successCriteria: [{ condition: '$statusCode == 200' }],
        },
      ],
      outputs: { tier: '$inputs.tier' },
    };
    const runner = createWorkflowRunner(compileOrFail(documentWith(workflow)), {
      baseUrl: 'http://127.0.0.1:9/api',
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    const result = await runner.run('wf', { id: 'c-1' });
    // Assess
    expect(result.status).toBe('completed');
    expect(JSON.parse(scripted.requests[0]?.body ?? '')).toEqual({ id: 'c-1' });
    expect(result.outputs).toEqual({});
  });
});
