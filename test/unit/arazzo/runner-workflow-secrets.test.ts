import { describe, expect, it } from 'vitest';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

const SECRET = 'hunter2-secret';

/** `vault` takes a `format: password` input, sends it in a path and echoes it as an output. */
const vault = {
  workflowId: 'vault',
  inputs: {
    type: 'object',
    properties: { pw: { type: 'string', format: 'password' } },
  },
  steps: [getItem('open', '$inputs.pw', { outputs: { seen: '$response.body#/id' } })],
  outputs: { echo: '$inputs.pw', seen: '$steps.open.outputs.seen' },
};

/** `main` first reads with its own (not secret) input, then calls `vault` with the same value. */
const main = (extra: Record<string, unknown> = {}) => ({
  workflowId: 'main',
  inputs: { type: 'object', properties: { token: { type: 'string' } } },
  steps: [
    getItem('before', '$inputs.token', {
      onFailure: [{ name: 'on', type: 'goto', stepId: 'call' }],
    }),
    {
      stepId: 'call',
      workflowId: 'vault',
      parameters: [{ name: 'pw', value: '$inputs.token' }],
      outputs: { echo: '$outputs.echo' },
      ...extra,
    },
  ],
  outputs: { echo: '$steps.call.outputs.echo', input: '$workflows.vault.inputs.pw' },
});

describe('a called workflow’s password inputs (docs/arazzo.md §17)', () => {
  it('are redacted from the trace, the outputs and $workflows, earlier entries included', async () => {
    // Prepare
    const http = routedSend({ [`/api/items/${SECRET}`]: [{ status: 404, json: { id: SECRET } }] });
    const okHttp = routedSend();
    const failing = runnerOf([vault, main()], http.send);
    const passing = runnerOf([vault, main()], okHttp.send);
    // Act
    const failed = await failing.runner.run('main', { token: SECRET });
    const completed = await passing.runner.run('main', { token: SECRET });
    // Assess
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ stepId: 'open', workflowId: 'vault', statusCode: 404 });
    expect(failed.handledFailures).toHaveLength(1);
    expect(completed.status).toBe('completed');
    expect(completed.outputs).toEqual({ echo: '[REDACTED]', input: '[REDACTED]' });
    expect(completed.trace.map((entry) => entry.path)).toEqual([
      '/api/items/[REDACTED]',
      '/api/items/[REDACTED]',
    ]);
    expect(JSON.stringify([failed, completed])).not.toContain(SECRET);
  });
});
