import { describe, expect, it } from 'vitest';
import { compileSchema, findPasswordPaths } from '../../../lib/arazzo/input-schema.ts';

const issuesOf = (schema: unknown, value: unknown, root?: string): string[] => {
  const issues: string[] = [];
  compileSchema(schema, root)(value, '', issues);
  return issues;
};

describe('compileSchema', () => {
  it.each([
    [true, 1, []],
    [undefined, 1, []],
    [false, 1, ['inputs: is not allowed']],
    [{ type: 'integer' }, 1.5, ['inputs: must be integer, got number']],
    [{ type: ['string', 'null'] }, null, []],
    [{ type: 'number' }, Number.NaN, ['inputs: must be number, got number']],
    [{ enum: [{ a: 1 }, 'b'] }, { a: 1 }, []],
    [{ enum: ['a'] }, 'b', ['inputs: must be one of ["a"]']],
    [{ const: null }, 0, ['inputs: must be null']],
    [{ minLength: 2 }, '😀', ['inputs: must have at least 2 characters']],
    [
      { maxLength: 1, pattern: '^a' },
      'bc',
      ['inputs: must have at most 1 characters', 'inputs: must match ^a'],
    ],
    [{ minimum: 1, maximum: 2 }, 3, ['inputs: must be <= 2']],
    [
      { minItems: 2, items: { type: 'string' } },
      [1],
      ['inputs: must have at least 2 items', 'inputs/0: must be string, got integer'],
    ],
    [{ maxItems: 0 }, [1], ['inputs: must have at most 0 items, got 1']],
  ])('checks %j against %j', (schema, value, expected) => {
    // Act
    const issues = issuesOf(schema, value);
    // Assess
    expect(issues).toEqual(expected);
  });

  it('reports object issues in keyword order, under the given root', () => {
    // Prepare
    const schema = {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, tags: { items: { enum: ['x'] } } },
      additionalProperties: false,
    };
    // Act
    const issues = issuesOf(schema, { id: 1, tags: ['y'], extra: true }, 'body');
    // Assess
    expect(issues).toEqual([
      'body/name: is required',
      'body/id: must be string, got integer',
      'body/tags/0: must be one of ["x"]',
      'body/extra: is not allowed',
    ]);
  });

  it('checks additional properties against their schema', () => {
    // Act
    const issues = issuesOf(
      { properties: {}, additionalProperties: { type: 'number' } },
      { a: 'x' },
    );
    // Assess
    expect(issues).toEqual(['inputs/a: must be number, got string']);
  });

  it('ignores values of another type than the keyword judges', () => {
    // Act
    const issues = issuesOf({ minLength: 3, minimum: 3, minItems: 3, required: ['a'] }, true);
    // Assess
    expect(issues).toEqual([]);
  });

  it('throws at compile time for a pattern that does not compile', () => {
    // Act / Assess
    expect(() => compileSchema({ pattern: '(' })).toThrow();
  });
});

describe('findPasswordPaths', () => {
  it('lists the paths of password properties, not descending into arrays', () => {
    // Prepare
    const schema = {
      properties: {
        key: { format: 'password' },
        nested: { properties: { secret: { format: 'password' } } },
        list: { items: { format: 'password' } },
      },
    };
    // Act
    const paths = findPasswordPaths(schema);
    // Assess
    expect(paths).toEqual([['key'], ['nested', 'secret']]);
  });
});
