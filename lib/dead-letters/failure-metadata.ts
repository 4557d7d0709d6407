import * as z from 'zod';
import { ERROR_CODES } from '../errors.ts';

/** The message attribute the handler adds to every dead letter. A contract with the DLQ tools: never rename. */
export const FAILURE_ATTRIBUTE = 'provisioning-failure';
/**
 * Added by `dlq replay` to every message it sends back: how many times the tool has replayed this letter. The
 * function carries an incoming count into its own dead letter (a forged one can only make the guard stricter).
 */
export const REPLAY_COUNT_ATTRIBUTE = 'replay-count';
/**
 * The most bytes our attribute adds to a dead letter (name, type and JSON); the message text is shortened to fit.
 * The DLQ's MaximumMessageSize exceeds the source queue's by more than this (serverless.yml), so a copy always fits.
 */
export const FAILURE_METADATA_MAX_BYTES = 4_096;

/**
 * JSON held by the `provisioning-failure` String attribute (issue 4, "DLQ message format").
 * `step` and `httpStatus` are null when the failure had no step or no HTTP answer.
 */
export const FailureMetadataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  step: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  receiveCount: z.number().int().nonnegative(),
  failedAt: z.iso.datetime(),
  sourceMessageId: z.string(),
  sourceQueueArn: z.string(),
  workflowId: z.string(),
});
export type FailureMetadata = z.infer<typeof FailureMetadataSchema>;

/** Parses the attribute's JSON; returns undefined when it is absent or unreadable (shown as `UNKNOWN`). */
export const parseFailureMetadata = (value: string | undefined): FailureMetadata | undefined => {
  if (value === undefined) return undefined;
  try {
    const parsed = FailureMetadataSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
