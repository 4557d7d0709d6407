/** What the compiled workflow-inputs validator is made of: checks, the builders of one keyword group, labels. */

/** Checks one value; pushes one line per problem into `issues`. */
export type SchemaCheck = (value: unknown, path: string, issues: string[]) => void;

/** Names a location for an issue: the root name (`inputs`, `body`) plus the JSON Pointer below it. */
export type Label = (path: string) => string;

export const labelUnder =
  (root: string): Label =>
  (path) =>
    path === '' ? root : `${root}${path}`;

/**
 * Compiles the keywords of one group (type, strings, objects…) of a schema object into a check; undefined when the
 * schema uses none of them. `compile` compiles a subschema under the same root.
 */
export type KeywordCheckBuilder = (
  schema: Readonly<Record<string, unknown>>,
  label: Label,
  compile: (subschema: unknown) => SchemaCheck,
) => SchemaCheck | undefined;
