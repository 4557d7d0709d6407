import { describe, expect, it } from 'vitest';
import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import { ArazzoDocumentError } from '../../../lib/arazzo/errors.ts';
import { prepareDocument } from '../../../lib/arazzo/prepare.ts';
import { escapeInQuotes, escapeIRegexp, quotesOfParts } from '../../../lib/arazzo/quoted-text.ts';
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
  properties: { status: { type: 'string' }, min: { type: 'integer' }, list: {} },
};

/** One step whose only success criterion is `criterion`; the run completes when it holds. */
const workflowWith = (criterion: Record<string, unknown>) => ({
  inputs,
  steps: [{ stepId: 'list', operationId: 'listItems', successCriteria: [criterion] }],
});

const outcome = async (
  criterion: Record<string, unknown>,
  reply: { json?: unknown; bodyText?: string },
  values: Record<string, unknown> = {},
): Promise<string> => {
  const scripted = createScriptedSend([{ status: 200, headers: { 'x.list': '[1,5]' }, ...reply }]);
  const runner = createWorkflowRunner(compileOrFail(documentWith(workflowWith(criterion))), {
    baseUrl: 'http://127.0.0.1:9/',
    send: scripted.send,
    classify: testClassify,
  });
  const result = await runner.run('wf', values);
  return result.status === 'failed' ? `failed:${result.failure?.reason}` : result.status;
};

const jsonpath = (condition: string, context = '$response.body') => ({
  context,
  condition,
  type: 'jsonpath',
});

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

describe('jsonpath criteria: embedded values', () => {
  const body = { json: [{ status: 'active' }, { status: "it's" }, { status: 'x" || @' }] };

  it.each([
    ['inside double quotes (1.1 example)', '$[?(@.status == "{$inputs.status}")]', 'active'],
    ['inside double quotes, a value with a quote', '$[?@.status == "{$inputs.status}"]', 'x" || @'],
    ['inside single quotes, a value with a quote', "$[?@.status == '{$inputs.status}']", "it's"],
    ['outside quotes, as a JSON literal', '$[?@.status == {$inputs.status}]', 'active'],
  ])('matches a value embedded %s', async (_what, condition, status) => {
    // Act
    const result = await outcome(jsonpath(condition), body, { status });
    // Assess
    expect(result).toBe('completed');
  });

  it.each([
    ['"{$inputs.status}"', 'a" || @.status != "'],
    ["'{$inputs.status}'", "a' || @.status != '"],
    ['{$inputs.status}', 'a" || @.status != "'],
  ])('never lets a value change the query: %s', async (quoted, status) => {
    // Act
    const result = await outcome(jsonpath(`$[?@.status == ${quoted}]`), body, { status });
    // Assess
    expect(result).toBe('failed:criteria');
  });

  it('refuses at build time a value right after a backslash (it could join an escape)', () => {
    // Act
    const issues = issuesOf(
      documentWith(workflowWith(jsonpath('$[?@.s == "\\{$inputs.status}n"]'))),
    );
    // Assess
    expect(issues.join('\n')).toContain(
      '/workflows/0/steps/0/successCriteria/0/condition: jsonpath query does not parse',
    );
  });

  it('compares a number embedded outside quotes as a number', async () => {
    // Act
    const result = await outcome(
      jsonpath('$[?@.n >= {$inputs.min}]'),
      { json: [{ n: 3 }] },
      {
        min: 3,
      },
    );
    // Assess
    expect(result).toBe('completed');
  });
});

describe('jsonpath criteria: a value in a match() or search() pattern matches only itself (RFC 9485)', () => {
  const names = (...list: string[]) => ({ json: list.map((name) => ({ name })) });

  it.each([
    ['match, double quotes', '$[?match(@.name, "{$inputs.status}")]'],
    ['match, single quotes', "$[?match(@.name, '{$inputs.status}')]"],
    ['search, double quotes', '$[?search(@.name, "{$inputs.status}")]'],
    ['match, outside quotes', '$[?match(@.name, {$inputs.status})]'],
  ])('reads ".*" from an input as a literal ".*" (%s)', async (_what, condition) => {
    // Act
    const other = await outcome(jsonpath(condition), names('abc', '.x'), { status: '.*' });
    const literal = await outcome(jsonpath(condition), names('abc', '.*'), { status: '.*' });
    // Assess
    expect([other, literal]).toEqual(['failed:criteria', 'completed']);
  });

  it.each([
    ['a$', 'a'],
    ['^a', 'a'],
    ['(a|b)[c]{1}+?\\', 'b'],
    ['x.y', 'xzy'],
  ])('matches %j only as that text', async (status, lookalike) => {
    // Prepare
    const criterion = jsonpath('$[?match(@.name, "{$inputs.status}")]');
    // Act
    const itself = await outcome(criterion, names(status), { status });
    const other = await outcome(criterion, names(lookalike), { status });
    // Assess
    expect([itself, other]).toEqual(['completed', 'failed:criteria']);
  });

  it('keeps the pattern text around the value a pattern', async () => {
    // Prepare
    const criterion = jsonpath('$[?match(@.name, "{$inputs.status}-[0-9]+")]');
    // Act
    const results = await Promise.all(
      ['a.b-12', 'axb-12', 'a.b-x'].map((name) =>
        outcome(criterion, names(name), { status: 'a.b' }),
      ),
    );
    // Assess
    expect(results).toEqual(['completed', 'failed:criteria', 'failed:criteria']);
  });

  it.each([
    ['in a character class', '$[?match(@.name, "[{$inputs.status}]")]'],
    ['right after a backslash', '$[?search(@.name, "\\\\{$inputs.status}")]'],
    ['inside quantifier braces', '$[?match(@.name, "a{{$inputs.status}}")]'],
    ['inside \\p{...}', "$[?match(@.name, '\\\\p{{$inputs.status}}')]"],
  ])('refuses at build time a value %s of a pattern, naming it', (_where, condition) => {
    // Act
    const issues = issuesOf(documentWith(workflowWith(jsonpath(condition))));
    // Assess
    expect(issues).toEqual([
      '/workflows/0/steps/0/successCriteria/0/condition: {$inputs.status} in a match()/search() pattern must stand outside character classes, escapes and braces, where its text would be read as pattern syntax',
    ]);
  });

  it('accepts a value after a closed class, escape and braces', () => {
    // Act
    const issues = issuesOf(
      documentWith(workflowWith(jsonpath('$[?match(@.name, "[a-z]{2}\\\\.{$inputs.status}")]'))),
    );
    // Assess
    expect(issues).toEqual([]);
  });

  it('leaves a value in the first argument (the text matched) unescaped', async () => {
    // Act
    const result = await outcome(
      jsonpath('$[?match("{$inputs.status}", @.pattern)]'),
      { json: [{ pattern: 'x\\.y' }] },
      { status: 'x.y' },
    );
    // Assess
    expect(result).toBe('completed');
  });
});

describe('jsonpath criteria: a value outside quotes stands only where a literal may', () => {
  it.each([
    ['$.{$inputs.status}'],
    ['$..{$inputs.status}'],
    ['$[?@.{$inputs.status} == 1]'],
    ['$[?@.a{$inputs.status} == 1]'],
  ])('refuses %s at build time, naming the criterion and the value', (condition) => {
    // Act
    const issues = issuesOf(documentWith(workflowWith(jsonpath(condition))));
    // Assess
    expect(issues.join('\n')).toContain(
      '/workflows/0/steps/0/successCriteria/0/condition: {$inputs.status} outside quotes must be a comparison operand or a function argument',
    );
  });

  it('names every misplaced value, and accepts one that is a comparison operand or function argument', () => {
    // Act
    const issues = issuesOf(
      documentWith(
        workflowWith(jsonpath('$[?@.{$inputs.status} == {$inputs.min}].{$inputs.list}')),
      ),
    );
    const accepted = issuesOf(
      documentWith(workflowWith(jsonpath('$[?length({$inputs.status}) >= {$inputs.min}]'))),
    );
    // Assess
    expect(issues).toEqual([
      "/workflows/0/steps/0/successCriteria/0/condition: {$inputs.status}, {$inputs.list} outside quotes must be a comparison operand or a function argument, where RFC 9535 allows a literal (a member name is written quoted: $['{$...}'])",
    ]);
    expect(accepted).toEqual([]);
  });

  it('refuses it again when a compiled document is prepared', () => {
    // Prepare
    const compiled = compileOrFail(
      documentWith(workflowWith(jsonpath('$[?@.a == {$inputs.status}]'))),
    );
    const text = JSON.stringify(compiled).replace(
      '$[?@.a == {$inputs.status}]',
      '$.{$inputs.status}',
    );
    // Act
    let thrown: unknown;
    try {
      prepareDocument(JSON.parse(text) as CompiledDocument);
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(thrown).toBeInstanceOf(ArazzoDocumentError);
    expect((thrown as ArazzoDocumentError).issues.join('\n')).toContain(
      'successCriteria/0/condition: {$inputs.status} outside quotes must be',
    );
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

describe('quoted-text helpers', () => {
  it.each([
    ['"', 'a"b\\c\'d\n', 'a\\"b\\\\c\'d\\n'],
    ["'", 'a"b\\c\'d\n', 'a"b\\\\c\\\'d\\n'],
  ])('escapes text for a %s-quoted literal', (quote, text, expected) => {
    // Act
    const escaped = escapeInQuotes(text, quote as '"' | "'");
    // Assess
    expect(escaped).toBe(expected);
  });

  it('escapes every I-Regexp metacharacter, and "$" as a class', () => {
    // Act
    const escaped = escapeIRegexp('a.b*+?()[]{}|\\^$-/');
    // Assess
    expect(escaped).toBe('a\\.b\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\\\\\^[$]-/');
  });

  it('finds the quote around each embedded part, skipping escaped quotes', () => {
    // Prepare
    const expr = { kind: 'url', text: '$url' } as const;
    // Act
    const quotes = quotesOfParts(['"a\\"', expr, '" ', expr, " '", expr, "'"], `"'`);
    // Assess
    expect(quotes).toEqual(['"', undefined, "'"]);
  });
});
