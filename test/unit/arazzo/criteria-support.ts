/** Helpers for criteria tests (docs/arazzo.md §5): one step judged by one criterion, run against a scripted answer. */
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileOrFail, createScriptedSend, documentWith, testClassify } from './support.ts';

const inputs = {
  type: 'object',
  properties: { status: { type: 'string' }, min: { type: 'integer' }, list: {} },
};

/** One step whose only success criterion is `criterion`; the run completes when it holds. */
export const workflowWith = (criterion: Record<string, unknown>) => ({
  inputs,
  steps: [{ stepId: 'list', operationId: 'listItems', successCriteria: [criterion] }],
});

/** How the run of `workflowWith(criterion)` ends on a 200 with `reply` (and header `x.list`): its status or reason. */
export const outcome = async (
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

/** A `type: jsonpath` criterion. */
export const jsonpath = (condition: string, context = '$response.body') => ({
  context,
  condition,
  type: 'jsonpath',
});
