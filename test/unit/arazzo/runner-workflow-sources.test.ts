import { describe, expect, it } from 'vitest';
import type { CompiledDocument, CompiledWorkflow } from '../../../lib/arazzo/compiled-document.ts';
import { ArazzoDocumentError } from '../../../lib/arazzo/errors.ts';
import { createWorkflowRunner } from '../../../lib/arazzo/runner.ts';
import { compileArazzoDocument } from '../../../tools/arazzo/build-time.ts';
import { compileOrFail, testClassify } from './support.ts';
import { documentOf, getItem, routedSend, runnerOf } from './workflows-support.ts';

const workflow = (workflowId: string, steps: unknown[], extra: Record<string, unknown> = {}) => ({
  workflowId,
  steps,
  ...extra,
});

describe('workflows of arazzo-type sources in a prepared document', () => {
  const local = workflow('local', [{ stepId: 'call', workflowId: 'local2' }]);
  const local2 = workflow('local2', [getItem('s', 'x')]);

  it('lists and starts local workflows only, and refuses a document naming a workflow it lacks', async () => {
    // Prepare
    const compiled = compileOrFail(documentOf(local, local2));
    const source = {
      ...(compiled.workflows[1] as CompiledWorkflow),
      key: '$sourceDescriptions.s.w',
      local: false,
    };
    const withSource = { ...compiled, workflows: [...compiled.workflows, source] };
    const broken = {
      ...compiled,
      workflows: [{ ...(compiled.workflows[0] as CompiledWorkflow), dependsOn: ['ghost'] }],
    };
    const options = {
      baseUrl: 'http://127.0.0.1:9',
      send: routedSend().send,
      classify: testClassify,
    };
    // Act
    const runner = createWorkflowRunner(withSource, options);
    const refused = () => createWorkflowRunner(broken, options);
    // Assess
    expect(runner.workflowIds).toEqual(['local', 'local2']);
    await expect(runner.run('$sourceDescriptions.s.w', {})).rejects.toBeInstanceOf(
      ArazzoDocumentError,
    );
    expect(refused).toThrow(ArazzoDocumentError);
  });
});

describe('a workflow of an arazzo-type source at run time', () => {
  it('reads its own document’s $workflows and $sourceDescriptions names', async () => {
    // Prepare
    const inner = compileOrFail(
      documentOf(
        workflow('base', [getItem('s', 'base')], {
          outputs: { source: '$sourceDescriptions.api.url' },
        }),
        workflow('top', [getItem('t', 'top')], {
          dependsOn: ['base'],
          outputs: { fromBase: '$workflows.base.outputs.source' },
        }),
      ),
    );
    const call = {
      stepId: 'call',
      workflowId: '$sourceDescriptions.lib.top',
      outputs: { fromTop: '$outputs.fromBase' },
    };
    const outer = {
      ...documentOf(
        workflow('main', [call], { outputs: { fromTop: '$steps.call.outputs.fromTop' } }),
      ),
      sourceDescriptions: [{ name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' }],
    };
    const compiled = compileArazzoDocument(outer, { sources: {} }, { lib: inner }).compiled;
    const http = routedSend();
    const runner = createWorkflowRunner(compiled as CompiledDocument, {
      baseUrl: 'http://127.0.0.1:9/api',
      send: http.send,
      classify: testClassify,
    });
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ fromTop: './api.yaml' });
    expect(http.paths()).toEqual(['/api/items/base', '/api/items/top']);
  });

  it('fails the run with an empty stepId when a called workflow’s dependency rejects the run’s inputs', async () => {
    // Prepare
    const strict = workflow('strict', [getItem('s', 'x')], {
      inputs: { type: 'object', required: ['must'], properties: { must: { type: 'string' } } },
    });
    const called = workflow('called', [getItem('c', 'c')], { dependsOn: ['strict'] });
    const main = workflow('main', [{ stepId: 'call', workflowId: 'called' }]);
    const http = routedSend();
    const { runner } = runnerOf([strict, called, main], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({
      stepId: '',
      workflowId: 'called',
      reason: 'evaluation',
    });
    expect(http.requests).toEqual([]);
  });
});
