import { describe, expect, it } from 'vitest';
import { ArazzoDocumentError, ArazzoInputError } from '../../../lib/arazzo/errors.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

const inputsSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    email: { type: 'string' },
    count: { type: 'integer', minimum: 0 },
    flag: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    apiKey: { type: 'string', format: 'password' },
    meta: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const run = async (
  workflow: Record<string, unknown>,
  inputs: Record<string, unknown>,
  replies: Parameters<typeof createScriptedSend>[0] = [{ status: 200, json: {} }],
  secrets: readonly string[] = [],
) => {
  const scripted = createScriptedSend(replies);
  const runner = createWorkflowRunner(
    compileOrFail(documentWith({ inputs: inputsSchema, ...workflow })),
    { baseUrl: 'http://127.0.0.1:9/base/', send: scripted.send, classify: testClassify, secrets },
  );
  const result = await runner.run('wf', inputs);
  return { result, requests: scripted.requests };
};

const createStep = (payload: unknown, extra: Record<string, unknown> = {}) => ({
  steps: [
    {
      stepId: 'create',
      operationId: 'createItem',
      requestBody: { payload, ...extra },
      successCriteria: [{ condition: '$statusCode == 200' }],
    },
  ],
});

describe('createWorkflowRunner requests', () => {
  it('keeps value types and omits absent optional inputs from JSON payloads', async () => {
    // Prepare
    const payload = {
      id: '$inputs.id',
      email: '$inputs.email',
      count: '$inputs.count',
      flag: '$inputs.flag',
      tags: ['$inputs.name', 'fixed', '$inputs.email'],
      nested: { n: '$inputs.count', gone: '$inputs.name' },
      literal: 'ACTIVE',
    };
    // Act
    const { requests } = await run(createStep(payload), { id: 'c-1', count: 0, flag: false });
    // Assess
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      id: 'c-1',
      count: 0,
      flag: false,
      tags: ['fixed'],
      nested: { n: 0 },
      literal: 'ACTIVE',
    });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.url).toBe('http://127.0.0.1:9/base/items');
  });

  it('embeds expressions in strings and fails the step when an embedded value is absent', async () => {
    // Prepare
    const payload = { label: 'customer {$inputs.id} ({$inputs.count})' };
    // Act
    const present = await run(createStep(payload), { id: 'c-1', count: 2 });
    const absent = await run(createStep(payload), { id: 'c-1' });
    // Assess
    expect(JSON.parse(present.requests[0]?.body ?? '')).toEqual({ label: 'customer c-1 (2)' });
    expect(absent.requests).toHaveLength(0);
    expect(absent.result.failure).toMatchObject({ reason: 'evaluation', statusCode: null });
  });

  it('sends no body when a whole-payload expression is absent', async () => {
    // Prepare
    const workflow = createStep('$inputs.meta');
    // Act
    const { requests } = await run(workflow, { id: 'c-1' });
    // Assess
    expect(requests[0]?.body).toBeUndefined();
  });

  it('applies replacements in order, appending and removing', async () => {
    // Prepare
    const workflow = createStep(
      { list: ['a'], keep: 1, drop: 2 },
      {
        replacements: [
          { target: '/list/-', value: '$inputs.id' },
          { target: '/keep', value: '$inputs.count' },
          { target: '/drop', value: '$inputs.email' },
          { target: '/added', value: 'x-{$inputs.id}' },
        ],
      },
    );
    // Act
    const first = await run(workflow, { id: 'c-1', count: 7 });
    const second = await run(workflow, { id: 'c-2', count: 8 });
    // Assess
    expect(JSON.parse(first.requests[0]?.body ?? '')).toEqual({
      list: ['a', 'c-1'],
      keep: 7,
      added: 'x-c-1',
    });
    expect(JSON.parse(second.requests[0]?.body ?? '')).toEqual({
      list: ['a', 'c-2'],
      keep: 8,
      added: 'x-c-2',
    });
  });

  it('encodes a form payload', async () => {
    // Prepare
    const workflow = {
      steps: [
        {
          stepId: 'f',
          operationId: 'postForm',
          requestBody: { payload: { a: '$inputs.id', b: 'x y' } },
        },
      ],
    };
    // Act
    const { requests } = await run(workflow, { id: 'c&1' });
    // Assess
    expect(requests[0]?.body).toBe('a=c%261&b=x+y');
    expect(requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('merges workflow and step parameters by name and location, header names case-insensitively', async () => {
    // Prepare
    const workflow = {
      parameters: [
        { name: 'X-Tenant', in: 'header', value: 'workflow' },
        { name: 'X-Other', in: 'header', value: 'kept' },
        { name: 'q', in: 'query', value: 'workflow' },
      ],
      steps: [
        {
          stepId: 'get',
          operationId: 'getItem',
          parameters: [
            { name: 'x-tenant', in: 'header', value: 'step' },
            { name: 'itemId', in: 'path', value: '$inputs.id' },
            { name: 'limit', in: 'query', value: '$inputs.count' },
            { name: 'absent', in: 'query', value: '$inputs.email' },
            { name: 'session', in: 'cookie', value: 'abc' },
          ],
          successCriteria: [{ condition: '$statusCode == 200' }],
        },
      ],
    };
    // Act
    const { requests } = await run(workflow, { id: 'a/b c', count: 5 });
    // Assess
    expect(requests[0]?.url).toBe('http://127.0.0.1:9/base/items/a%2Fb%20c?q=workflow&limit=5');
    expect(requests[0]?.headers).toEqual({
      'x-tenant': 'step',
      'x-other': 'kept',
      cookie: 'session=abc',
    });
    expect(requests[0]?.method).toBe('GET');
  });

  it.each([['..'], ['line\r\nbreak']])(
    'fails the step before sending for an unsafe value %j',
    async (value) => {
      // Prepare
      const workflow = {
        steps: [
          {
            stepId: 'get',
            operationId: 'getItem',
            parameters: [
              { name: 'itemId', in: 'path', value: value === '..' ? '$inputs.id' : 'ok' },
              { name: 'X-Note', in: 'header', value: '$inputs.name' },
            ],
          },
        ],
      };
      // Act
      const { result, requests } = await run(workflow, { id: value, name: value });
      // Assess
      expect(requests).toHaveLength(0);
      expect(result.failure?.reason).toBe('evaluation');
    },
  );

  it('fails the step when a path parameter is absent', async () => {
    // Prepare
    const workflow = {
      steps: [
        {
          stepId: 'get',
          operationId: 'getItem',
          parameters: [{ name: 'itemId', in: 'path', value: '$inputs.name' }],
        },
      ],
    };
    // Act
    const { result, requests } = await run(workflow, { id: 'x' });
    // Assess
    expect(requests).toHaveLength(0);
    expect(result.failure).toMatchObject({ stepId: 'get', reason: 'evaluation', statusCode: null });
  });

  it('exposes step outputs, response headers and the request to later expressions', async () => {
    // Prepare
    const workflow = {
      steps: [
        {
          stepId: 'create',
          operationId: 'createItem',
          requestBody: { payload: { id: '$inputs.id' } },
          successCriteria: [{ condition: '$statusCode == 200' }],
          outputs: {
            body: '$response.body',
            etag: '$response.header.ETag',
            sent: '$request.body#/id',
            url: '$url',
          },
        },
        {
          stepId: 'get',
          operationId: 'getItem',
          parameters: [{ name: 'itemId', in: 'path', value: '$steps.create.outputs.body#/itemId' }],
          successCriteria: [{ condition: "$steps.create.outputs.body.tags[1] == 'B'" }],
        },
      ],
      outputs: {
        itemId: '$steps.create.outputs.body#/itemId',
        etag: '$steps.create.outputs.etag',
        sent: '$steps.create.outputs.sent',
        url: '$steps.create.outputs.url',
        missing: '$steps.create.outputs.body#/nope',
        again: '$outputs.itemId',
      },
    };
    // Act
    const { result, requests } = await run(workflow, { id: 'c-1' }, [
      { status: 200, headers: { etag: 'v1' }, json: { itemId: 'I-7', tags: ['a', 'b'] } },
      { status: 200, json: {} },
    ]);
    // Assess
    expect(requests[1]?.url).toBe('http://127.0.0.1:9/base/items/I-7');
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({
      itemId: 'I-7',
      etag: 'v1',
      sent: 'c-1',
      url: 'http://127.0.0.1:9/base/items',
      again: 'I-7',
    });
  });

  it('redacts password inputs, secret headers and configured secrets from the trace and failure', async () => {
    // Prepare
    const workflow = {
      steps: [
        {
          stepId: 'get',
          operationId: 'getItem',
          parameters: [
            { name: 'itemId', in: 'path', value: '$inputs.apiKey' },
            { name: 'X-API-KEY', in: 'header', value: '$inputs.apiKey' },
          ],
          successCriteria: [{ condition: '$statusCode == 200' }],
        },
      ],
      outputs: { echoed: '$inputs.apiKey' },
    };
    // Act
    const { result, requests } = await run(
      workflow,
      { id: 'x', apiKey: 'sk-secret-123' },
      [{ status: 401, bodyText: 'bad key sk-secret-123 and cfg-key-999' }],
      ['cfg-key-999'],
    );
    // Assess
    expect(requests[0]?.headers['x-api-key']).toBe('sk-secret-123');
    const serialized = JSON.stringify(result);
    expect(serialized).not.toContain('sk-secret-123');
    expect(serialized).not.toContain('cfg-key-999');
    expect(result.trace[0]?.path).toBe('/base/items/[REDACTED]');
    expect(result.failure?.message).toBe('criteria: bad key [REDACTED] and [REDACTED]');
  });

  it('validates inputs before any request and lists every problem', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const runner = createWorkflowRunner(
      compileOrFail(
        documentWith({ inputs: inputsSchema, steps: [{ stepId: 'a', operationId: 'listItems' }] }),
      ),
      { baseUrl: 'http://127.0.0.1:9', send: scripted.send, classify: testClassify },
    );
    // Act
    const error = await runner
      .run('wf', { id: '', count: -1, flag: 'yes', tags: ['a', 2], meta: { a: 1 } })
      .catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(ArazzoInputError);
    expect((error as ArazzoInputError).issues).toEqual([
      'inputs/id: must have at least 1 characters',
      'inputs/count: must be >= 0',
      'inputs/flag: must be boolean, got string',
      'inputs/tags/1: must be string, got integer',
      'inputs/meta/a: must be string, got integer',
    ]);
    expect(scripted.requests).toHaveLength(0);
  });

  it('throws ArazzoDocumentError for an unknown workflow', async () => {
    // Prepare
    const runner = createWorkflowRunner(
      compileOrFail(documentWith({ steps: [{ stepId: 'a', operationId: 'listItems' }] })),
      { baseUrl: 'http://127.0.0.1:9', send: createScriptedSend([]).send, classify: testClassify },
    );
    // Act
    const error = await runner.run('nope', {}).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(ArazzoDocumentError);
  });
});
