import { describe, expect, it } from 'vitest';
import { ArazzoInputError } from '../../../lib/arazzo/errors.ts';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

const workflow = (workflowId: string, steps: unknown[], extra: Record<string, unknown> = {}) => ({
  workflowId,
  steps,
  ...extra,
});

describe('dependsOn', () => {
  const login = workflow(
    'login',
    [getItem('token', 'token', { outputs: { t: '$response.body#/id' } })],
    {
      outputs: { token: '$steps.token.outputs.t' },
    },
  );

  it('runs each dependency once, in order, before the first step, and exposes its outputs', async () => {
    // Prepare
    const setup = workflow('setup', [getItem('s', 'setup')], { dependsOn: ['login'] });
    const main = workflow('main', [getItem('m', '{$workflows.login.outputs.token}-main')], {
      dependsOn: ['setup', 'login'],
      outputs: { token: '$workflows.login.outputs.token' },
    });
    const http = routedSend();
    const { runner } = runnerOf([login, setup, main], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/token', '/api/items/setup', '/api/items/token-main']);
    expect(result.outputs).toEqual({ token: 'token' });
    expect(result.steps.map((step) => [step.workflowId, step.stepId])).toEqual([
      ['login', 'token'],
      ['setup', 's'],
      [undefined, 'm'],
    ]);
  });

  it('fails the run with a failed dependency’s failure and sends nothing after it', async () => {
    // Prepare
    const main = workflow('main', [getItem('m', 'main')], { dependsOn: ['login'] });
    const http = routedSend({ '/api/items/token': [{ status: 401 }] });
    const { runner } = runnerOf([login, main], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'token', workflowId: 'login', statusCode: 401 });
    expect(http.paths()).toEqual(['/api/items/token']);
  });

  it('runs dependencies with the run’s inputs, checked against their schemas before anything is sent', async () => {
    // Prepare
    const needsUser = workflow('needsUser', [getItem('u', '$inputs.user')], {
      inputs: { type: 'object', required: ['user'], properties: { user: { type: 'string' } } },
    });
    const main = workflow('main', [getItem('m', 'main')], { dependsOn: ['needsUser'] });
    const http = routedSend();
    const { runner } = runnerOf([needsUser, main], http.send);
    // Act
    const refused = runner.run('main', {}).catch((error: unknown) => error);
    const result = await runner.run('main', { user: 'bob' });
    // Assess
    expect(await refused).toBeInstanceOf(ArazzoInputError);
    expect(((await refused) as ArazzoInputError).issues).toEqual([
      'dependsOn needsUser: inputs/user: is required',
    ]);
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual(['/api/items/bob', '/api/items/main']);
  });
});

describe('goto to a workflow', () => {
  it('transfers control for good: the target runs with the current inputs and decides the status', async () => {
    // Prepare
    const target = workflow('target', [
      getItem('t', '$inputs.id', { onSuccess: [{ name: 'stop', type: 'end' }] }),
    ]);
    const outputs = { x: '$response.body#/id' };
    const main = workflow(
      'main',
      [
        getItem('first', 'first', {
          outputs,
          onSuccess: [{ name: 'away', type: 'goto', workflowId: 'target' }],
        }),
        getItem('never', 'never', { outputs }),
      ],
      { outputs: { first: '$steps.first.outputs.x', never: '$steps.never.outputs.x' } },
    );
    const http = routedSend();
    const { runner } = runnerOf([target, main], http.send);
    // Act
    const result = await runner.run('main', { id: 'given' });
    // Assess
    expect(http.paths()).toEqual(['/api/items/first', '/api/items/given']);
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 't', name: 'stop', workflowId: 'target' });
    expect(result.outputs).toEqual({ first: 'first' });
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['first', 'goto:target'],
      ['t', 'end'],
    ]);
  });

  it('fails the run when the target fails after a failure goto', async () => {
    // Prepare
    const target = workflow('target', [getItem('t', 'recover')]);
    const main = workflow('main', [
      getItem('first', 'first', {
        onFailure: [{ name: 'away', type: 'goto', workflowId: 'target' }],
      }),
    ]);
    const http = routedSend({
      '/api/items/first': [{ status: 404 }],
      '/api/items/recover': [{ status: 409 }],
    });
    const { runner } = runnerOf([target, main], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 't', workflowId: 'target', statusCode: 409 });
    expect(result.handledFailures).toMatchObject([{ stepId: 'first', statusCode: 404 }]);
  });
});

describe('retry with a target', () => {
  it('runs the target step (not its transfers) before retrying the failed step', async () => {
    // Prepare
    // `refresh` would end the run if the flow reached it: run as a retry's target, its end is not followed.
    const document = workflow('main', [
      getItem('start', 'start', { onSuccess: [{ name: 'skip', type: 'goto', stepId: 'use' }] }),
      getItem('refresh', 'refresh', { onSuccess: [{ name: 'stop', type: 'end' }] }),
      getItem('use', 'use', {
        onFailure: [{ name: 'again', type: 'retry', stepId: 'refresh', retryLimit: 2 }],
      }),
    ]);
    const http = routedSend({ '/api/items/use': [{ status: 401 }, { status: 200, json: {} }] });
    const { runner } = runnerOf([document], http.send);
    // Act
    const result = await runner.run('main', {});
    // Assess
    expect(result.status).toBe('completed');
    expect(http.paths()).toEqual([
      '/api/items/start',
      '/api/items/use',
      '/api/items/refresh',
      '/api/items/use',
    ]);
    expect(result.steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ['start', 'goto:use'],
      ['use', 'success'],
      ['refresh', 'success'],
    ]);
  });

  it('runs the target workflow before retrying, and fails the run when it fails', async () => {
    // Prepare
    const refresh = workflow('refresh', [getItem('r', 'refresh')]);
    const main = workflow('main', [
      getItem('use', 'use', {
        onFailure: [{ name: 'again', type: 'retry', workflowId: 'refresh', retryAfter: 1 }],
      }),
    ]);
    const okHttp = routedSend({ '/api/items/use': [{ status: 401 }, { status: 200, json: {} }] });
    const failingHttp = routedSend({
      '/api/items/use': [{ status: 401 }],
      '/api/items/refresh': [{ status: 500 }],
    });
    const ok = runnerOf([refresh, main], okHttp.send);
    const failing = runnerOf([refresh, main], failingHttp.send);
    // Act
    const completed = await ok.runner.run('main', {});
    const failed = await failing.runner.run('main', {});
    // Assess
    expect(completed.status).toBe('completed');
    expect(okHttp.paths()).toEqual(['/api/items/use', '/api/items/refresh', '/api/items/use']);
    expect(ok.waits).toEqual([1000]);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ stepId: 'r', workflowId: 'refresh', statusCode: 500 });
    expect(failingHttp.paths()).toEqual(['/api/items/use', '/api/items/refresh']);
  });
});
