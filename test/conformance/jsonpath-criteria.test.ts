import { describe, expect, it } from 'vitest';
import {
  caseFile,
  caseIssues,
  type RecordingServer,
  type Reply,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

const document = caseFile('jsonpath-criteria', 'jsonpath-criteria.arazzo.yaml');
let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const STORES = [
  { name: 'north', pets: [{ name: 'Rex' }, { name: 'Tom' }] },
  { name: 'south', pets: [] },
];

const runWith = async (stores: Reply, pets: Reply, status = 'available') => {
  server = await startServer([
    { method: 'GET', path: '/stores', reply: stores },
    { method: 'GET', path: '/pets', reply: pets },
  ]);
  const result = await runCase({
    document,
    workflowId: 'findPet',
    inputs: { status },
    runner: { baseUrl: server.url },
  });
  return {
    result,
    requests: server.requests.map(({ method, url, headers }) => ({ method, url, headers })),
  };
};

describe('conformance: jsonpath criteria (RFC 9535; a non-empty node list passes)', () => {
  it('passes the spec example, an embedded quoted value and a context that is a step output', async () => {
    const { result, requests } = await runWith(
      { json: STORES },
      {
        json: {
          pets: [
            { name: 'Rex', status: 'sold' },
            { name: 'Tom', status: 'it"s' },
          ],
        },
      },
      'it"s',
    );
    expect(result.status).toBe('ended');
    expect(result.endAction).toEqual({ stepId: 'pets', name: 'fromNorth' });
    expect(result.outputs).toEqual({ first: 'Rex' });
    expect(requests).toEqual([
      { method: 'GET', url: '/stores', headers: {} },
      { method: 'GET', url: '/pets?status=it%22s', headers: {} },
    ]);
  });

  it('completes without the end action when its jsonpath criterion selects nothing', async () => {
    const { result } = await runWith(
      {
        json: [
          { name: 'south', pets: [] },
          { name: 'north', pets: [{ name: 'Rex' }] },
        ],
      },
      { json: { pets: [{ name: 'Rex', status: 'available' }] } },
    );
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ first: 'Rex' });
  });

  it('fails when no pet has the status, and a value cannot widen the filter', async () => {
    const { result, requests } = await runWith(
      { json: STORES },
      { json: { pets: [{ name: 'Rex', status: 'sold' }] } },
      'x" || @.status != "',
    );
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'pets', reason: 'criteria', statusCode: 200 });
    expect(requests).toHaveLength(2);
  });

  it.each([
    [
      'the root object itself has pets (RFC 9535: the filter tests its children)',
      { json: { pets: [{ name: 'Rex' }] } },
    ],
    ['the body is null', { json: null }],
    ['the body is empty', { text: '' }],
  ])('fails the spec example when %s, and sends nothing after it', async (_what, stores) => {
    const { result, requests } = await runWith(stores, { json: { pets: [] } });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'stores', reason: 'criteria' });
    expect(requests).toEqual([{ method: 'GET', url: '/stores', headers: {} }]);
  });
});

describe('conformance: values embedded in a jsonpath query', () => {
  const byName = async (name: string, pets: readonly string[]) => {
    server = await startServer([
      {
        method: 'GET',
        path: '/pets',
        reply: { json: { pets: pets.map((pet) => ({ name: pet })) } },
      },
    ]);
    const result = await runCase({
      document: caseFile('jsonpath-criteria', 'jsonpath-pattern.arazzo.yaml'),
      workflowId: 'findByName',
      inputs: { name },
      runner: { baseUrl: server.url },
    });
    return result.status;
  };

  it.each([
    ['.*', ['Rex', 'Tom 2'], 'failed'],
    ['.*', ['.* 7'], 'completed'],
    ['R.x', ['Rex'], 'failed'],
    ['R.x', ['R.x 12'], 'completed'],
  ])(
    'reads %j in a match() pattern as that text only (pets %j: %s)',
    async (name, pets, status) => {
      expect(await byName(name, pets)).toBe(status);
    },
  );

  it('refuses a value outside quotes where RFC 9535 allows no literal, at its pointer', async () => {
    const issues = await caseIssues(
      caseFile('jsonpath-criteria', 'jsonpath-misplaced.arazzo.yaml'),
    );
    expect(issues).toEqual([
      expect.stringMatching(
        /^\/workflows\/0\/steps\/0\/successCriteria\/0\/condition: \{\$inputs\.field\} outside quotes must be a comparison operand or a function argument/,
      ),
    ]);
  });
});
