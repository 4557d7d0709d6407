import { describe, expect, it } from 'vitest';
import { getItem, routedSend, runnerOf } from './workflows-support.ts';

const SECRET = 'hunter2-secret';

const passwordInputs = {
  type: 'object',
  properties: {
    pw: { type: 'string', format: 'password' },
    box: { type: 'object', properties: { pw: { type: 'string', format: 'password' } } },
  },
};

/** Reads `/items/<pw>`, whose body echoes the secret deep inside, and outputs the whole body. */
const vault = {
  workflowId: 'vault',
  inputs: passwordInputs,
  steps: [getItem('open', '$inputs.pw', { outputs: { body: '$response.body' } })],
  outputs: {
    whole: '$steps.open.outputs.body',
    box: '$inputs.box',
    flat: '$inputs.pw',
  },
};

/** The answer at the secret's path: the secret in an object, in an array, inside a longer text. */
const echoing = () =>
  routedSend({
    [`/api/items/${SECRET}`]: [
      {
        status: 200,
        json: {
          path: `/items/${SECRET}`,
          list: [SECRET, { note: `key ${SECRET}!` }],
          n: 1,
          ok: true,
        },
      },
    ],
  });

describe('redaction of object-valued outputs (docs/arazzo.md §7, §12)', () => {
  it('redacts every string inside an object or array output, at any depth', async () => {
    // Prepare
    const { runner } = runnerOf([vault], echoing().send);
    // Act
    const result = await runner.run('vault', { pw: SECRET, box: { pw: SECRET, keep: 'x' } });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({
      whole: {
        path: '/items/[REDACTED]',
        list: ['[REDACTED]', { note: 'key [REDACTED]!' }],
        n: 1,
        ok: true,
      },
      box: { pw: '[REDACTED]', keep: 'x' },
      flat: '[REDACTED]',
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('does not change the caller’s inputs while redacting copies of them', async () => {
    // Prepare
    const { runner } = runnerOf([vault], echoing().send);
    const box = { pw: SECRET, keep: 'x' };
    const inputs = { pw: SECRET, box };
    // Act
    const result = await runner.run('vault', inputs);
    // Assess
    expect(result.outputs['box']).toEqual({ pw: '[REDACTED]', keep: 'x' });
    expect(inputs).toEqual({ pw: SECRET, box: { pw: SECRET, keep: 'x' } });
    expect(inputs.box).toBe(box);
  });

  it('redacts a called workflow’s object outputs before its caller sees them', async () => {
    // Prepare
    const main = {
      workflowId: 'main',
      inputs: { type: 'object', properties: { token: { type: 'string' } } },
      steps: [
        {
          stepId: 'call',
          workflowId: 'vault',
          parameters: [{ name: 'pw', value: '$inputs.token' }],
          outputs: { whole: '$outputs.whole' },
        },
      ],
      outputs: { whole: '$steps.call.outputs.whole', seen: '$workflows.vault.outputs.whole' },
    };
    const { runner } = runnerOf([vault, main], echoing().send);
    // Act
    const result = await runner.run('main', { token: SECRET });
    // Assess
    expect(result.status).toBe('completed');
    expect(result.outputs['whole']).toMatchObject({ path: '/items/[REDACTED]' });
    expect(result.outputs['seen']).toMatchObject({
      list: ['[REDACTED]', { note: 'key [REDACTED]!' }],
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});
