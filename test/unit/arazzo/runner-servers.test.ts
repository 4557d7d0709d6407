import { describe, expect, it } from 'vitest';
import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import { ArazzoDocumentError } from '../../../lib/arazzo/errors.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';
import { createScriptedSend, documentWith, TEST_OPENAPI, testClassify } from './support.ts';

const ok = [{ condition: '$statusCode == 200' }];

const ORDERS_OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'orders', version: '1' },
  servers: [{ url: 'https://orders.example/v2' }],
  paths: {
    '/orders': {
      get: { operationId: 'listOrders' },
      post: { operationId: 'createOrder', servers: [{ url: 'https://writes.example/w' }] },
    },
  },
};

/** Two sources: `api` (TEST_OPENAPI, a local file without servers) and `orders` (absolute servers). */
const compileTwo = (
  steps: readonly Record<string, unknown>[],
  apiServers?: readonly { url: string }[],
): CompiledDocument => {
  const result = compileArazzoDocument(
    {
      ...documentWith({ steps }),
      sourceDescriptions: [
        { name: 'api', url: './api.yaml', type: 'openapi' },
        { name: 'orders', url: 'https://specs.example/orders.yaml', type: 'openapi' },
      ],
    },
    {
      sources: {
        api: apiServers === undefined ? TEST_OPENAPI : { ...TEST_OPENAPI, servers: apiServers },
        orders: ORDERS_OPENAPI,
      },
    },
  );
  if (result.compiled === undefined) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.compiled;
};

const apiStep = {
  stepId: 'items',
  operationId: '$sourceDescriptions.api.listItems',
  successCriteria: ok,
};
const ordersStep = {
  stepId: 'orders',
  operationId: '$sourceDescriptions.orders.listOrders',
  successCriteria: ok,
};
const writeStep = {
  stepId: 'write',
  operationId: '$sourceDescriptions.orders.createOrder',
  successCriteria: ok,
};

describe('the server of each source', () => {
  it('sends each source to its own configured server, tagged with the source, and traces its path', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const runner = createWorkflowRunner(compileTwo([apiStep, ordersStep]), {
      servers: { api: 'http://127.0.0.1:9/a/', orders: 'http://127.0.0.2:9/o' },
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(scripted.requests.map(({ url, source }) => ({ url, source }))).toEqual([
      { url: 'http://127.0.0.1:9/a/items', source: 'api' },
      { url: 'http://127.0.0.2:9/o/orders', source: 'orders' },
    ]);
    expect(result.trace.map((entry) => entry.path)).toEqual(['/a/items', '/o/orders']);
  });

  it('uses baseUrl for every source without its own server, and servers[name] over it', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const runner = createWorkflowRunner(compileTwo([apiStep, ordersStep]), {
      baseUrl: 'http://127.0.0.1:9/all',
      servers: { orders: 'http://127.0.0.2:9' },
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    await runner.run('wf', {});
    // Assess
    expect(scripted.requests.map((request) => request.url)).toEqual([
      'http://127.0.0.1:9/all/items',
      'http://127.0.0.2:9/orders',
    ]);
  });

  it("falls back to the document's servers: the operation's own before its source's", async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const runner = createWorkflowRunner(compileTwo([ordersStep, writeStep]), {
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    await runner.run('wf', {});
    // Assess
    expect(scripted.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET https://orders.example/v2/orders',
      'POST https://writes.example/w/orders',
    ]);
  });

  it('refuses at creation a used source whose declared server is relative, naming it; an unused one is fine', () => {
    // Prepare
    const compiled = compileTwo([apiStep, ordersStep]);
    const create = () =>
      createWorkflowRunner(compiled, { send: createScriptedSend([]).send, classify: testClassify });
    // Act & Assess
    expect(create).toThrow(ArazzoDocumentError);
    expect(create).toThrow(
      expect.objectContaining({
        issues: [
          'server "/" of source "api" is not an absolute http(s) URL (a relative server resolves only against an http(s) source url); configure one (servers.api, or --server api=<url>)',
        ],
      }),
    );
    expect(() =>
      createWorkflowRunner(compileTwo([ordersStep]), {
        send: createScriptedSend([]).send,
        classify: testClassify,
      }),
    ).not.toThrow();
  });

  it.each([
    [
      { servers: { billing: 'http://127.0.0.1:9' } },
      'Runner servers name unknown sources: billing',
    ],
    [
      { servers: { api: 'ftp://127.0.0.1' } },
      'Runner server for source "api" must use http or https',
    ],
    [{ baseUrl: 'not a url' }, 'Runner base URL is not a valid URL'],
  ])('refuses the configuration %j', (options, message) => {
    // Prepare
    const compiled = compileTwo([apiStep]);
    // Act & Assess
    expect(() =>
      createWorkflowRunner(compiled, {
        ...options,
        send: createScriptedSend([]).send,
        classify: testClassify,
      }),
    ).toThrow(expect.objectContaining({ name: 'ArazzoDocumentError', message }));
  });

  it('answers $sourceDescriptions.<name>.url with the url the document gives the source', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const step = {
      ...apiStep,
      parameters: [
        { name: 'x-spec', in: 'header', value: '$sourceDescriptions.orders.url' },
        { name: 'from', in: 'query', value: 'spec {$sourceDescriptions.api.url}' },
      ],
    };
    const runner = createWorkflowRunner(compileTwo([step]), {
      baseUrl: 'http://127.0.0.1:9',
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    await runner.run('wf', {});
    // Assess
    expect(scripted.requests[0]?.headers).toEqual({
      'x-spec': 'https://specs.example/orders.yaml',
    });
    expect(scripted.requests[0]?.url).toBe('http://127.0.0.1:9/items?from=spec+.%2Fapi.yaml');
  });
});

describe('the default step budget', () => {
  it('allows 100 step executions per run', async () => {
    // Prepare
    const scripted = createScriptedSend([{ status: 200 }]);
    const loop = { ...apiStep, onSuccess: [{ name: 'again', type: 'goto', stepId: 'items' }] };
    const runner = createWorkflowRunner(compileTwo([loop]), {
      baseUrl: 'http://127.0.0.1:9',
      send: scripted.send,
      classify: testClassify,
    });
    // Act
    const result = await runner.run('wf', {});
    // Assess
    expect(result.failure?.reason).toBe('step-budget');
    expect(scripted.requests).toHaveLength(100);
  });
});
