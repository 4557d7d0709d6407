import { describe, expect, it } from 'vitest';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';
import { documentWith, TEST_OPENAPI } from './support.ts';

const ok = [{ condition: '$statusCode == 200' }];

/** A second API: `listItems` exists in both sources, `listOrders` only here, `health` has no operationId. */
const ORDERS_OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'orders', version: '1' },
  servers: [
    {
      url: 'https://{region}.orders.example/{base}',
      variables: { region: { default: 'eu' }, base: { default: 'v2' } },
    },
  ],
  paths: {
    '/items': { get: { operationId: 'listItems' } },
    '/orders': {
      servers: [{ url: '/path-level' }],
      get: { operationId: 'listOrders' },
      post: { operationId: 'createOrder', servers: [{ url: 'https://writes.example' }] },
    },
    '/health': { get: {} },
  },
};

const twoSources = (steps: readonly Record<string, unknown>[]) => ({
  ...documentWith({ steps }),
  sourceDescriptions: [
    { name: 'api', url: './api.yaml', type: 'openapi' },
    { name: 'orders', url: 'https://specs.example/orders/openapi.yaml', type: 'openapi' },
  ],
});

const compileTwo = (steps: readonly Record<string, unknown>[]) =>
  compileArazzoDocument(twoSources(steps), {
    sources: { api: TEST_OPENAPI, orders: ORDERS_OPENAPI },
  });

describe('more than one source description', () => {
  it('compiles qualified operationIds and operationPaths of each source under keys naming the source', () => {
    // Act
    const result = compileTwo([
      { stepId: 'a', operationId: '$sourceDescriptions.api.listItems', successCriteria: ok },
      { stepId: 'b', operationId: '$sourceDescriptions.orders.listOrders', successCriteria: ok },
      {
        stepId: 'c',
        operationPath: '{$sourceDescriptions.orders.url}#/paths/~1health/get',
        successCriteria: ok,
      },
      { stepId: 'd', operationId: '$sourceDescriptions.orders.createOrder', successCriteria: ok },
    ]);
    // Assess
    expect(result.issues).toEqual([]);
    const compiled = result.compiled;
    expect(
      compiled?.workflows[0]?.steps.map((step) =>
        step.kind === 'operation' ? step.operation : undefined,
      ),
    ).toEqual(['api.listItems', 'orders.listOrders', 'orders GET /health', 'orders.createOrder']);
    expect(compiled?.sources).toEqual([
      { name: 'api', type: 'openapi', url: './api.yaml', servers: ['/'] },
      {
        name: 'orders',
        type: 'openapi',
        url: 'https://specs.example/orders/openapi.yaml',
        servers: ['https://eu.orders.example/v2'],
      },
    ]);
    expect(compiled?.operations).toEqual({
      'api.listItems': { source: 'api', method: 'GET', path: '/items' },
      'orders GET /health': { source: 'orders', method: 'GET', path: '/health' },
      'orders.createOrder': {
        source: 'orders',
        method: 'POST',
        path: '/orders',
        servers: ['https://writes.example'],
      },
      'orders.listOrders': {
        source: 'orders',
        method: 'GET',
        path: '/orders',
        servers: ['https://specs.example/path-level'],
      },
    });
  });

  it('lists every problem of an operation reference, naming the sources involved', () => {
    // Act
    const result = compileTwo([
      { stepId: 'a', operationId: 'listItems', successCriteria: ok },
      { stepId: 'b', operationId: 'listOrders', successCriteria: ok },
      { stepId: 'c', operationId: 'nowhere', successCriteria: ok },
      { stepId: 'd', operationId: '$sourceDescriptions.billing.listItems', successCriteria: ok },
      { stepId: 'e', operationId: '$sourceDescriptions.api.listOrders', successCriteria: ok },
      {
        stepId: 'f',
        operationPath: '{$sourceDescriptions.billing.url}#/paths/~1items/get',
        successCriteria: ok,
      },
      {
        stepId: 'g',
        operationPath: '{$sourceDescriptions.api.url}#/paths/~1orders/get',
        successCriteria: ok,
      },
    ]);
    // Assess
    expect(result.compiled).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      '/workflows/0/steps/0/operationId: operationId "listItems" must be written $sourceDescriptions.<name>.listItems when there is more than one openapi source description; it is in: api, orders',
      '/workflows/0/steps/1/operationId: operationId "listOrders" must be written $sourceDescriptions.<name>.listOrders when there is more than one openapi source description; it is in: orders',
      '/workflows/0/steps/2/operationId: operationId "nowhere" is in none of the source descriptions (api, orders)',
      '/workflows/0/steps/3/operationId: unknown source description "billing" (the document has: api, orders)',
      '/workflows/0/steps/4/operationId: operationId "listOrders" is not in source description "api"',
      '/workflows/0/steps/5/operationPath: unknown source description "billing" (the document has: api, orders)',
      '/workflows/0/steps/6/operationPath: operationPath "{$sourceDescriptions.api.url}#/paths/~1orders/get" does not resolve in source description "api"',
    ]);
  });

  it('refuses duplicate source names and a source without a description', () => {
    // Prepare
    const document = {
      ...twoSources([
        { stepId: 'a', operationId: '$sourceDescriptions.api.listItems', successCriteria: ok },
      ]),
    };
    document.sourceDescriptions.push({ name: 'api', url: './again.yaml', type: 'openapi' });
    // Act
    const issues = compileArazzoDocument(document, { sources: { api: TEST_OPENAPI } }).issues;
    // Assess
    expect(issues.map(formatIssue)).toEqual([
      '/sourceDescriptions/2/name: duplicate source description name "api"',
      '/sourceDescriptions/1/url: no OpenAPI description was given for source "orders"',
    ]);
  });
});

describe('arazzo-type sources', () => {
  it('need their compiled document, and an operation reference into one says it holds workflows', () => {
    // Prepare
    const document = {
      ...documentWith({
        steps: [
          { stepId: 'a', operationId: '$sourceDescriptions.flows.listItems', successCriteria: ok },
        ],
      }),
      sourceDescriptions: [
        { name: 'api', url: './api.yaml', type: 'openapi' },
        { name: 'flows', url: './flows.arazzo.yaml', type: 'arazzo' },
      ],
    };
    // Act
    const issues = compileArazzoDocument(document, { sources: { api: TEST_OPENAPI } }).issues;
    // Assess
    expect(issues.map(formatIssue)).toEqual([
      '/sourceDescriptions/1/url: no Arazzo document was given for source "flows"',
      '/workflows/0/steps/0/operationId: source description "flows" is of type arazzo: it holds workflows, not operations',
    ]);
  });
});

describe('servers of a source description', () => {
  const withServers = (servers: unknown, url = './api.yaml') =>
    compileArazzoDocument(
      {
        ...documentWith({
          steps: [{ stepId: 'a', operationId: 'listItems', successCriteria: ok }],
        }),
        sourceDescriptions: [{ name: 'api', url, type: 'openapi' }],
      },
      { openapi: { ...TEST_OPENAPI, servers } },
    );

  it.each([
    [
      'an absolute server',
      [{ url: 'https://api.example/v1' }],
      './api.yaml',
      'https://api.example/v1',
    ],
    ['a relative server next to a local file', [{ url: '/v1' }], './api.yaml', '/v1'],
    [
      'a relative server of an http source',
      [{ url: '../v1' }],
      'https://specs.example/a/openapi.yaml',
      'https://specs.example/v1',
    ],
    [
      'no servers on an http source',
      undefined,
      'https://specs.example/a/openapi.yaml',
      'https://specs.example/',
    ],
  ])('keeps %s as %s', (_name, servers, url, expected) => {
    // Act
    const result = withServers(servers, url);
    // Assess
    expect(result.issues).toEqual([]);
    expect(result.compiled?.sources[0]?.servers).toEqual([expected]);
  });

  it('reports a server variable without a default where it is', () => {
    // Act
    const result = withServers([
      { url: 'https://{tenant}.api.example', variables: { tenant: {} } },
    ]);
    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      '/sourceDescriptions/0/url#/servers/0/url: server variable "tenant" has no default',
    ]);
  });
});

describe('$sourceDescriptions.<name>.url as a value', () => {
  const withHeader = (value: string) =>
    compileArazzoDocument(
      documentWith({
        steps: [
          {
            stepId: 'a',
            operationId: 'listItems',
            parameters: [{ name: 'x-spec', in: 'header', value }],
            successCriteria: ok,
          },
        ],
      }),
      { openapi: TEST_OPENAPI },
    ).issues.map(formatIssue);

  it('is accepted for a source of the document, whole or embedded', () => {
    // Act & Assess
    expect(withHeader('$sourceDescriptions.api.url')).toEqual([]);
    expect(withHeader('spec={$sourceDescriptions.api.url}')).toEqual([]);
  });

  it.each([
    [
      '$sourceDescriptions.other.url',
      '$sourceDescriptions.other.url: no source description "other" (the document has: api)',
    ],
    [
      '$sourceDescriptions.api.type',
      '$sourceDescriptions.api.type: only allowed in an operation reference; the one source field a value may read is "url"',
    ],
  ])('refuses %s', (value, message) => {
    // Act & Assess
    expect(withHeader(value)).toEqual([`/workflows/0/steps/0/parameters/0/value: ${message}`]);
  });
});
