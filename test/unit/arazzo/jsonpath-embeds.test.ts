// Runtime values embedded in jsonpath queries (docs/arazzo.md §5.4): quoted, as literals, in match()/search()
// patterns, and where they are refused.
import { describe, expect, it } from 'vitest';
import type { CompiledDocument } from '../../../lib/arazzo/compiled-document.ts';
import { ArazzoDocumentError } from '../../../lib/arazzo/errors.ts';
import { prepareDocument } from '../../../lib/arazzo/prepare.ts';
import { jsonpath, outcome, workflowWith } from './criteria-support.ts';
import { compileOrFail, documentWith, issuesOf } from './support.ts';

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
