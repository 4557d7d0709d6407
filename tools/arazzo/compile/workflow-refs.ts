/**
 * References between workflows (docs/arazzo.md §17): what each local workflow declares (for steps, actions and
 * `$workflows.*` that refer to it), `dependsOn` lists and their cycles.
 */
import { inputNamesOf } from '../../../lib/arazzo/declared-names.ts';
import { isRecord } from '../../../lib/arazzo/is-record.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { asArray, asRecord, at, type Rec, str } from './document-values.ts';
import { type DocumentScope, type WorkflowInfo, workflowInfoOf } from './scope.ts';

const COMPONENT_INPUT_REF = /^#\/components\/inputs\/([^/]+)$/;

/** The property names an inputs schema declares (following one `$ref` into components), or undefined. */
const declaredInputs = (inputs: unknown, components: Rec): ReadonlySet<string> | undefined => {
  let schema = inputs;
  const ref = isRecord(schema) ? str(schema['$ref']) : undefined;
  if (ref !== undefined) {
    const name = COMPONENT_INPUT_REF.exec(ref)?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
    const section = asRecord(components['inputs']);
    schema = name !== undefined && Object.hasOwn(section, name) ? section[name] : undefined;
  }
  return inputNamesOf(schema);
};

/** What each of the document's workflows declares, by workflowId (the first of duplicates wins). */
export const declaredWorkflows = (document: Rec, components: Rec): Map<string, WorkflowInfo> => {
  const declared = new Map<string, WorkflowInfo>();
  for (const workflow of asArray(document['workflows'])) {
    if (!isRecord(workflow)) continue;
    const workflowId = str(workflow['workflowId']) ?? '';
    if (declared.has(workflowId)) continue;
    declared.set(workflowId, {
      inputNames: declaredInputs(workflow['inputs'], components),
      outputNames: new Set(Object.keys(asRecord(workflow['outputs']))),
    });
  }
  return declared;
};

/** Reports a workflow reference (a step's or an action's `workflowId`) that names no workflow. */
export const checkWorkflowRef = (
  key: string,
  pointer: string,
  scope: DocumentScope,
): WorkflowInfo | undefined => {
  const info = workflowInfoOf(scope, key);
  if (info === undefined) scope.issues.push({ pointer, message: `unknown workflow "${key}"` });
  return info;
};

/** The workflow's `dependsOn` keys, each checked to name a workflow other than itself. */
export const compileDependsOn = (
  workflow: Rec,
  pointer: string,
  scope: DocumentScope,
): string[] => {
  const self = str(workflow['workflowId']) ?? '';
  return asArray(workflow['dependsOn']).flatMap((entry, index) => {
    const key = str(entry);
    if (key === undefined) return [];
    const where = at(pointer, 'dependsOn', index);
    if (key === self) {
      scope.issues.push({ pointer: where, message: `workflow "${self}" depends on itself` });
      return [];
    }
    checkWorkflowRef(key, where, scope);
    return [key];
  });
};

/**
 * Reports every dependsOn cycle among the local workflows once, at the first workflow of the cycle in document
 * order (a cycle could never start: each workflow would wait for another).
 */
export const checkDependencyCycles = (
  workflows: readonly { readonly key: string; readonly dependsOn: readonly string[] }[],
  issues: DocumentIssue[],
): void => {
  const edges = new Map(workflows.map((workflow) => [workflow.key, workflow.dependsOn]));
  const reported = new Set<string>();
  workflows.forEach((workflow, index) => {
    if (reported.has(workflow.key)) return;
    const cycle = findCycle(workflow.key, edges);
    if (cycle === undefined) return;
    for (const key of cycle) reported.add(key);
    issues.push({
      pointer: at('', 'workflows', index, 'dependsOn'),
      message: `dependsOn cycle: ${[...cycle, workflow.key].join(' → ')}`,
    });
  });
};

/** A path from `start` back to itself along dependsOn edges, or undefined. Depth-first, each key visited once. */
const findCycle = (
  start: string,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] | undefined => {
  const visited = new Set<string>();
  const walk = (key: string, path: readonly string[]): string[] | undefined => {
    for (const next of edges.get(key) ?? []) {
      if (next === start) return [...path];
      if (visited.has(next)) continue;
      visited.add(next);
      const found = walk(next, [...path, next]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
};
