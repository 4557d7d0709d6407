import { describe, expect, it } from 'vitest';
import type { Send } from '../../../lib/arazzo/http-port.ts';
import { createWorkflowRunner, failureGotoBackoffMs } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

const ok200 = [{ condition: '$statusCode == 200' }];
const transient = [
  { condition: '$statusCode == null || $statusCode == 429 || $statusCode >= 500' },
];

/** A read, then a write whose transient failure goes back to the read (the provisioning workflow's shape). */
const readThenWrite = {
  steps: [
    { stepId: 'read', operationId: 'listItems', successCriteria: ok200 },
    {
      stepId: 'write',
      operationId: 'createItem',
      requestBody: { contentType: 'application/json', payload: { a: 1 } },
      successCriteria: ok200,
      onFailure: [{ name: 'back', type: 'goto', stepId: 'read', criteria: transient }],
    },
  ],
};

/** Answers 200 to every GET and the given reply to every POST. */
const writeFailsWith = (reply: { status: number; headers?: Record<string, string> }) => {
  const methods: string[] = [];
  const send: Send = async (request) => {
    methods.push(request.method);
    return request.method === 'GET'
      ? { status: 200, headers: {}, bodyText: '{}' }
      : { status: reply.status, headers: reply.headers ?? {}, bodyText: '{"errorMessage":"busy"}' };
  };
  return { send, methods };
};

const runnerFor = (
  send: Send,
  options: { maxFailureGotos?: number; maxSteps?: number; random?: () => number } = {},
) => {
  const waits: number[] = [];
  const runner = createWorkflowRunner(compileOrFail(documentWith(readThenWrite)), {
    baseUrl: 'http://127.0.0.1:9/api',
    send,
    classify: testClassify,
    sleep: async (ms) => {
      waits.push(ms);
    },
    failureGotoBackoffMs: 500,
    ...options,
  });
  return { runner, waits };
};

describe('failure gotos (a failed write going back to its read)', () => {
  it('waits the failed answer’s Retry-After before going back, and stops after the bound', async () => {
    // Prepare
    const { send, methods } = writeFailsWith({ status: 429, headers: { 'retry-after': '2' } });
    const { runner, waits } = runnerFor(send, { maxFailureGotos: 2 });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(methods).toEqual(['GET', 'POST', 'GET', 'POST', 'GET', 'POST']);
    expect(waits).toEqual([2_000, 2_000]);
    expect(result.failure).toMatchObject({
      stepId: 'write',
      statusCode: 429,
      reason: 'criteria',
      code: 'HTTP_429',
      retryAfterMs: 2_000,
    });
  });

  it('backs off exponentially with jitter when the answer names no Retry-After', async () => {
    // Prepare
    const { send } = writeFailsWith({ status: 503 });
    const slowest = runnerFor(send, { maxFailureGotos: 3, random: () => 0 });
    const fastest = runnerFor(send, { maxFailureGotos: 3, random: () => 0.999_999 });
    // Act
    await slowest.runner.run('wf', {});
    await fastest.runner.run('wf', {});
    // Assess
    expect(slowest.waits).toEqual([500, 1_000, 2_000]);
    expect(fastest.waits).toEqual([250, 500, 1_000]);
  });

  it('fails with the failed answer instead of waiting past the deadline', async () => {
    // Prepare
    const { send, methods } = writeFailsWith({ status: 503, headers: { 'retry-after': '5' } });
    const { runner, waits } = runnerFor(send);
    // Act
    const result = await runner.run('wf', {}, { deadline: Date.now() + 3_000 });
    // Assess
    expect(methods).toEqual(['GET', 'POST']);
    expect(waits).toEqual([]);
    expect(result.failure).toMatchObject({ stepId: 'write', statusCode: 503, code: 'HTTP_503' });
  });

  it('reports the last answer, not a loop, when the step budget runs out', async () => {
    // Prepare
    const { send } = writeFailsWith({ status: 502 });
    const { runner } = runnerFor(send, { maxFailureGotos: 100, maxSteps: 7 });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure).toMatchObject({
      stepId: 'write',
      statusCode: 502,
      reason: 'step-budget',
      code: 'HTTP_502',
    });
  });
});

describe('a refused send (budget or circuit: no request made)', () => {
  const refusal = Object.assign(new Error('not sent'), { sendRefused: true as const });
  const again = (condition: string) => [
    { name: 'again', type: 'retry', retryAfter: 0, retryLimit: 3, criteria: [{ condition }] },
  ];
  const runnerOf = (steps: readonly Record<string, unknown>[], send: Send) =>
    createWorkflowRunner(compileOrFail(documentWith({ steps })), {
      baseUrl: 'http://127.0.0.1:9/api',
      send,
      classify: testClassify,
      sleep: async () => undefined,
    });

  it('reports the refusal at its own step, not an earlier failure of another step', async () => {
    // Prepare
    let posts = 0;
    const send: Send = async (request) => {
      if (request.method === 'GET' && posts > 0) throw refusal;
      if (request.method === 'POST') posts += 1;
      return { status: request.method === 'GET' ? 200 : 503, headers: {}, bodyText: '' };
    };
    const { runner, waits } = runnerFor(send);
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(posts).toBe(1);
    expect(waits).toHaveLength(1);
    expect(result.failure).toMatchObject({
      stepId: 'read',
      reason: 'transport',
      statusCode: null,
      code: 'NO_ANSWER',
    });
    expect(result.handledFailures).toMatchObject([{ stepId: 'write', statusCode: 503 }]);
  });

  it('does not report a recovered definite failure (a duplicate that its re-check resolved)', async () => {
    // Prepare: create answers 400, the re-check finds the item, then the next write is refused.
    const scripted = createScriptedSend([
      { status: 400, json: { errorMessage: 'exists' } },
      { status: 200 },
      { error: refusal },
    ]);
    const runner = runnerOf(
      [
        {
          stepId: 'create',
          operationId: 'createItem',
          requestBody: { contentType: 'application/json', payload: { a: 1 } },
          successCriteria: ok200,
          onFailure: [
            {
              name: 'recheck',
              type: 'goto',
              stepId: 'recheck',
              criteria: [{ condition: '$statusCode == 400' }],
            },
          ],
        },
        { stepId: 'recheck', operationId: 'listItems', successCriteria: ok200 },
        {
          stepId: 'assign',
          operationId: 'putItem',
          parameters: [{ name: 'itemId', in: 'path', value: 'i1' }],
          successCriteria: ok200,
        },
      ],
      scripted.send,
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(scripted.requests.map((request) => request.method)).toEqual(['POST', 'GET', 'PUT']);
    expect(result.failure).toMatchObject({
      stepId: 'assign',
      reason: 'transport',
      statusCode: null,
      code: 'NO_ANSWER',
    });
  });

  it('reports the same step’s transient answer when its retry is refused', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 503 }, { error: refusal }]);
    const runner = runnerOf(
      [
        {
          stepId: 'read',
          operationId: 'listItems',
          successCriteria: ok200,
          onFailure: again('$statusCode == 503'),
        },
      ],
      scripted.send,
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(scripted.requests).toHaveLength(2);
    expect(result.failure).toMatchObject({
      stepId: 'read',
      reason: 'transport',
      statusCode: 503,
      code: 'HTTP_503',
    });
  });

  it('reports the refusal when the same step’s previous answer was definite', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 404 }, { error: refusal }]);
    const runner = runnerOf(
      [
        {
          stepId: 'read',
          operationId: 'listItems',
          successCriteria: ok200,
          onFailure: again('$statusCode == 404'),
        },
      ],
      scripted.send,
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure).toMatchObject({ stepId: 'read', statusCode: null, code: 'NO_ANSWER' });
  });

  it('forgets a transient failure once its step succeeded', async () => {
    // Prepare: read 503, read 200, write 200 going back to read, read refused.
    const scripted = createScriptedSend([
      { status: 503 },
      { status: 200 },
      { status: 200 },
      { error: refusal },
    ]);
    const runner = runnerOf(
      [
        {
          stepId: 'read',
          operationId: 'listItems',
          successCriteria: ok200,
          onFailure: again('$statusCode == 503'),
        },
        {
          stepId: 'write',
          operationId: 'createItem',
          requestBody: { contentType: 'application/json', payload: { a: 1 } },
          successCriteria: ok200,
          onSuccess: [{ name: 'back', type: 'goto', stepId: 'read' }],
        },
      ],
      scripted.send,
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(scripted.requests).toHaveLength(4);
    expect(result.failure).toMatchObject({ stepId: 'read', statusCode: null, code: 'NO_ANSWER' });
  });

  it('fails with the refusal itself, without retrying, when nothing was answered yet', async () => {
    // Prepare
    const scripted = createScriptedSend([{ error: refusal }]);
    const runner = runnerOf(
      [
        {
          stepId: 'read',
          operationId: 'listItems',
          successCriteria: ok200,
          onFailure: again('$statusCode == null'),
        },
      ],
      scripted.send,
    );
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(scripted.requests).toHaveLength(1);
    expect(result.failure).toMatchObject({ stepId: 'read', reason: 'transport', statusCode: null });
  });
});

describe('failureGotoBackoffMs', () => {
  it('doubles from the base, caps, and jitters down by at most half', () => {
    // Act
    const top = [1, 2, 3, 4, 5, 6].map((n) => failureGotoBackoffMs(n, 500, 10_000, () => 0));
    const bottom = [1, 2, 3].map((n) => failureGotoBackoffMs(n, 500, 10_000, () => 0.999_999));
    // Assess
    expect(top).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(bottom).toEqual([250, 500, 1_000]);
  });
});

describe('retry actions and Retry-After', () => {
  it('keeps retryAfter as the floor when the server asks for less', async () => {
    // Prepare
    const scripted = createScriptedSend([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 200 },
    ]);
    const waits: number[] = [];
    const runner = createWorkflowRunner(
      compileOrFail(
        documentWith({
          steps: [
            {
              stepId: 'read',
              operationId: 'listItems',
              successCriteria: ok200,
              onFailure: [{ name: 'again', type: 'retry', retryAfter: 1 }],
            },
          ],
        }),
      ),
      {
        baseUrl: 'http://127.0.0.1:9/api',
        send: scripted.send,
        classify: testClassify,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    // Act
    await runner.run('wf', {});
    // Assess
    expect(waits).toEqual([1_000]);
  });
});

describe('a failure goto after a definite answer', () => {
  it('neither waits nor counts toward the bound (a duplicate going to its re-check)', async () => {
    // Prepare
    const { send, methods } = writeFailsWith({ status: 400 });
    const waits: number[] = [];
    const onDuplicate = {
      steps: [
        readThenWrite.steps[0],
        {
          ...readThenWrite.steps[1],
          onFailure: [
            {
              name: 'recheck',
              type: 'goto',
              stepId: 'read',
              criteria: [{ condition: '$statusCode == 400' }],
            },
          ],
        },
      ],
    };
    const runner = createWorkflowRunner(compileOrFail(documentWith(onDuplicate)), {
      baseUrl: 'http://127.0.0.1:9/api',
      send,
      classify: testClassify,
      sleep: async (ms) => {
        waits.push(ms);
      },
      maxFailureGotos: 0,
      maxSteps: 5,
    });
    // Act
    const result = await runner.run('wf', {}, { deadline: Date.now() + 60_000 });
    // Assess
    expect(waits).toEqual([]);
    expect(methods).toEqual(['GET', 'POST', 'GET', 'POST', 'GET']);
    expect(result.failure).toMatchObject({
      stepId: 'write',
      reason: 'step-budget',
      statusCode: 400,
    });
  });
});
