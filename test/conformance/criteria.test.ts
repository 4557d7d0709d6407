import { describe, expect, it } from 'vitest';
import {
  caseFile,
  type RecordingServer,
  type Reply,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const PETS = [
  { name: 'Rex', age: 2 },
  { name: 'Tom', age: 4 },
];

const start = async (health: Reply, pets: Reply = { json: PETS }) => {
  server = await startServer([
    { method: 'GET', path: '/health', reply: health },
    { method: 'GET', path: '/pets', reply: pets },
  ]);
  return runCase({
    document: caseFile('criteria', 'criteria.arazzo.yaml'),
    workflowId: 'check',
    runner: { baseUrl: server.url },
  });
};

const healthy: Reply = {
  headers: { 'x-version': 'v2.1' },
  json: { region: 'eu', motto: "it's up" },
};

describe('conformance: simple, regex and JSONPath criteria; $url, $method, headers', () => {
  it('passes when every criterion holds and exposes header and $url outputs', async () => {
    const result = await start(healthy);
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ version: 'v2.1', second: 'Tom' });
    expect(result.steps[0]?.outcome).toBe('success');
    expect(server?.requests.map((request) => request.url)).toEqual(['/health', '/pets?limit=2']);
  });

  it.each([
    ['a header that breaks the regex', { ...healthy, headers: { 'x-version': '2.1' } }],
    ['a negated condition', { ...healthy, json: { ...(healthy.json as object), degraded: true } }],
    [
      'a string with an escaped quote that differs',
      { ...healthy, json: { region: 'eu', motto: 'its up' } },
    ],
    [
      'an alternative that matches neither side',
      { ...healthy, json: { ...(healthy.json as object), region: 'ap' } },
    ],
  ])('fails the step on %s, sending nothing after it', async (_, health) => {
    const result = await start(health);
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'health', reason: 'criteria' });
    expect(server?.requests).toHaveLength(1);
  });

  it('fails when the JSONPath query selects nothing', async () => {
    const result = await start(healthy, { json: [{ name: 'Tom', age: 4 }, PETS[1]] });
    expect(result.failure).toMatchObject({ stepId: 'pets', reason: 'criteria' });
  });
});
