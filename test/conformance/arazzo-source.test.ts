import { describe, expect, it } from 'vitest';
import { createWorkflowRunner } from '../../lib/arazzo/index.ts';
import {
  caseFile,
  caseIssues,
  compileCase,
  conformanceClassify,
  plainSend,
  type RecordingServer,
  serversClosedAfterEach,
} from './harness.ts';

const document = caseFile('arazzo-source', 'order.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const routes = [
  { method: 'POST', path: '/tokens', reply: { status: 201, json: { token: 'tk1' } } },
  { method: 'GET', path: '/profiles/ann', reply: { json: { plan: 'gold' } } },
  { method: 'POST', path: '/orders', reply: { status: 201, json: { id: 'o1' } } },
];

describe('conformance: an arazzo-type source (workflows of another document)', () => {
  it('embeds the source’s workflows under $sourceDescriptions.<name>.<workflowId> and its sources as <name>/<inner>', async () => {
    const compiled = await compileCase(document);
    expect(compiled.sources.map((source) => [source.name, source.type])).toEqual([
      ['flows', 'arazzo'],
      ['shop', 'openapi'],
      ['flows/accounts', 'openapi'],
    ]);
    expect(compiled.workflows.map((workflow) => [workflow.key, workflow.dependsOn])).toEqual([
      ['order', ['$sourceDescriptions.flows.login']],
      ['$sourceDescriptions.flows.login', []],
      ['$sourceDescriptions.flows.readProfile', ['$sourceDescriptions.flows.login']],
    ]);
    expect(Object.keys(compiled.operations)).toEqual([
      'flows/accounts.createToken',
      'flows/accounts.getProfile',
      'shop.createOrder',
    ]);
  });

  it('runs the source’s workflows as dependencies and steps, each request at its source’s server', async () => {
    server = await startServer(routes);
    const runner = createWorkflowRunner(await compileCase(document), {
      servers: { 'flows/accounts': server.url, shop: server.url },
      send: plainSend,
      classify: conformanceClassify,
    });
    const result = await runner.run('order', { user: 'ann' });
    expect(runner.workflowIds).toEqual(['order']);
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ plan: 'gold', order: 'o1' });
    expect(server.requests.map(({ rawHeaders: _raw, ...request }) => request)).toEqual([
      {
        method: 'POST',
        url: '/tokens',
        headers: { 'content-type': 'application/json' },
        body: '{"user":"ann"}',
      },
      { method: 'GET', url: '/profiles/ann', headers: { 'x-token': 'tk1' } },
      {
        method: 'POST',
        url: '/orders',
        headers: { 'content-type': 'application/json' },
        body: '{"plan":"gold"}',
      },
    ]);
    expect(result.steps.map((step) => [step.workflowId, step.stepId])).toEqual([
      ['$sourceDescriptions.flows.login', 'token'],
      [undefined, 'profile'],
      ['$sourceDescriptions.flows.readProfile', 'read'],
      [undefined, 'buy'],
    ]);
  });

  it('refuses a cycle of arazzo sources, naming it, before anything runs', async () => {
    const issues = await caseIssues(caseFile('arazzo-source', 'cycle-a.arazzo.yaml'));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\/sourceDescriptions\/0\/url: in .*cycle-b\.arazzo\.yaml: \/sourceDescriptions\/0\/url: arazzo source "a" includes .*cycle-a\.arazzo\.yaml, which is already being compiled \(a cycle\)$/,
        ),
        '/workflows/0/steps/0/workflowId: unknown workflow "$sourceDescriptions.b.wb"',
      ]),
    );
  });
});
