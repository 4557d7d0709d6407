import { describe, expect, it } from 'vitest';
import { getItem, routedSend, runnerOf, workflowIssues } from './workflows-support.ts';

/** `login` declares the dotted output `token.value` and the plain object output `user`. */
const login = {
  workflowId: 'login',
  inputs: { type: 'object', properties: { 'tenant.id': { type: 'string' } } },
  steps: [
    getItem('read', 'login', { outputs: { id: '$response.body#/id', user: '$response.body' } }),
  ],
  outputs: { 'token.value': '$steps.read.outputs.id', user: '$steps.read.outputs.user' },
};

/** A workflow that depends on `login` and judges its one step by `condition`. */
const reader = (condition: string) => ({
  workflowId: 'main',
  dependsOn: ['login'],
  steps: [getItem('use', 'use', { successCriteria: [{ condition }] })],
});

describe('$workflows.<id>.inputs|outputs.<name> in conditions (docs/arazzo.md §8, §17)', () => {
  it('reads a dotted name another workflow declares, as outside conditions', async () => {
    // Prepare
    const http = routedSend();
    const { runner } = runnerOf(
      [login, reader("$workflows.login.outputs.token.value == 'login'")],
      http.send,
    );
    const { runner: input } = runnerOf(
      [login, reader("$workflows.login.inputs.tenant.id == 't-1'")],
      routedSend().send,
    );
    // Act
    const result = await runner.run('main', {});
    const fromInput = await input.run('main', { 'tenant.id': 't-1' });
    // Assess
    expect(result.status).toBe('completed');
    expect(fromInput.status).toBe('completed');
  });

  it('navigates past a declared name, and reports a name the workflow does not declare', () => {
    // Prepare
    const navigated = reader("$workflows.login.outputs.user.id != ''");
    const unknown = reader("$workflows.login.outputs.token.other == 'x'");
    // Act
    const navigationIssues = workflowIssues(login, navigated);
    const unknownIssues = workflowIssues(login, unknown);
    // Assess
    expect(navigationIssues).toEqual([]);
    expect(unknownIssues).toEqual([
      '/workflows/1/steps/0/successCriteria/0/condition: $workflows.login.outputs.token.other: workflow "login" declares no output "token"',
    ]);
  });
});
