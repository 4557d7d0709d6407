/** Helpers for documents with several workflows (docs/arazzo.md §17): build, compile and run them. */
import type { HttpRequest, HttpResponse, Send } from '../../../lib/arazzo/http-port.ts';
import { createWorkflowRunner, type WorkflowRunnerOptions } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, issuesOf, testClassify } from './support.ts';

export const ok200 = [{ condition: '$statusCode == 200' }];

/** An operation step on TEST_OPENAPI: `GET /items/{itemId}` with the given item id (a literal or expression). */
export const getItem = (stepId: string, itemId: string, extra: Record<string, unknown> = {}) => ({
  stepId,
  operationId: 'getItem',
  parameters: [{ name: 'itemId', in: 'path', value: itemId }],
  successCriteria: ok200,
  ...extra,
});

/** A workflow other workflows call: one input `id`, one output `name`. */
export const callee = {
  workflowId: 'callee',
  inputs: { type: 'object', properties: { id: { type: 'string' } } },
  steps: [getItem('read', '$inputs.id', { outputs: { name: '$response.body#/name' } })],
  outputs: { name: '$steps.read.outputs.name' },
};

/** A minimal document holding `workflows`, in order. */
export const documentOf = (...workflows: Record<string, unknown>[]) => ({
  arazzo: '1.0.1',
  info: { title: 't', version: '1' },
  sourceDescriptions: [{ name: 'api', url: './api.yaml', type: 'openapi' }],
  workflows,
});

/** Issues of a document with several workflows. */
export const workflowIssues = (...workflows: Record<string, unknown>[]): string[] =>
  issuesOf(documentOf(...workflows));

type Answer = {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
};

/**
 * A `Send` answering by path (`/api/items/a`): each path has a queue of answers whose last one repeats; a path
 * without answers gets 200 `{"id": <last path segment>}`. Records every request.
 */
export const routedSend = (answers: Readonly<Record<string, readonly Answer[]>> = {}) => {
  const requests: HttpRequest[] = [];
  const served = new Map<string, number>();
  const send: Send = async (request): Promise<HttpResponse> => {
    requests.push(request);
    const path = new URL(request.url).pathname;
    const queue = answers[path] ?? [{ status: 200, json: { id: path.split('/').pop() } }];
    const index = served.get(path) ?? 0;
    served.set(path, index + 1);
    const answer = queue[Math.min(index, queue.length - 1)] as Answer;
    const bodyText = answer.json === undefined ? '' : JSON.stringify(answer.json);
    return { status: answer.status, headers: answer.headers ?? {}, bodyText };
  };
  const paths = (): string[] => requests.map((request) => new URL(request.url).pathname);
  return { send, requests, paths };
};

/** A runner over a document of several workflows, with recorded waits and the given options. */
export const runnerOf = (
  workflows: readonly Record<string, unknown>[],
  send: Send,
  options: Partial<WorkflowRunnerOptions> = {},
) => {
  const waits: number[] = [];
  const runner = createWorkflowRunner(compileOrFail(documentOf(...workflows)), {
    baseUrl: 'http://127.0.0.1:9/api',
    send,
    classify: (failure) => ({
      ...testClassify(failure),
      ...(failure.issues === undefined ? {} : { message: failure.issues.join('; ') }),
    }),
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { runner, waits };
};
