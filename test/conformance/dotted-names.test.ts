import { describe, expect, it } from 'vitest';
import { caseFile, type RecordingServer, runCase, serversClosedAfterEach } from './harness.ts';

const document = caseFile('dotted-names', 'dotted-names.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async (owner: string) => {
  server = await startServer([
    { method: 'GET', path: '/pets', reply: { json: [{ id: 'p-1' }, { id: 'p-2' }] } },
    { method: 'GET', path: '/pets/p-1', reply: { json: { id: 'p-1', name: 'Rex', owner: 'ann' } } },
  ]);
  const result = await runCase({
    document,
    workflowId: 'ownersPet',
    inputs: { 'owner.name': owner },
    runner: { baseUrl: server.url },
  });
  return {
    result,
    requests: server.requests.map(({ method, url, headers }) => ({ method, url, headers })),
  };
};

describe('conformance: output, input and component names with "."', () => {
  it('resolves $inputs.owner.name, $steps.find.outputs.pet.id and a dotted component key', async () => {
    const { result, requests } = await run('ann');
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ 'pet.id': 'p-1', 'pet.name': 'Rex' });
    expect(requests).toEqual([
      { method: 'GET', url: '/pets?owner=ann&verbose=true', headers: {} },
      { method: 'GET', url: '/pets/p-1', headers: {} },
    ]);
  });

  it('compares against the dotted input in a condition (a different owner fails the step)', async () => {
    const { result } = await run('bob');
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'read', reason: 'criteria', statusCode: 200 });
    expect(result.outputs).toEqual({ 'pet.id': 'p-1' });
  });
});
