import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import {
  compileOrFail,
  createScriptedSend,
  documentWith,
  issuesOf,
  testClassify,
} from './support.ts';

const inputs = {
  type: 'object',
  properties: {
    pet_id: { type: 'integer' },
    coupon_code: { type: 'string' },
    quantity: { type: 'integer' },
    note: {},
  },
};

const stepWith = (requestBody: Record<string, unknown>, operationId = 'createItem') => ({
  inputs,
  steps: [
    {
      stepId: 'send',
      operationId,
      requestBody,
      successCriteria: [{ condition: '$statusCode == 200' }],
      outputs: { sentId: '$request.body#/petOrder/petId' },
    },
  ],
  outputs: { sentId: '$steps.send.outputs.sentId' },
});

const run = async (workflow: Record<string, unknown>, values: Record<string, unknown>) => {
  const scripted = createScriptedSend([{ status: 200, json: {} }]);
  const runner = createWorkflowRunner(compileOrFail(documentWith(workflow)), {
    baseUrl: 'http://127.0.0.1:9/',
    send: scripted.send,
    classify: testClassify,
  });
  const result = await runner.run('wf', values);
  return { result, requests: scripted.requests };
};

// The 1.0.1 specification's "JSON Templated Example", as YAML's `|` block gives it.
const SPEC_TEMPLATE = `{
  "petOrder": {
    "petId": "{$inputs.pet_id}",
    "couponCode": "{$inputs.coupon_code}",
    "quantity": "{$inputs.quantity}",
    "status": "placed",
    "complete": false
  }
}
`;

describe('a string payload with a JSON content type', () => {
  it('is sent as the spec example shows: the text itself, values substituted as their text', async () => {
    // Act
    const { result, requests } = await run(
      stepWith({ contentType: 'application/json', payload: SPEC_TEMPLATE }),
      { pet_id: 7, coupon_code: 'SAVE10', quantity: 2 },
    );
    // Assess
    expect(requests[0]?.body).toBe(`{
  "petOrder": {
    "petId": "7",
    "couponCode": "SAVE10",
    "quantity": "2",
    "status": "placed",
    "complete": false
  }
}
`);
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(result.outputs).toEqual({ sentId: '7' });
  });

  it('escapes a value inside a JSON string, so it stays that string', async () => {
    // Prepare
    const hostile = 'a", "admin": true, "x": "\\\n\u0001';
    // Act
    const { requests } = await run(stepWith({ payload: '{"note": "<{$inputs.note}>"}' }), {
      note: hostile,
    });
    // Assess
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({ note: `<${hostile}>` });
  });

  it.each([
    ['a number', 3, '{"v": 3}'],
    ['a string', 'say "hi"', '{"v": "say \\"hi\\""}'],
    ['an object', { a: [1, null] }, '{"v": {"a":[1,null]}}'],
    ['null', null, '{"v": null}'],
  ])('writes %s outside a string as a JSON literal', async (_what, note, body) => {
    // Act
    const { requests } = await run(stepWith({ payload: '{"v": {$inputs.note}}' }), { note });
    // Assess
    expect(requests[0]?.body).toBe(body);
  });

  it('writes an object inside a string as its JSON text', async () => {
    // Act
    const { requests } = await run(stepWith({ payload: '{"v": "{$inputs.note}"}' }), {
      note: { a: 1 },
    });
    // Assess
    expect(requests[0]?.body).toBe('{"v": "{\\"a\\":1}"}');
  });

  it('fails the step before sending when an embedded value is absent', async () => {
    // Act
    const { result, requests } = await run(stepWith({ payload: SPEC_TEMPLATE }), { pet_id: 7 });
    // Assess
    expect(requests).toHaveLength(0);
    expect(result.failure).toMatchObject({ reason: 'evaluation', statusCode: null });
  });

  it('applies replacements to the parsed text and sends it re-serialised', async () => {
    // Prepare
    const requestBody = {
      payload: '{ "a": "{$inputs.coupon_code}", "list": [1] }',
      replacements: [
        { target: '/list/-', value: '$inputs.quantity' },
        { target: '/b', value: 'x' },
      ],
    };
    // Act
    const { requests } = await run(stepWith(requestBody), { coupon_code: 'C', quantity: 4 });
    // Assess
    expect(requests[0]?.body).toBe('{"a":"C","list":[1,4],"b":"x"}');
  });

  it('keeps a whole-payload expression a JSON value (a string input is JSON-encoded)', async () => {
    // Act
    const { requests } = await run(stepWith({ payload: '$inputs.coupon_code' }), {
      coupon_code: '{"not":"parsed"}',
    });
    // Assess
    expect(requests[0]?.body).toBe('"{\\"not\\":\\"parsed\\"}"');
  });

  it.each([
    ['text that is not JSON', 'hello {$inputs.note}'],
    ['a value glued to a number', '{"v": 1{$inputs.note}}'],
    ['a value in a key position outside quotes', '{ {$inputs.note}: 1 }'],
    ['a value right after a backslash', '{"v": "\\{$inputs.note}n"}'],
  ])('is refused at build time when it is %s', (_what, payload) => {
    // Act
    const issues = issuesOf(documentWith(stepWith({ payload })));
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(
      '/workflows/0/steps/0/requestBody/payload: a string payload with a JSON content type must be JSON text',
    );
  });
});

describe('a string payload with another content type', () => {
  it('is sent as text with values substituted as their text (text/plain, as before)', async () => {
    // Act
    const { requests } = await run(
      stepWith({ contentType: 'text/plain', payload: 'note: "{$inputs.note}"' }),
      { note: 'a"b' },
    );
    // Assess
    expect(requests[0]?.body).toBe('note: "a"b"');
    expect(requests[0]?.headers['content-type']).toBe('text/plain');
  });

  it('form-encodes each embedded value of a form string, so a value cannot add a field', async () => {
    // Act
    const { requests } = await run(
      stepWith({ payload: 'client_id={$inputs.coupon_code}&scope=read' }, 'postForm'),
      { coupon_code: 'a b&admin=1' },
    );
    // Assess
    expect(requests[0]?.body).toBe('client_id=a+b%26admin%3D1&scope=read');
    expect(requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('refuses replacements on a form string at build time', () => {
    // Act
    const issues = issuesOf(
      documentWith(
        stepWith({ payload: 'a=1', replacements: [{ target: '/a', value: 2 }] }, 'postForm'),
      ),
    );
    // Assess
    expect(issues).toEqual([
      '/workflows/0/steps/0/requestBody/replacements: a form payload written as a string has no JSON Pointer targets',
    ]);
  });
});
