import { describe, expect, it } from 'vitest';
import type { StepFailure } from '../../../lib/arazzo/http-port.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';
import { createScriptedSend, documentWith } from './support.ts';

/** An OpenAPI description whose operations document their 200 bodies. */
const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'responses', version: '1' },
  paths: {
    '/things': {
      get: {
        operationId: 'getThing',
        responses: {
          '200': {
            description: 'a thing, or {} when absent',
            content: {
              'application/json': {
                schema: { type: 'object', properties: { id: { type: 'string', minLength: 1 } } },
              },
            },
          },
        },
      },
      post: {
        operationId: 'listThings',
        responses: {
          '2XX': {
            description: 'every thing',
            content: {
              'application/json': {
                schema: {
                  type: 'array',
                  maxItems: 3,
                  items: { type: 'object', required: ['owner'] },
                },
              },
            },
          },
        },
      },
    },
  },
};

const compile = (workflow: Record<string, unknown>) => {
  const result = compileArazzoDocument(documentWith(workflow), { openapi: OPENAPI });
  if (result.compiled === undefined) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.compiled;
};

const run = async (
  workflow: Record<string, unknown>,
  replies: Parameters<typeof createScriptedSend>[0],
  inputs: Record<string, unknown> = {},
) => {
  const seen: StepFailure[] = [];
  const scripted = createScriptedSend(replies);
  const runner = createWorkflowRunner(compile(workflow), {
    baseUrl: 'http://127.0.0.1:9',
    send: scripted.send,
    classify: (failure) => {
      seen.push(failure);
      return { code: `C_${failure.reason}`, message: failure.reason };
    },
    sleep: async () => {},
  });
  const result = await runner.run('wf', inputs);
  return { result, seen, requests: scripted.requests };
};

const findThing = {
  stepId: 'find',
  operationId: 'getThing',
  successCriteria: [{ condition: '$statusCode == 200 || $statusCode == 404' }],
};

describe('response bodies checked against the source description', () => {
  it.each([
    ['a documented body', { json: { id: 'a' } }],
    ['the documented "absent" answer', { json: {} }],
    ['an undocumented status, never judged', { status: 404, bodyText: '<html>not found</html>' }],
  ])('accepts %s', async (_what, reply) => {
    // Act
    const { result } = await run({ steps: [findThing] }, [reply]);
    // Assess
    expect(result.status).toBe('completed');
  });

  it.each([
    ['an HTML page', { bodyText: '<html><body>502 Bad Gateway</body></html>' }, 'got string'],
    ['an empty body', { bodyText: '' }, 'got undefined'],
    ['truncated JSON', { bodyText: '{"id":"a' }, 'got string'],
    ['another shape', { json: { id: 42 } }, 'body/id: must be string'],
  ])(
    'fails the step on %s, with the reason response-schema and where it breaks',
    async (_what, reply, issue) => {
      // Act
      const { result, seen } = await run({ steps: [findThing] }, [reply]);
      // Assess
      expect(result.status).toBe('failed');
      expect(result.failure).toMatchObject({
        stepId: 'find',
        reason: 'response-schema',
        statusCode: 200,
      });
      expect(seen[0]?.issues?.join('\n')).toContain(issue);
    },
  );

  it('uses a range status key and enforces maxItems', async () => {
    // Prepare
    const step = { stepId: 'list', operationId: 'listThings' };
    // Act
    const { result, seen } = await run({ steps: [step] }, [
      { status: 201, json: [{ owner: 'a' }, { owner: 'b' }, { owner: 'c' }, { owner: 'd' }] },
    ]);
    // Assess
    expect(result.failure?.reason).toBe('response-schema');
    expect(seen[0]?.issues).toEqual(['body: must have at most 3 items, got 4']);
  });

  it('refuses a response schema keyword the validator does not enforce', () => {
    // Prepare
    const openapi = structuredClone(OPENAPI);
    Object.assign(
      openapi.paths['/things'].get.responses['200'].content['application/json'].schema,
      {
        oneOf: [{ type: 'object' }],
      },
    );
    // Act
    const result = compileArazzoDocument(documentWith({ steps: [findThing] }), { openapi });
    // Assess
    expect(result.issues.map(formatIssue).join('\n')).toContain(
      'response schema keyword "oneOf" is not supported',
    );
  });
});

describe('jsonpath criteria (RFC 9535)', () => {
  const listStep = (condition: string) => ({
    stepId: 'list',
    operationId: 'listThings',
    successCriteria: [{ condition: '$statusCode == 200' }],
    onSuccess: [
      {
        name: 'mine',
        type: 'end',
        criteria: [{ context: '$response.body', type: 'jsonpath', condition }],
      },
    ],
  });
  const schema = { type: 'object', properties: { owner: { type: 'string' } } };

  it.each([
    ['the match is not the first element', 'b', 'ended'],
    ['no element matches', 'z', 'completed'],
    ['the value would break out of a naive string', 'a" || @.owner != "', 'completed'],
  ])('finds an element by an embedded input when %s', async (_what, owner, status) => {
    // Act
    const { result } = await run(
      { inputs: schema, steps: [listStep('$[?@.owner == {$inputs.owner}]')] },
      [{ json: [{ owner: 'a' }, { owner: 'b' }] }],
      { owner },
    );
    // Assess
    expect(result.status).toBe(status);
    if (status === 'ended') expect(result.endAction).toEqual({ stepId: 'list', name: 'mine' });
  });

  it('does not match when the embedded value is absent', async () => {
    // Act
    const { result } = await run(
      { inputs: schema, steps: [listStep('$[?@.owner == {$inputs.owner}]')] },
      [{ json: [{ owner: 'a' }, { owner: 'b' }] }],
    );
    // Assess
    expect(result.status).toBe('completed');
  });
});

describe('failures a goto handled', () => {
  it('are reported, classified, when a later step fails', async () => {
    // Prepare
    const workflow = {
      steps: [
        {
          ...findThing,
          successCriteria: [{ condition: '$statusCode == 200' }],
          onFailure: [
            {
              name: 'check',
              type: 'goto',
              stepId: 'again',
              criteria: [{ condition: '$statusCode == 400' }],
            },
          ],
        },
        {
          ...findThing,
          stepId: 'again',
          successCriteria: [{ condition: '$response.body#/id != null' }],
        },
      ],
    };
    // Act
    const { result } = await run(workflow, [
      { status: 400, json: { errorMessage: 'refused' } },
      { json: {} },
    ]);
    // Assess
    expect(result.failure).toMatchObject({ stepId: 'again', reason: 'criteria' });
    expect(result.handledFailures).toEqual([
      {
        stepId: 'find',
        statusCode: 400,
        reason: 'criteria',
        code: 'C_criteria',
        message: 'criteria',
      },
    ]);
  });
});
