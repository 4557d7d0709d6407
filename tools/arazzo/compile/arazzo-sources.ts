/**
 * Arazzo-type sources (docs/arazzo.md §17): the referenced document, compiled on its own, is embedded in the
 * document that names it. Its workflows are keyed `$sourceDescriptions.<name>.<workflowId>` (as the outer document
 * writes references to them), its own sources become `<name>/<inner>` ('/' cannot occur in a source name, so
 * nothing clashes), and every reference inside it (operation keys, step and action workflows, dependsOn) is
 * rewritten the same way.
 */
import {
  type CompiledAction,
  type CompiledDocument,
  type CompiledOperation,
  type CompiledSource,
  type CompiledStep,
  type CompiledWorkflow,
  SOURCE_PREFIX,
} from '../../../lib/arazzo/compiled-document.ts';
import { inputNamesOf } from '../../../lib/arazzo/declared-names.ts';
import type { DocumentIssue } from '../schema-validation.ts';
import { at } from './document-values.ts';
import type { WorkflowInfo } from './scope.ts';
import type { SourceEntry } from './source-description.ts';

/** What the arazzo-type sources of a document add to it. */
export type EmbeddedSources = {
  readonly workflows: readonly CompiledWorkflow[];
  readonly sources: readonly CompiledSource[];
  readonly operations: Readonly<Record<string, CompiledOperation>>;
  /** What each embedded workflow declares, by key, for the outer document's references. */
  readonly infos: ReadonlyMap<string, WorkflowInfo>;
};

/** Renames the keys of one embedded document's workflows and operations into the outer document's space. */
const renamerFor = (name: string) => {
  const workflowKey = (key: string): string =>
    key.startsWith(SOURCE_PREFIX)
      ? `${SOURCE_PREFIX}${name}/${key.slice(SOURCE_PREFIX.length)}`
      : `${SOURCE_PREFIX}${name}.${key}`;
  const action = (each: CompiledAction): CompiledAction =>
    each.workflowId === undefined ? each : { ...each, workflowId: workflowKey(each.workflowId) };
  const step = (each: CompiledStep): CompiledStep => {
    const actions = {
      onSuccess: each.onSuccess.map(action),
      onFailure: each.onFailure.map(action),
    };
    return each.kind === 'workflow'
      ? { ...each, ...actions, workflow: workflowKey(each.workflow) }
      : { ...each, ...actions, operation: `${name}/${each.operation}` };
  };
  const workflow = (each: CompiledWorkflow): CompiledWorkflow => ({
    ...each,
    key: workflowKey(each.key),
    local: false,
    // Its own `$workflows.<id>` and `$sourceDescriptions.<inner>` move under this source's names ('' included).
    namespace: {
      workflows: workflowKey(each.namespace.workflows),
      sources: `${name}/${each.namespace.sources}`,
    },
    dependsOn: each.dependsOn.map(workflowKey),
    steps: each.steps.map(step),
  });
  return { workflow, source: (inner: string) => `${name}/${inner}` };
};

const infoOf = (workflow: CompiledWorkflow): WorkflowInfo => ({
  inputNames: inputNamesOf(workflow.inputs),
  outputNames: new Set(Object.keys(workflow.outputs)),
});

/** The compiled document of the arazzo-type source `name`, renamed into the outer document's space. */
const embedOne = (name: string, compiled: CompiledDocument): EmbeddedSources => {
  const rename = renamerFor(name);
  const workflows = compiled.workflows.map(rename.workflow);
  const operations: Record<string, CompiledOperation> = {};
  for (const [key, operation] of Object.entries(compiled.operations)) {
    operations[`${name}/${key}`] = { ...operation, source: rename.source(operation.source) };
  }
  return {
    workflows,
    sources: compiled.sources.map((source) => ({ ...source, name: rename.source(source.name) })),
    operations,
    infos: new Map(workflows.map((workflow) => [workflow.key, infoOf(workflow)])),
  };
};

/**
 * Embeds every arazzo-type source of the document from `compiled` (by source name). A source whose document is
 * missing is an issue, unless `attempted` says loading it was tried (its problems are already reported).
 */
export const embedArazzoSources = (
  entries: readonly SourceEntry[],
  compiled: Readonly<Record<string, CompiledDocument | undefined>>,
  issues: DocumentIssue[],
): EmbeddedSources => {
  const embedded = { workflows: [], sources: [], operations: {}, infos: new Map() } as {
    workflows: CompiledWorkflow[];
    sources: CompiledSource[];
    operations: Record<string, CompiledOperation>;
    infos: Map<string, WorkflowInfo>;
  };
  for (const entry of entries.filter((each) => each.type === 'arazzo')) {
    const document = Object.hasOwn(compiled, entry.name) ? compiled[entry.name] : undefined;
    if (document === undefined) {
      if (!Object.hasOwn(compiled, entry.name)) {
        issues.push({
          pointer: at(entry.pointer, 'url'),
          message: `no Arazzo document was given for source "${entry.name}"`,
        });
      }
      continue;
    }
    const one = embedOne(entry.name, document);
    embedded.workflows.push(...one.workflows);
    embedded.sources.push(...one.sources);
    Object.assign(embedded.operations, one.operations);
    for (const [key, info] of one.infos) embedded.infos.set(key, info);
  }
  return embedded;
};
