import { createWorkflowFailureClassifier } from '../amberflo/classify.ts';
import type { AmberfloHttp } from '../amberflo/http.ts';
import type { CompiledDocument } from '../arazzo/compiled-document.ts';
import { createWorkflowRunner } from '../arazzo/runner.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
} from '../workflows/provision-account.ts';
import type { RunProvisionWorkflow } from './provision-account.ts';

/** Step executions one run may take, retries included (arazzo.md §15: 21 in the worst case). */
const MAX_STEPS = 25;

/**
 * Binds the compiled provision-account workflow to the Amberflo HTTP layer: requests go to the configured base URL,
 * step failures are classified (and scrubbed of the API key) by the Amberflo classifier. The document is prepared
 * once, here, so keep the result at module scope. Throws WorkflowDocumentError when the document is invalid.
 */
export const createProvisionWorkflowRunner = (
  http: AmberfloHttp,
  document: CompiledDocument = loadProvisionAccountWorkflow(),
): RunProvisionWorkflow => {
  const runner = createWorkflowRunner(document, {
    baseUrl: http.baseUrl,
    send: http.send,
    classify: createWorkflowFailureClassifier(http.knownSecrets),
    secrets: http.knownSecrets,
    maxSteps: MAX_STEPS,
    requestTimeoutMs: http.timeoutMs,
  });
  return (inputs, options) =>
    runner.run(PROVISION_ACCOUNT_WORKFLOW_ID, inputs, {
      signal: options.signal,
      deadline: options.deadline,
    });
};
