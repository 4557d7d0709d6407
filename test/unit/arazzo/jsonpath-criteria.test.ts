// What a jsonpath criterion passes on (RFC 9535 node lists), its context, and the typed criterion form
// (docs/arazzo.md §5.3, §5.4). Values embedded in queries: jsonpath-embeds.test.ts.
import { describe, expect, it } from 'vitest';
import { jsonpath, outcome, workflowWith } from './criteria-support.ts';
import { documentWith, issuesOf } from './support.ts';

describe('jsonpath criteria: a non-empty node list passes (RFC 9535, Arazzo 1.1)', () => {
  it.each([
    ['the spec example, a child of the root with pets', [{ pets: [] }], 'completed'],
    ['the spec example, the root itself has pets', { pets: [{ id: 1 }] }, 'failed:criteria'],
    ['the spec example, a member object with pets', { store: { pets: [1] } }, 'completed'],
  ])('evaluates $[?count(@.pets) > 0] on %s', async (_what, json, expected) => {
    // Act
    const status = await outcome(jsonpath('$[?count(@.pets) > 0]'), { json });
    // Assess
    expect(status).toBe(expected);
  });

  it.each([
    [{ pets: [{ id: 1 }] }, 'completed'],
    [{ pets: [] }, 'failed:criteria'],
  ])('evaluates $.pets[*] (1.1 "any pets array has elements") on %j', async (json, expected) => {
    // Act
    const status = await outcome(jsonpath('$.pets[*]'), { json });
    // Assess
    expect(status).toBe(expected);
  });

  it.each([
    ['a null body', { json: null }],
    ['an empty body (absent)', { bodyText: '' }],
  ])('fails on %s even for the query "$"', async (_what, reply) => {
    // Act
    const status = await outcome(jsonpath('$'), reply);
    // Assess
    expect(status).toBe('failed:criteria');
  });

  it.each([
    ['an input', '$inputs.list', { list: [1, 5] }],
    ['navigation after the body', '$response.body.data.items', {}],
    ['a JSON Pointer into the body', '$response.body#/data/items', {}],
  ])('takes any runtime expression as context: %s', async (_what, context, values) => {
    // Act
    const status = await outcome(
      jsonpath('$[?@ > 4]', context),
      { json: { data: { items: [1, 5] } } },
      values,
    );
    // Assess
    expect(status).toBe('completed');
  });
});

describe('jsonpath criteria: a context naming a header with a dot', () => {
  it.each([
    ['x.list', 'completed'],
    ['x.none', 'failed:criteria'],
  ])('reads the header %s as a whole name', async (name, expected) => {
    // Act
    const status = await outcome(jsonpath('$', `$response.header.${name}`), { json: {} });
    // Assess
    expect(status).toBe(expected);
  });
});

describe('a regex context navigated like a condition operand (1.1 example)', () => {
  it.each([
    ['active', 'completed'],
    ['retired', 'failed:criteria'],
  ])('tests $response.body.status when it is %s', async (status, expected) => {
    // Act
    const result = await outcome(
      { context: '$response.body.status', condition: '^act', type: 'regex' },
      { json: { status } },
    );
    // Assess
    expect(result).toBe(expected);
  });
});

describe('the typed criterion form', () => {
  const typed = (type: unknown) => ({ context: '$response.body', condition: '$.pets[*]', type });

  it('evaluates jsonpath draft-goessner-dispatch-jsonpath-00 with RFC 9535', async () => {
    // Prepare
    const criterion = typed({ type: 'jsonpath', version: 'draft-goessner-dispatch-jsonpath-00' });
    // Act
    const passes = await outcome(criterion, { json: { pets: [1] } });
    const fails = await outcome(criterion, { json: { pets: [] } });
    // Assess
    expect([passes, fails]).toEqual(['completed', 'failed:criteria']);
  });

  it.each([
    [{ type: 'xpath', version: 'xpath-10' }, '/type: XPath (xpath-10) criteria are not supported'],
    ['xpath', '/type: XPath criteria are not supported'],
    [
      { type: 'jsonpath', version: 'jsonpath-plus' },
      '/type/version: jsonpath version "jsonpath-plus" is not supported (supported: draft-goessner-dispatch-jsonpath-00)',
    ],
  ])('refuses %j before anything is sent', (type, message) => {
    // Act
    const issues = issuesOf(documentWith(workflowWith(typed(type))));
    // Assess
    expect(issues.join('\n')).toContain(`/workflows/0/steps/0/successCriteria/0${message}`);
  });
});
