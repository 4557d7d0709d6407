import { describe, expect, it } from 'vitest';
import { ArazzoInputError } from '../../lib/arazzo/index.ts';
import {
  caseFile,
  caseIssues,
  type RecordingServer,
  runCase,
  serversClosedAfterEach,
} from './harness.ts';

let server: RecordingServer | undefined;
const startServer = serversClosedAfterEach();

describe('conformance: bad documents and bad inputs are refused before anything is sent', () => {
  it('lists every problem of a document, each at its JSON Pointer', async () => {
    const issues = await caseIssues(caseFile('refusals', 'many-problems.arazzo.yaml'));
    expect(issues).toHaveLength(3);
    expect(issues.map((issue) => issue.split(':')[0])).toEqual([
      '/workflows/0/steps/0/operationId',
      '/workflows/0/steps/1/parameters/0/value',
      '/workflows/0/steps/1/onSuccess/0/stepId',
    ]);
  });

  it('refuses inputs that break the schema, listing each problem, with no request', async () => {
    server = await startServer([]);
    const run = runCase({
      document: caseFile('refusals', 'inputs.arazzo.yaml'),
      workflowId: 'read',
      inputs: { petId: 'x', extra: 1 },
      runner: { baseUrl: server.url },
    });
    await expect(run).rejects.toBeInstanceOf(ArazzoInputError);
    const error = (await run.catch((caught: unknown) => caught)) as ArazzoInputError;
    expect(error.issues).toHaveLength(2);
    expect(server.requests).toEqual([]);
  });
});
