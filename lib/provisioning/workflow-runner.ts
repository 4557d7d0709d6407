import { createWorkflowFailureClassifier } from '../amberflo/classify.ts';
import type { AmberfloHttp } from '../amberflo/http.ts';
import {
  type CompiledDocument,
  createWorkflowRunner,
  type WorkflowRunner,
} from '../arazzo/index.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
} from '../workflows/provision-account.ts';
import { fromArazzoError } from './arazzo-errors.ts';
import type { RunProvisionWorkflow } from './provision-account.ts';

/** Step executions one run may take, retries included (docs/arazzo.md §15: 21 in the worst case). */
const MAX_STEPS = 25;
/**
 * Gotos after a transient failure that one run may follow (the interpreter's generic bound on read→write loops). The
 * provisioning workflow has none today: a write is never repeated within a delivery (README "No write twice in a
 * run"), so an uncertain write ends the run and redelivery backoff decides when it is tried again. The bound only
 * guards a future document that adds such a goto.
 */
export const MAX_WRITE_RETRY_CYCLES = 2;
/** First wait before a failed write's read is repeated, when Amberflo named no Retry-After; doubles each time. */
const WRITE_RETRY_BACKOFF_MS = 500;

/**
 * Binds the compiled provision-account workflow to the Amberflo HTTP layer: requests go to the configured base URL,
 * step failures are classified (and scrubbed of the API key) by the Amberflo classifier. The document is prepared
 * once, here, so keep the result at module scope. Throws WorkflowDocumentError when the document is invalid.
 */
export const createProvisionWorkflowRunner = (
  http: AmberfloHttp,
  document: CompiledDocument = loadProvisionAccountWorkflow(),
): RunProvisionWorkflow => {
  let runner: WorkflowRunner;
  try {
    runner = createWorkflowRunner(document, {
      baseUrl: http.baseUrl,
      send: http.send,
      classify: createWorkflowFailureClassifier(http.knownSecrets),
      secrets: http.knownSecrets,
      maxSteps: MAX_STEPS,
      maxFailureGotos: MAX_WRITE_RETRY_CYCLES,
      failureGotoBackoffMs: WRITE_RETRY_BACKOFF_MS,
      requestTimeoutMs: http.timeoutMs,
    });
  } catch (error) {
    throw fromArazzoError(error);
  }
  return async (inputs, options) => {
    try {
      return await runner.run(PROVISION_ACCOUNT_WORKFLOW_ID, inputs, {
        signal: options.signal,
        deadline: options.deadline,
      });
    } catch (error) {
      throw fromArazzoError(error);
    }
  };
};
