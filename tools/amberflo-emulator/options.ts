/**
 * Every switch of the Amberflo emulator. Each unknown of docs/amberflo-api.md §13 is one switch here, with the default the
 * documentation considers most likely. The zod schemas double as the validation of the admin API and the CLI.
 */
import * as z from 'zod';
import type { OutageRequest } from './outage.ts';
import type { RateLimitInput } from './rate-limit.ts';

/** The kinds of fault the emulator can inject. */
export const FAULT_KINDS = [
  'error-500',
  'error-503',
  'error-429',
  'error-429-no-retry-after',
  'hang',
  'drop',
  'malformed-json',
  'html-200',
  'empty-200',
  'latency',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Probabilities (0..1, summed per request) of each fault, plus added latency. */
export const FaultRatesSchema = z.object({
  error500: z.number().min(0).max(1).optional().describe('Answer 500'),
  error503: z.number().min(0).max(1).optional().describe('Answer 503'),
  error429: z.number().min(0).max(1).optional().describe('Answer 429 with Retry-After'),
  error429NoRetryAfter: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Answer 429 without Retry-After'),
  hang: z.number().min(0).max(1).optional().describe('Never answer until the client gives up'),
  drop: z.number().min(0).max(1).optional().describe('Destroy the socket without an answer'),
  malformedJson: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Answer 200 with a truncated JSON body'),
  html200: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Answer 200 with an HTML page, as a gateway or proxy might'),
  empty200: z.number().min(0).max(1).optional().describe('Answer 200 with an empty body'),
  afterWrite: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'Share of the faults drawn for a write (not GET) that happen after the write took effect: uncertain writes',
    ),
  latencyMs: z
    .union([z.int().nonnegative(), z.tuple([z.int().nonnegative(), z.int().nonnegative()])])
    .optional()
    .describe('Added delay before answering: fixed, or [min, max] drawn from the seeded PRNG'),
});
export type FaultRates = z.infer<typeof FaultRatesSchema>;

/** "Fail the next N calls of route X": deterministic faults for tests, consumed in order. */
export const ScriptedFaultSchema = z.object({
  route: z
    .string()
    .min(1)
    .describe("Route key such as 'POST /customers', or '*' for any API route"),
  kind: z.enum(FAULT_KINDS),
  times: z.int().positive().default(1),
  /** 'after' runs the handler first (the write happens) and then fails the answer: an uncertain write. */
  phase: z.enum(['before', 'after']).default('before'),
  latencyMs: z.int().nonnegative().optional().describe("Delay for kind 'latency'"),
  retryAfterSeconds: z.int().nonnegative().optional(),
});
export type ScriptedFault = z.infer<typeof ScriptedFaultSchema>;
export type ScriptedFaultInput = z.input<typeof ScriptedFaultSchema>;

/** The whole fault configuration: global rates, per-route rates and scripted faults. */
export const FaultConfigSchema = z.object({
  global: FaultRatesSchema.optional().describe('Rates for every API route'),
  routes: z
    .record(z.string(), FaultRatesSchema)
    .optional()
    .describe("Rates per route key ('POST /customers'); fields override the global ones"),
  scripted: z.array(ScriptedFaultSchema).optional(),
  retryAfterSeconds: z
    .int()
    .nonnegative()
    .optional()
    .describe('Retry-After sent with 429 (default 1)'),
  hangMaxMs: z
    .int()
    .positive()
    .optional()
    .describe('A hung request is closed after this long even if the client waits (default 120000)'),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type FaultConfigInput = z.input<typeof FaultConfigSchema>;

/** A catalogue plan, as the account plan list returns it (docs/amberflo-api.md §3). */
export const PlanSchema = z.looseObject({
  id: z.string().min(1),
  productPlanName: z.string().optional(),
  lockingStatus: z
    .enum(['OPEN', 'CLOSE_TO_DELETIONS', 'CLOSE_TO_CHANGES', 'DEPRECATED'])
    .optional(),
});
export type Plan = z.infer<typeof PlanSchema>;

/** The Default Plan every new customer gets unless `defaultPlanId` says otherwise. */
export const EMULATOR_DEFAULT_PLAN_ID = 'plan-default';

/** The behaviour switches: one per unknown in docs/amberflo-api.md §13, defaults as documented. */
export const EmulatorSwitchesSchema = z.object({
  authFailureStatus: z
    .union([z.literal(401), z.literal(403)])
    .default(401)
    .describe('Status for a missing or wrong X-API-KEY (unknown: 401 or 403)'),
  echoApiKeyInErrors: z
    .boolean()
    .default(false)
    .describe('Worst case for redaction: error bodies quote the key the request carried'),
  duplicateCustomerStatus: z
    .int()
    .min(400)
    .max(599)
    .default(400)
    .describe('Status for POST /customers with an existing id (errorMessage "... already exists")'),
  customerPathNotFound: z
    .enum(['empty-object', '404'])
    .default('empty-object')
    .describe('GET /customers/{id} for an unknown id: 200 {} or 404'),
  currentPlanWhenNone: z
    .enum(['empty-body', 'empty-object', '404'])
    .default('empty-body')
    .describe('GET customer-pricing for a customer without a plan'),
  historyForUnknownCustomer: z
    .enum(['empty-array', '404'])
    .default('empty-array')
    .describe('GET customer-pricing/list for an unknown customer'),
  defaultPlanId: z
    .string()
    .min(1)
    .nullable()
    .default(EMULATOR_DEFAULT_PLAN_ID)
    .describe(
      'Plan given to every new customer (the account Default Plan, documented); null: none (the old behaviour)',
    ),
  assignOverActivePlan: z
    .enum(['replace', 'append', 'reject'])
    .default('replace')
    .describe(
      'Plain assignment while a plan is active: end it and start the new one (one plan at a time, documented), append an overlapping row (old behaviour), or 400',
    ),
  reassignSamePlan: z
    .enum(['append', 'no-op'])
    .default('append')
    .describe('Assigning the current plan again: new history row, or return the current one'),
  planCatalogue: z
    .array(PlanSchema)
    .nullable()
    .default(null)
    .describe('Known plans; null accepts any productPlanId'),
  unknownPlanStatus: z
    .union([z.literal(400), z.literal(404)])
    .default(400)
    .describe('Status when productPlanId is not in the catalogue'),
  putUnknownCustomer: z
    .enum(['400', '404', 'create'])
    .default('400')
    .describe('PUT /customers for an unknown id'),
  stageUnknownCustomerStatus: z.union([z.literal(400), z.literal(404)]).default(400),
  deleteUnknownCustomerStatus: z.union([z.literal(400), z.literal(404)]).default(404),
  blockedEmailDomains: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'POST /customers refuses these customerEmail domains with 400 "customerEmail domain is blocked" (an Amberflo-side refusal)',
    ),
  honourLifecycleStageOnCreate: z
    .boolean()
    .default(true)
    .describe('Whether POST /customers keeps lifecycleStage (else ONBOARDING)'),
  acceptLowerCaseStage: z.boolean().default(false).describe('Accept "active" as well as "ACTIVE"'),
  commitmentPath: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('arrears_commitment_with_trueup')
    .describe('Arrears commitment generator segment under customer-commitment/'),
  trueupKey: z
    .enum(['trueup', 'trueUp', 'either'])
    .default('trueup')
    .describe('Casing of the true-up object key the commitment endpoint requires'),
  trueupIntervals: z
    .array(z.string().min(1))
    .nullable()
    .default(null)
    .describe('Allowed trueup.interval values; null accepts any string or none'),
  commitmentAssignsPlan: z
    .boolean()
    .default(false)
    .describe('Creating a commitment also appends a pricing relation for planId'),
  secondCommitment: z
    .enum(['reject', 'replace'])
    .default('reject')
    .describe('A customer that already has an active commitment: 400, or replace it'),
  commitmentListQueryKeys: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Query keys the commitment list filters by; [] (documented: "list all") ignores any filter, the old behaviour was CustomerId and customerId',
    ),
  staleReadMs: z
    .int()
    .nonnegative()
    .default(0)
    .describe(
      'Reads lag writes: a GET answers from the state before every write of the last N ms (0: reads are current)',
    ),
  pricingQueryKeys: z
    .array(z.string().min(1))
    .default(['CustomerId', 'customerId'])
    .describe('Query keys customer-pricing and its list accept'),
});
export type EmulatorSwitches = z.infer<typeof EmulatorSwitchesSchema>;
export type EmulatorSwitchesInput = z.input<typeof EmulatorSwitchesSchema>;

/** Options of `startAmberfloEmulator`: network, key, determinism, switches and faults. */
export type AmberfloEmulatorOptions = EmulatorSwitchesInput & {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** The one accepted X-API-KEY. Default `emulator-api-key`. */
  readonly apiKey?: string;
  /** Seeds the fault PRNG; the same seed and calls give the same faults. Default 1. */
  readonly seed?: number;
  readonly faults?: FaultConfigInput;
  /** Clock (epoch ms) for every stored time. Default Date.now. */
  readonly now?: () => number;
  /** Request log entries kept (oldest dropped first). Default 1000. */
  readonly requestLogLimit?: number;
  /** Rate-limit mode: over it, 429 with Retry-After. Default none. */
  readonly rateLimit?: RateLimitInput | null;
  /** Outage mode, relative to the start: every API call 503 during the windows. Default none. */
  readonly outage?: OutageRequest;
};

/** Parses switches, applying the documented defaults; throws a ZodError on invalid values. */
export const parseSwitches = (input: EmulatorSwitchesInput): EmulatorSwitches =>
  EmulatorSwitchesSchema.parse(input);
