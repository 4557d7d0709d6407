/**
 * Names that may contain `.` (Arazzo 1.0.1: output names, input property names and component keys match
 * `^[a-zA-Z0-9.\-_]+$`; docs/arazzo.md §8). Outside conditions `$inputs.a.b` always names `a.b`. In a simple
 * condition `.b` could also be navigation into `$inputs.a`, so there the longest name the workflow declares wins
 * and what follows it is navigation; when no prefix is declared the first segment is the name, as before dotted
 * names were allowed. The build and the runtime decide from the same declarations, so they always agree.
 */
import type { CompiledWorkflow } from './compiled-document.ts';
import { isRecord } from './is-record.ts';

/** What another workflow declares, for `$workflows.<id>.inputs|outputs.<name>`. */
export type OtherWorkflowNames = {
  readonly inputNames: ReadonlySet<string> | undefined;
  readonly outputNames: ReadonlySet<string>;
};

/** What a workflow declares; `inputNames` is undefined when its inputs schema lists no properties. */
export type DeclaredNames = {
  readonly inputNames: ReadonlySet<string> | undefined;
  readonly workflowOutputNames: ReadonlySet<string>;
  readonly stepOutputs: ReadonlyMap<string, ReadonlySet<string>>;
  /** The workflows of its own document by workflowId, as `$workflows.<id>` names them. */
  readonly workflows?: { readonly get: (id: string) => OtherWorkflowNames | undefined };
};

/** The property names an inputs schema lists; undefined when it lists none (any name may then be passed). */
export const inputNamesOf = (schema: unknown): ReadonlySet<string> | undefined => {
  const properties = isRecord(schema) ? schema['properties'] : undefined;
  return isRecord(properties) ? new Set(Object.keys(properties)) : undefined;
};

/**
 * The declarations of a compiled workflow, as the build saw them; `$workflows.<id>` reads the workflows of its own
 * document, found under its namespace among `all` (docs/arazzo.md §17).
 */
export const declaredNamesOf = (
  workflow: CompiledWorkflow,
  all: readonly CompiledWorkflow[],
): DeclaredNames => ({
  inputNames: inputNamesOf(workflow.inputs),
  workflowOutputNames: new Set(Object.keys(workflow.outputs)),
  stepOutputs: new Map(
    workflow.steps.map((step) => [step.stepId, new Set(Object.keys(step.outputs))]),
  ),
  workflows: {
    get: (id) => {
      const key = `${workflow.namespace.workflows}${id}`;
      const other = all.find((each) => each.key === key);
      return other === undefined
        ? undefined
        : {
            inputNames: inputNamesOf(other.inputs),
            outputNames: new Set(Object.keys(other.outputs)),
          };
    },
  },
});

/**
 * Splits `a.b.c` into the longest declared name (`a.b`) and the navigation after it (`['c']`); without a declared
 * prefix, the first segment and the rest.
 */
export const splitDottedName = (
  dotted: string,
  declared: ReadonlySet<string> | undefined,
): { readonly name: string; readonly navigation: readonly string[] } => {
  const segments = dotted.split('.');
  // Bounded by the number of segments; longest prefix first.
  for (let count = segments.length; count > 1; count -= 1) {
    const name = segments.slice(0, count).join('.');
    if (declared?.has(name)) return { name, navigation: segments.slice(count) };
  }
  return { name: segments[0] ?? '', navigation: segments.slice(1) };
};
