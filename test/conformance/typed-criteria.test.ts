import { describe, expect, it } from 'vitest';
import {
  caseFile,
  caseIssues,
  type RecordingServer,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

const run = async (pets: unknown) => {
  server = await startServer([{ method: 'GET', path: '/pets', reply: { json: pets } }]);
  const result = await runCase({
    document: caseFile('typed-criteria', 'typed-criteria.arazzo.yaml'),
    workflowId: 'anyPets',
    runner: { baseUrl: server.url },
  });
  return {
    result,
    requests: server.requests.map(({ method, url, headers }) => ({ method, url, headers })),
  };
};

describe('conformance: the typed criterion form (Criterion Expression Type Object)', () => {
  it('evaluates jsonpath draft-goessner-dispatch-jsonpath-00 (with RFC 9535)', async () => {
    const { result, requests } = await run({ count: 1, pets: [{ name: 'Rex' }] });
    expect(result.status).toBe('completed');
    expect(result.outputs).toEqual({ count: 1 });
    expect(requests).toEqual([{ method: 'GET', url: '/pets', headers: {} }]);
  });

  it('fails the step when the query selects nothing', async () => {
    const { result } = await run({ count: 0, pets: [] });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ stepId: 'pets', reason: 'criteria', statusCode: 200 });
  });

  it('refuses XPath, typed or plain, naming each criterion, before anything is sent', async () => {
    const issues = await caseIssues(caseFile('typed-criteria', 'xpath.arazzo.yaml'));
    expect(issues).toEqual([
      '/workflows/0/steps/0/successCriteria/0/type: XPath (xpath-30) criteria are not supported: write the check as a simple, regex or jsonpath criterion',
      '/workflows/0/steps/1/successCriteria/0/type: XPath criteria are not supported: write the check as a simple, regex or jsonpath criterion',
    ]);
  });
});
