/**
 * Write claims: one DynamoDB item per (customer, write operation) that says "this write was sent at T". Reads may
 * lag writes for longer than the gap between two deliveries (redelivery backoff, duplicate SQS copies, producer
 * resends, DLQ replays), so a read that shows nothing does not prove that an earlier write did not happen. A claim
 * younger than the settle time (WRITE_SETTLE_SECONDS) therefore forbids sending the same write again, except by the
 * run that holds it (its in-place retry of a create); only a definite refusal (a 4xx) removes it. The items live in the idempotency table (key `id`, TTL `expiration`) under
 * their own key prefix, so Powertools never reads them.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError } from '../errors.ts';

/** Key prefix of every claim item; never a Powertools record key (those are `<prefix>#<hash>`). */
export const WRITE_CLAIM_KEY_INFIX = '#write#';

/** How long after its settle time a claim item stays in the table for operators (DynamoDB TTL). */
const KEEP_AFTER_SETTLE_SECONDS = 24 * 3600;

/** One write, as the claim store knows it. */
export type WriteClaimKey = {
  /** The workflow id (`provision-account`): the same prefix as the idempotency records. */
  readonly scope: string;
  readonly customerId: string;
  /** The operation the write calls (`createCustomer`, `assignPricingPlan`, …). */
  readonly operation: string;
};

/** The answer to a claim: granted (with the expired claim it replaced, if any) or refused by an unsettled one. */
export type WriteClaim =
  /** `replacedWrittenAt`: the time of the claim this one replaced (expired, or this holder's earlier attempt). */
  | { readonly granted: true; readonly replacedWrittenAt?: Date | undefined }
  | { readonly granted: false; readonly writtenAt?: Date | undefined };

export type WriteClaimStore = {
  /**
   * Claims the write now for `holder` (one token per run). Granted when there is no claim, when it is older than the
   * settle time, or when `holder` holds it. Throws DependencyUnavailableError when DynamoDB cannot answer.
   */
  readonly claim: (key: WriteClaimKey, fingerprint: string, holder: string) => Promise<WriteClaim>;
  /** Removes the claim after a definite refusal. Best effort: a failure only delays the next attempt. */
  readonly release: (key: WriteClaimKey) => Promise<void>;
  /** The settle time, seconds. */
  readonly settleSeconds: number;
};

export type WriteClaimStoreOptions = {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** WRITE_SETTLE_SECONDS: how long reads may lag a write. */
  readonly settleSeconds: number;
  readonly now?: () => Date;
};

/** The item key of a claim. */
export const writeClaimId = ({ scope, customerId, operation }: WriteClaimKey): string =>
  `${scope}${WRITE_CLAIM_KEY_INFIX}${customerId}#${operation}`;

const toDate = (epochMs: string | undefined): Date | undefined => {
  const value = epochMs === undefined ? Number.NaN : Number(epochMs);
  return Number.isFinite(value) ? new Date(value) : undefined;
};

/** Builds the DynamoDB claim store (PutItem with a condition, GetItem for the refusing claim's time, DeleteItem). */
export const createWriteClaimStore = ({
  dynamodb,
  tableName,
  settleSeconds,
  now = () => new Date(),
}: WriteClaimStoreOptions): WriteClaimStore => {
  const settleMs = settleSeconds * 1000;

  const writtenAtOf = async (id: string): Promise<Date | undefined> => {
    try {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
      );
      return toDate(Item?.['writtenAt']?.N);
    } catch {
      // Only the refusal's message needs the time; the refusal itself stands without it.
      return undefined;
    }
  };

  return {
    settleSeconds,
    claim: async (key, fingerprint, holder) => {
      const id = writeClaimId(key);
      const at = now().getTime();
      try {
        const { Attributes } = await dynamodb.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id: { S: id },
              writtenAt: { N: String(at) },
              operation: { S: key.operation },
              fingerprint: { S: fingerprint },
              holder: { S: holder },
              expiration: {
                N: String(Math.ceil(at / 1000) + settleSeconds + KEEP_AFTER_SETTLE_SECONDS),
              },
            },
            ConditionExpression:
              'attribute_not_exists(id) OR writtenAt < :settled OR holder = :holder',
            ExpressionAttributeValues: {
              ':settled': { N: String(at - settleMs) },
              ':holder': { S: holder },
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return { granted: true, replacedWrittenAt: toDate(Attributes?.['writtenAt']?.N) };
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error instanceof Error && error.name === 'ConditionalCheckFailedException')
        ) {
          return { granted: false, writtenAt: await writtenAtOf(id) };
        }
        throw new DependencyUnavailableError(
          `Write claim for ${key.operation} could not be stored; nothing was sent to Amberflo`,
          {},
          { cause: error },
        );
      }
    },
    release: async (key) => {
      try {
        await dynamodb.send(
          new DeleteItemCommand({ TableName: tableName, Key: { id: { S: writeClaimId(key) } } }),
        );
      } catch {
        // Best effort: a claim left behind only makes the next attempt wait for the settle time.
      }
    },
  };
};
