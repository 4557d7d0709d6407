import { describe, expect, it } from 'vitest';
import { documentWith, issuesOf } from './support.ts';

const ok = [{ condition: '$statusCode == 200' }];
const step = (extra: Record<string, unknown> = {}) => ({
  stepId: 's',
  operationId: 'listItems',
  successCriteria: ok,
  ...extra,
});

describe('compileArazzoDocument semantic checks', () => {
  it.each([
    [
      'an unknown operationId',
      { steps: [step({ operationId: 'nope' })] },
      '/workflows/0/steps/0/operationId: operationId "nope" is not in the source description',
    ],
    [
      'a qualified operationId of another source',
      { steps: [step({ operationId: '$sourceDescriptions.other.listItems' })] },
      'unknown source description "other"',
    ],
    [
      'an operationPath that does not resolve',
      {
        steps: [{ stepId: 's', operationPath: '{$sourceDescriptions.api.url}#/paths/~1nope/get' }],
      },
      'does not resolve',
    ],
    [
      'a workflowId step calling an unknown workflow',
      { steps: [{ stepId: 's', workflowId: 'other' }] },
      '/workflows/0/steps/0/workflowId: unknown workflow "other"',
    ],
    [
      'dependsOn an unknown workflow',
      { dependsOn: ['x'], steps: [step()] },
      '/workflows/0/dependsOn/0: unknown workflow "x"',
    ],
    [
      'a missing goto target',
      { steps: [step({ onSuccess: [{ name: 'g', type: 'goto', stepId: 'nowhere' }] })] },
      'goto target "nowhere" does not exist',
    ],
    [
      'a goto to an unknown workflow',
      { steps: [step({ onFailure: [{ name: 'g', type: 'goto', workflowId: 'other' }] })] },
      '/workflows/0/steps/0/onFailure/0/workflowId: unknown workflow "other"',
    ],
    [
      'a retry with an unknown target step',
      { steps: [step({ onFailure: [{ name: 'r', type: 'retry', stepId: 'gone' }] })] },
      '/workflows/0/steps/0/onFailure/0/stepId: retry target "gone" does not exist',
    ],
    [
      'duplicate action names',
      {
        steps: [
          step({
            onFailure: [
              { name: 'x', type: 'end' },
              { name: 'x', type: 'end' },
            ],
          }),
        ],
      },
      'duplicate action name "x"',
    ],
    [
      'a later step output',
      {
        steps: [
          step({ outputs: { a: '$steps.t.outputs.b' } }),
          step({ stepId: 't', outputs: { b: '$statusCode' } }),
        ],
      },
      'step "t" does not run earlier',
    ],
    [
      'an undeclared step output',
      { steps: [step({ outputs: { a: '$statusCode' } })], outputs: { o: '$steps.s.outputs.zzz' } },
      'step "s" declares no output "zzz"',
    ],
    [
      'an unknown step in outputs',
      { steps: [step()], outputs: { o: '$steps.ghost.outputs.a' } },
      'no step "ghost"',
    ],
    [
      'an undeclared input',
      {
        inputs: { type: 'object', properties: { a: { type: 'string' } } },
        steps: [step({ parameters: [{ name: 'q', in: 'query', value: '$inputs.b' }] })],
      },
      'the inputs schema declares no "b"',
    ],
    [
      'a condition that does not parse',
      { steps: [step({ successCriteria: [{ condition: '$statusCode == 200 == true' }] })] },
      '/workflows/0/steps/0/successCriteria/0/condition: condition:',
    ],
    [
      'a condition in braces',
      { steps: [step({ successCriteria: [{ condition: '{$statusCode == 200}' }] })] },
      'write conditions without braces',
    ],
    [
      'a regex that does not compile',
      {
        steps: [
          step({ successCriteria: [{ context: '$statusCode', type: 'regex', condition: '^(2' }] }),
        ],
      },
      'regex does not compile',
    ],
    [
      'a jsonpath criterion without context',
      { steps: [step({ successCriteria: [{ type: 'jsonpath', condition: '$.a' }] })] },
      'a jsonpath criterion needs a "context"',
    ],
    [
      'a jsonpath query that does not parse',
      {
        steps: [
          step({
            successCriteria: [
              { context: '$response.body', type: 'jsonpath', condition: '$[?@ == ]' },
            ],
          }),
        ],
      },
      'jsonpath query does not parse',
    ],
    [
      'a jsonpath query embedding an unknown step output',
      {
        steps: [
          step({
            successCriteria: [
              {
                context: '$response.body',
                type: 'jsonpath',
                condition: '$[?@.id == {$steps.nope.outputs.id}]',
              },
            ],
          }),
        ],
      },
      'no step "nope"',
    ],
    [
      'a jsonpath criterion with a version we do not evaluate',
      {
        steps: [
          step({
            successCriteria: [
              {
                context: '$response.body',
                type: { type: 'jsonpath', version: 'rfc9535' },
                condition: '$.a',
              },
            ],
          }),
        ],
      },
      '/workflows/0/steps/0/successCriteria/0/type/version: jsonpath version "rfc9535" is not supported (supported: draft-goessner-dispatch-jsonpath-00)',
    ],
    [
      'an xpath criterion',
      {
        steps: [
          step({
            successCriteria: [{ context: '$response.body', type: 'xpath', condition: '/a' }],
          }),
        ],
      },
      '/workflows/0/steps/0/successCriteria/0/type: XPath criteria are not supported',
    ],
    [
      'a typed xpath criterion',
      {
        steps: [
          step({
            successCriteria: [
              {
                context: '$response.body',
                type: { type: 'xpath', version: 'xpath-30' },
                condition: '/a',
              },
            ],
          }),
        ],
      },
      '/workflows/0/steps/0/successCriteria/0/type: XPath (xpath-30) criteria are not supported',
    ],
    [
      'a $-string that does not parse',
      { steps: [step({ parameters: [{ name: 'q', in: 'query', value: '$input.typo' }] })] },
      '"$input.typo" is not a valid runtime expression',
    ],
    [
      'a response expression in a request',
      { steps: [step({ parameters: [{ name: 'q', in: 'query', value: '$response.body#/a' }] })] },
      'no response exists here',
    ],
    [
      'a requestBody on GET',
      { steps: [step({ requestBody: { payload: {} } })] },
      'requestBody is not allowed on GET',
    ],
    [
      'a missing path parameter',
      { steps: [{ stepId: 's', operationId: 'getItem' }] },
      'path parameter "itemId" of /items/{itemId} has no value',
    ],
    [
      'a parameter without in',
      { steps: [step({ parameters: [{ name: 'q', value: 1 }] })] },
      'needs "in"',
    ],
    [
      "an output name with a character outside 1.0.1's rule",
      { steps: [step({ outputs: { 'a/b': '$statusCode' } })] },
      'output name "a/b" must match ^[a-zA-Z0-9.\\-_]+$',
    ],
    [
      'an unsupported inputs keyword',
      { inputs: { type: 'object', oneOf: [] }, steps: [step()] },
      'inputs schema keyword "oneOf" is not supported',
    ],
    [
      'an unresolvable inputs $ref',
      { inputs: { $ref: '#/components/inputs/none' }, steps: [step()] },
      'unresolvable $ref',
    ],
    [
      'an unknown component reference',
      { failureActions: [{ reference: '$components.failureActions.none' }], steps: [step()] },
      'no component "$components.failureActions.none"',
    ],
    [
      'a replacement XPath target',
      {
        steps: [
          step({
            operationId: 'createItem',
            requestBody: { payload: {}, replacements: [{ target: 'root/item', value: 1 }] },
          }),
        ],
      },
      'is not a JSON Pointer',
    ],
    [
      'a forbidden replacement target',
      {
        steps: [
          step({
            operationId: 'createItem',
            requestBody: { payload: {}, replacements: [{ target: '/__proto__/x', value: 1 }] },
          }),
        ],
      },
      'forbidden key',
    ],
    [
      'an unsupported content type',
      {
        steps: [
          step({
            operationId: 'createItem',
            requestBody: { contentType: 'multipart/form-data', payload: {} },
          }),
        ],
      },
      'content type "multipart/form-data" is not supported',
    ],
  ])('reports %s', (_name, workflow, expected) => {
    // Prepare
    const document = documentWith(workflow);
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues.join('\n')).toContain(expected);
  });

  it('reports a forbidden key anywhere with its location', () => {
    // Prepare
    const document = documentWith({
      steps: [step({ 'x-meta': JSON.parse('{"__proto__": {"polluted": true}}') })],
    });
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toContain('/workflows/0/steps/0/x-meta/__proto__: forbidden key "__proto__"');
  });

  it('needs the document of an arazzo-type source, and reads the only openapi source beside it', () => {
    // Prepare
    const document = {
      ...documentWith({ steps: [step()] }),
      sourceDescriptions: [
        { name: 'a', url: './a.yaml', type: 'arazzo' },
        { name: 'b', url: './b.yaml', type: 'openapi' },
      ],
    };
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toEqual([
      '/sourceDescriptions/0/url: no Arazzo document was given for source "a"',
    ]);
  });

  it('lists every problem instead of stopping at the first', () => {
    // Prepare
    const document = documentWith({
      dependsOn: ['x'],
      steps: [
        step({ operationId: 'nope', successCriteria: [{ condition: '(' }] }),
        step({ stepId: 's', onSuccess: [{ name: 'g', type: 'goto', stepId: 'gone' }] }),
      ],
    });
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        '/workflows/0/dependsOn/0: unknown workflow "x"',
        '/workflows/0/steps/0/operationId: operationId "nope" is not in the source description',
        expect.stringMatching(/^\/workflows\/0\/steps\/0\/successCriteria\/0\/condition: /),
        '/workflows/0/steps/1/stepId: duplicate stepId "s"',
        '/workflows/0/steps/1/onSuccess/0/stepId: goto target "gone" does not exist',
      ]),
    );
  });

  it('reports JSON Schema violations with their location', () => {
    // Prepare
    const document = { ...documentWith({ steps: [step()] }), arazzo: '2.0.0', extra: true };
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/arazzo: schema: must match pattern/),
        '/: schema: unknown property "extra"',
      ]),
    );
  });

  it('accepts a valid document with components, reusable objects and regex criteria', () => {
    // Prepare
    const document = documentWith(
      {
        inputs: { $ref: '#/components/inputs/in' },
        parameters: [{ reference: '$components.parameters.tenant', value: '$inputs.t' }],
        failureActions: [{ reference: '$components.failureActions.transient' }],
        steps: [
          step({
            successCriteria: [{ context: '$statusCode', type: 'regex', condition: '^2\\d\\d$' }],
          }),
        ],
      },
      {
        inputs: { in: { type: 'object', properties: { t: { type: 'string' } } } },
        parameters: { tenant: { name: 'X-Tenant', in: 'header', value: 'default' } },
        failureActions: { transient: { name: 'transient', type: 'retry', retryAfter: 1 } },
      },
    );
    // Act
    const issues = issuesOf(document);
    // Assess
    expect(issues).toEqual([]);
  });
});
