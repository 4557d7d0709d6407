import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AmberfloHttp } from '../amberflo/http.ts';
import {
  loadProvisionAccountWorkflow,
  PROVISION_ACCOUNT_WORKFLOW_ID,
} from '../workflows/provision-account.ts';
import { createClaimedSend } from './claimed-send.ts';
import type { RunProvisionWorkflow } from './provision-account.ts';
import { createWriteClaimStore } from './write-claims.ts';

export type WriteClaimSettings = {
  readonly dynamodb: DynamoDBClient;
  /** The idempotency table (claims live beside the Powertools records). */
  readonly tableName: string;
  /** WRITE_SETTLE_SECONDS. */
  readonly settleSeconds: number;
  readonly now?: () => Date;
};

/**
 * The Amberflo HTTP layer as the provisioning workflow uses it: the same layer, with a `send` that claims every write
 * of the provision-account document first (claimed-send.ts). Other users of the layer (tools, tests) are unaffected.
 */
export const withWriteClaims = (
  http: AmberfloHttp,
  settings: WriteClaimSettings,
): AmberfloHttp => ({
  ...http,
  send: createClaimedSend({
    send: http.send,
    store: createWriteClaimStore(settings),
    scope: PROVISION_ACCOUNT_WORKFLOW_ID,
    baseUrl: http.baseUrl,
    operations: loadProvisionAccountWorkflow().operations,
    secrets: http.knownSecrets,
  }),
});

/**
 * Gives every run its own signal (following the caller's), so that the claiming `Send` can tell runs apart: a run may
 * repeat its own write (the in-place retry of a create), another run may not.
 */
export const withRunOwnSignal =
  (run: RunProvisionWorkflow): RunProvisionWorkflow =>
  (inputs, options) =>
    run(inputs, { ...options, signal: AbortSignal.any([options.signal]) });
