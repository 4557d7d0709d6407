import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import type {
  ClassifyFailure,
  HttpRequest,
  HttpResponse,
  Send,
} from '../../../lib/arazzo/http-port.ts';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';

/** A small OpenAPI description for the unit tests' documents. */
export const TEST_OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/items': {
      get: { operationId: 'listItems' },
      post: {
        operationId: 'createItem',
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
    '/items/{itemId}': {
      get: { operationId: 'getItem' },
      put: { operationId: 'putItem' },
      delete: { operationId: 'deleteItem' },
    },
    '/forms': {
      post: {
        operationId: 'postForm',
        requestBody: { content: { 'application/x-www-form-urlencoded': {} } },
      },
    },
  },
};

/** Wraps one workflow (and optional components) in a minimal valid document. */
export const documentWith = (
  workflow: Record<string, unknown>,
  components?: Record<string, unknown>,
) => ({
  arazzo: '1.0.1',
  info: { title: 't', version: '1' },
  sourceDescriptions: [{ name: 'api', url: './api.yaml', type: 'openapi' }],
  workflows: [{ workflowId: 'wf', ...workflow }],
  ...(components === undefined ? {} : { components }),
});

/** Compiles a document against TEST_OPENAPI, failing loudly with every issue. */
export const compileOrFail = (document: unknown): CompiledDocument => {
  const result = compileArazzoDocument(document, { openapi: TEST_OPENAPI });
  if (result.compiled === undefined) {
    throw new Error(`document invalid:\n${result.issues.map(formatIssue).join('\n')}`);
  }
  return result.compiled;
};

/** Issues of a document, formatted `<pointer>: <message>`. */
export const issuesOf = (document: unknown): string[] =>
  compileArazzoDocument(document, { openapi: TEST_OPENAPI }).issues.map(formatIssue);

type Reply = Partial<HttpResponse> & { readonly json?: unknown; readonly error?: Error };

/** An in-memory `Send` that records requests and answers from a queue (the last answer repeats). */
export const createScriptedSend = (replies: readonly Reply[]) => {
  const requests: HttpRequest[] = [];
  let index = 0;
  const send: Send = async (request) => {
    requests.push(request);
    const reply = replies[Math.min(index, replies.length - 1)] ?? {};
    index += 1;
    if (reply.error !== undefined) throw reply.error;
    return {
      status: reply.status ?? 200,
      headers: reply.headers ?? {},
      bodyText: reply.json === undefined ? (reply.bodyText ?? '') : JSON.stringify(reply.json),
    };
  };
  return { send, requests };
};

/** A classifier that exposes what the runner passed it. */
export const testClassify: ClassifyFailure = (failure) => ({
  code: failure.statusCode === null ? 'NO_ANSWER' : `HTTP_${failure.statusCode}`,
  message: `${failure.reason}${failure.bodyText === undefined ? '' : `: ${failure.bodyText}`}`,
});
