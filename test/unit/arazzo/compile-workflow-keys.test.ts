import { describe, expect, it } from 'vitest';
import { compileArazzoDocument, formatIssue } from '../../../tools/arazzo/build-time.ts';
import { compileOrFail, TEST_OPENAPI } from './support.ts';
import { documentOf, getItem } from './workflows-support.ts';

describe('embedding an arazzo-type source', () => {
  it('keys its workflows $sourceDescriptions.<name>.<id> and rewrites every reference inside it', () => {
    // Prepare
    const inner = compileOrFail(
      documentOf(
        { workflowId: 'base', steps: [getItem('s', 'a')] },
        {
          workflowId: 'top',
          dependsOn: ['base'],
          steps: [
            { stepId: 'call', workflowId: 'base' },
            getItem('read', 'b', { onFailure: [{ name: 'g', type: 'goto', workflowId: 'base' }] }),
          ],
        },
      ),
    );
    const outer = {
      ...documentOf({
        workflowId: 'main',
        steps: [{ stepId: 'call', workflowId: '$sourceDescriptions.lib.top' }],
      }),
      sourceDescriptions: [{ name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' }],
    };
    // Act
    const result = compileArazzoDocument(outer, { sources: {} }, { lib: inner });
    // Assess
    expect(result.issues).toEqual([]);
    const [, base, top] = result.compiled?.workflows ?? [];
    expect([base?.key, top?.key, top?.dependsOn]).toEqual([
      '$sourceDescriptions.lib.base',
      '$sourceDescriptions.lib.top',
      ['$sourceDescriptions.lib.base'],
    ]);
    expect(top?.steps[0]).toMatchObject({
      kind: 'workflow',
      workflow: '$sourceDescriptions.lib.base',
    });
    expect(top?.steps[1]).toMatchObject({
      operation: 'lib/api.getItem',
      onFailure: [{ workflowId: '$sourceDescriptions.lib.base' }],
    });
    expect(result.compiled?.sources.map((source) => source.name)).toEqual(['lib', 'lib/api']);
    expect(result.compiled?.operations['lib/api.getItem']?.source).toBe('lib/api');
  });

  it('reports a reference to a workflow the source does not have', () => {
    // Prepare
    const inner = compileOrFail(documentOf({ workflowId: 'base', steps: [getItem('s', 'a')] }));
    const outer = {
      ...documentOf({
        workflowId: 'main',
        dependsOn: ['$sourceDescriptions.lib.nope'],
        steps: [getItem('s', 'a')],
      }),
      sourceDescriptions: [
        { name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' },
        { name: 'api', url: './api.yaml', type: 'openapi' },
      ],
    };
    // Act
    const result = compileArazzoDocument(outer, { sources: { api: TEST_OPENAPI } }, { lib: inner });
    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      '/workflows/0/dependsOn/0: unknown workflow "$sourceDescriptions.lib.nope"',
    ]);
  });
});
