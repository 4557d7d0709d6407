import { describe, expect, it } from 'vitest';
import type { CompiledDocument, CompiledWorkflow } from '../../../lib/arazzo/compiled-document.ts';
import { ArazzoDocumentError } from '../../../lib/arazzo/errors.ts';
import { prepareDocument } from '../../../lib/arazzo/prepare.ts';
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

describe('workflow keys cannot clash (docs/arazzo.md §17)', () => {
  const flows = compileOrFail(documentOf({ workflowId: 'login', steps: [getItem('s', 'a')] }));
  const withFlows = (...workflows: Record<string, unknown>[]) => ({
    ...documentOf(...workflows),
    sourceDescriptions: [
      { name: 'flows', url: './flows.arazzo.yaml', type: 'arazzo' },
      { name: 'api', url: './api.yaml', type: 'openapi' },
    ],
  });

  it('refuses a local workflowId that spells a source workflow’s key', () => {
    // Prepare
    const document = withFlows(
      { workflowId: '$sourceDescriptions.flows.login', steps: [getItem('s', 'a')] },
      {
        workflowId: 'main',
        steps: [{ stepId: 'c', workflowId: '$sourceDescriptions.flows.login' }],
      },
    );
    // Act
    const result = compileArazzoDocument(document, { sources: { api: TEST_OPENAPI } }, { flows });
    // Assess
    expect(result.issues.map(formatIssue)).toEqual([
      '/workflows/0/workflowId: workflowId "$sourceDescriptions.flows.login" should match [A-Za-z0-9_-]+ (Arazzo 1.0.1); "$" and "." are refused',
    ]);
  });

  it.each([
    [
      'a dotted workflowId',
      { workflowId: 'a.b', steps: [getItem('s', 'a')] },
      '/workflows/0/workflowId',
    ],
    [
      'a dotted stepId',
      { workflowId: 'w', steps: [getItem('s.t', 'a')] },
      '/workflows/0/steps/0/stepId',
    ],
    ['a $ stepId', { workflowId: 'w', steps: [getItem('$s', 'a')] }, '/workflows/0/steps/0/stepId'],
  ])('refuses %s', (_name, workflow, pointer) => {
    // Prepare
    const document = documentOf(workflow);
    // Act
    const result = compileArazzoDocument(document, { sources: { api: TEST_OPENAPI } });
    // Assess
    expect(result.issues.map((issue) => issue.pointer)).toEqual([pointer]);
  });

  it('warns about other characters outside 1.0.1’s alphabet (a SHOULD) and compiles', () => {
    // Prepare
    const document = documentOf({ workflowId: 'my flow', steps: [getItem('read it', 'a')] });
    // Act
    const result = compileArazzoDocument(document, { sources: { api: TEST_OPENAPI } });
    // Assess
    expect(result.issues).toEqual([]);
    expect(result.warnings.map(formatIssue)).toEqual([
      '/workflows/0/workflowId: workflowId "my flow" should match [A-Za-z0-9_-]+ (Arazzo 1.0.1)',
      '/workflows/0/steps/0/stepId: stepId "read it" should match [A-Za-z0-9_-]+ (Arazzo 1.0.1)',
    ]);
  });

  it('writes whether a workflow is local and where its own document’s names live, through nested sources', () => {
    // Prepare
    const lib = compileArazzoDocument(
      withFlows({
        workflowId: 'top',
        steps: [{ stepId: 'c', workflowId: '$sourceDescriptions.flows.login' }],
      }),
      { sources: { api: TEST_OPENAPI } },
      { flows },
    ).compiled;
    const outer = {
      ...documentOf({
        workflowId: 'main',
        steps: [{ stepId: 'c', workflowId: '$sourceDescriptions.lib.top' }],
      }),
      sourceDescriptions: [{ name: 'lib', url: './lib.arazzo.yaml', type: 'arazzo' }],
    };
    // Act
    const result = compileArazzoDocument(outer, { sources: {} }, { lib });
    // Assess
    expect(result.issues).toEqual([]);
    expect(
      result.compiled?.workflows.map((workflow) => [
        workflow.key,
        workflow.local,
        workflow.namespace,
      ]),
    ).toEqual([
      ['main', true, { workflows: '', sources: '' }],
      [
        '$sourceDescriptions.lib.top',
        false,
        { workflows: '$sourceDescriptions.lib.', sources: 'lib/' },
      ],
      [
        '$sourceDescriptions.lib/flows.login',
        false,
        { workflows: '$sourceDescriptions.lib/flows.', sources: 'lib/flows/' },
      ],
    ]);
  });
});

describe('preparing a document with two workflows under one key', () => {
  it('refuses it instead of letting one replace the other', () => {
    // Prepare
    const compiled = compileOrFail(
      documentOf(
        { workflowId: 'a', steps: [getItem('s', 'a')] },
        { workflowId: 'b', steps: [getItem('s', 'b')] },
      ),
    );
    const [first, second] = compiled.workflows as CompiledWorkflow[];
    const clash = { ...compiled, workflows: [first, { ...second, key: 'a' }] } as CompiledDocument;
    // Act
    const prepare = () => prepareDocument(clash);
    // Assess
    expect(prepare).toThrow(ArazzoDocumentError);
    expect(() => prepareDocument(clash)).toThrow(
      expect.objectContaining({ issues: ['/workflows/1/key: duplicate workflow key "a"'] }),
    );
  });
});
