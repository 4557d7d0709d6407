/**
 * A thin typed client for the Amberflo endpoints provisioning uses (docs/amberflo-api.md §2 to §4), built on the shared
 * HTTP layer. Responses are validated with zod: tolerant of extra fields, strict on the fields we read. Any non-2xx
 * throws the classified AppError; a 2xx whose body we cannot use throws AmberfloRejectedError.
 */
import * as z from 'zod';
import { classifyResponse } from '../../lib/amberflo/classify.ts';
import type {
  AmberfloCallOptions,
  AmberfloHttp,
  AmberfloRequest,
} from '../../lib/amberflo/http.ts';
import { AmberfloRejectedError, ConfigError, InvalidMessageError } from '../../lib/errors.ts';

/** The arrears commitment generator segment; unverified (docs/amberflo-api.md §4.1), so configurable. */
export const DEFAULT_COMMITMENT_PATH = 'arrears_commitment_with_trueup';
/** Amberflo's product id; SDKs default it to "1" (docs/amberflo-api.md §3.1). */
export const DEFAULT_PRODUCT_ID = '1';

/** Customer lifecycle stages, in their only allowed order (docs/amberflo-api.md §11). */
export const LifecycleStageSchema = z.enum(['ONBOARDING', 'TRIAL', 'ACTIVE', 'OFFBOARDED']);
export type LifecycleStage = z.infer<typeof LifecycleStageSchema>;

/** A customer (docs/amberflo-api.md §2.2); times are Unix milliseconds. */
export const CustomerSchema = z.looseObject({
  customerId: z.string().min(1),
  customerName: z.string(),
  customerEmail: z.string().nullish(),
  enabled: z.boolean().nullish(),
  lifecycleStage: z.string().nullish(),
  traits: z.record(z.string(), z.unknown()).nullish(),
  createTime: z.number().nullish(),
  updateTime: z.number().nullish(),
});
export type Customer = z.infer<typeof CustomerSchema>;

/** Body of POST /customers; optional fields are omitted, never sent empty (docs/amberflo-api.md §2.2). */
export const CreateCustomerInputSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().min(1),
  customerEmail: z.string().min(1).optional(),
  traits: z.record(z.string(), z.string().min(1)).optional(),
  enabled: z.boolean().optional(),
  lifecycleStage: LifecycleStageSchema.optional(),
  address: z
    .object({
      line1: z.string().optional(),
      city: z.string().optional(),
      state: z.string().optional(),
      postalCode: z.string().optional(),
      country: z.string().optional(),
    })
    .optional(),
});
export type CreateCustomerInput = z.infer<typeof CreateCustomerInputSchema>;

/** A customer-to-plan relation (docs/amberflo-api.md §3.1); times are Unix seconds. */
export const PlanRelationSchema = z.looseObject({
  customerId: z.string().min(1),
  productPlanId: z.string().min(1),
  productId: z.string().nullish(),
  startTimeInSeconds: z.number().nullish(),
  endTimeInSeconds: z.number().nullish(),
  relationId: z.string().nullish(),
  createdTimeInSeconds: z.number().nullish(),
});
export type PlanRelation = z.infer<typeof PlanRelationSchema>;

/** Input of POST customer-pricing (docs/amberflo-api.md §3.1). */
export type AssignPlanInput = {
  readonly customerId: string;
  /** The pricing plan (the message's `productId`). */
  readonly productPlanId: string;
  /** Amberflo's product; default "1". */
  readonly productId?: string;
  readonly startTimeInSeconds?: number;
};

/** A `CustomerCommitmentContract` (docs/amberflo-api.md §4.2), the parts we read. */
export const CommitmentSchema = z.looseObject({
  contract: z.looseObject({
    id: z.string().min(1),
    customerId: z.string().min(1),
    type: z.string().nullish(),
    productId: z.string().nullish(),
    timeRange: z
      .looseObject({
        startTimeInSeconds: z.number().nullish(),
        endTimeInSeconds: z.number().nullish(),
      })
      .nullish(),
  }),
  firstCustomerPlan: PlanRelationSchema.nullish(),
  creationTimeInSeconds: z.number().nullish(),
});
export type Commitment = z.infer<typeof CommitmentSchema>;

/** Body of the arrears commitment POST, best known shape (docs/amberflo-api.md §4.2). */
export const CreateArrearsCommitmentInputSchema = z.object({
  customerId: z.string().min(1),
  planId: z.string().min(1),
  label: z.string().min(1),
  cycles: z.int().positive(),
  trueup: z.object({
    minimumPayment: z.number().nonnegative(),
    interval: z.string().min(1).optional(),
  }),
  reward: z.object({ value: z.number(), label: z.string().optional() }).optional(),
  startTimeInSeconds: z.int().nonnegative().optional(),
});
export type CreateArrearsCommitmentInput = z.infer<typeof CreateArrearsCommitmentInputSchema>;

/** Client settings for the unconfirmed parts of the API. */
export type AmberfloClientOptions = {
  /** Generator segment under `customer-commitment/`; default `arrears_commitment_with_trueup`. */
  readonly commitmentPath?: string;
};

/** Per-call options: the run's signal and deadline. */
export type ClientCallOptions = Pick<AmberfloCallOptions, 'signal' | 'deadline'>;

export type AmberfloClient = {
  /** The customer, or undefined when Amberflo says it does not exist (200 `{}`, empty body, 404). */
  readonly getCustomer: (
    customerId: string,
    options?: ClientCallOptions,
  ) => Promise<Customer | undefined>;
  readonly createCustomer: (
    input: CreateCustomerInput,
    options?: ClientCallOptions,
  ) => Promise<Customer>;
  /** Soft-deletes a customer (docs/amberflo-api.md §11); used to clean up live contract tests. */
  readonly deleteCustomer: (customerId: string, options?: ClientCallOptions) => Promise<void>;
  /** The latest plan relation, or undefined when the customer has none (404, empty body, no productPlanId). */
  readonly getCurrentPlan: (
    customerId: string,
    options?: ClientCallOptions,
  ) => Promise<PlanRelation | undefined>;
  /** Every relation, oldest first; empty when Amberflo has none (404 or empty body). */
  readonly getPlanHistory: (
    customerId: string,
    options?: ClientCallOptions,
  ) => Promise<PlanRelation[]>;
  readonly assignPlan: (
    input: AssignPlanInput,
    options?: ClientCallOptions,
  ) => Promise<PlanRelation>;
  /** The customer's commitments; filtered by `contract.customerId` here too, whatever the server did. */
  readonly listCommitments: (
    customerId: string,
    options?: ClientCallOptions,
  ) => Promise<Commitment[]>;
  readonly createArrearsCommitment: (
    input: CreateArrearsCommitmentInput,
    options?: ClientCallOptions,
  ) => Promise<Commitment>;
};

const PRICING = '/payments/pricing/amberflo/customer-pricing';
const COMMITMENT = '/payments/pricing/amberflo/customer-commitment';

type Answer = { readonly status: number; readonly json: unknown; readonly empty: boolean };

/**
 * Creates the typed Amberflo client on top of the shared HTTP layer. Methods throw the classified AppError for any
 * non-2xx and AmberfloRejectedError for a 2xx body that fails validation.
 */
export const createAmberfloClient = (
  http: AmberfloHttp,
  clientOptions: AmberfloClientOptions = {},
): AmberfloClient => {
  const commitmentPath = clientOptions.commitmentPath ?? DEFAULT_COMMITMENT_PATH;
  if (!/^[A-Za-z0-9_-]+$/.test(commitmentPath)) {
    throw new ConfigError(
      'Amberflo commitment path must be one segment of letters, digits, _ or -',
    );
  }

  const exchange = async (
    step: string,
    req: AmberfloRequest,
    options: ClientCallOptions | undefined,
    acceptNotFound = false,
  ): Promise<Answer> => {
    const response = await http.request(req, { ...options, step });
    const context = { step, secrets: http.knownSecrets(), headers: response.headers };
    if (acceptNotFound && response.status === 404)
      return { status: 404, json: undefined, empty: true };
    if (response.status < 200 || response.status >= 300) {
      throw classifyResponse(response.status, response.bodyText, context);
    }
    if (response.bodyText.trim() === '')
      return { status: response.status, json: undefined, empty: true };
    try {
      return { status: response.status, json: JSON.parse(response.bodyText), empty: false };
    } catch (cause) {
      const error = classifyResponse(response.status, '', context);
      throw new AmberfloRejectedError(`${error.message}: body is not JSON`, error.details, {
        cause,
      });
    }
  };

  const parse = <T>(step: string, status: number, schema: z.ZodType<T>, json: unknown): T => {
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    // Issue paths and messages only: the body may hold personal data.
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new AmberfloRejectedError(
      `Amberflo answered unexpectedly (${step}): HTTP ${status} body does not match the expected shape`,
      { step, httpStatus: status, issues },
    );
  };

  const validateInput = <T>(step: string, schema: z.ZodType<T>, input: unknown): T => {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new InvalidMessageError(`Invalid input for ${step}`, { step, issues });
  };

  const isEmptyObject = (json: unknown): boolean =>
    json !== null &&
    typeof json === 'object' &&
    !Array.isArray(json) &&
    Object.keys(json).length === 0;

  const lacks = (json: unknown, key: string): boolean =>
    json === null ||
    typeof json !== 'object' ||
    Array.isArray(json) ||
    !(key in json) ||
    (json as Record<string, unknown>)[key] === null;

  return {
    getCustomer: async (customerId, options) => {
      const answer = await exchange(
        'getCustomer',
        { method: 'GET', path: '/customers', searchParams: { customerId } },
        options,
        true,
      );
      // Not found is 200 `{}` (docs/amberflo-api.md §2.1); 404, an empty body or no customerId count too.
      if (answer.empty || isEmptyObject(answer.json) || lacks(answer.json, 'customerId'))
        return undefined;
      return parse('getCustomer', answer.status, CustomerSchema, answer.json);
    },

    createCustomer: async (input, options) => {
      const body = validateInput('createCustomer', CreateCustomerInputSchema, input);
      const answer = await exchange(
        'createCustomer',
        { method: 'POST', path: '/customers', json: body },
        options,
      );
      return parse('createCustomer', answer.status, CustomerSchema, answer.json);
    },

    deleteCustomer: async (customerId, options) => {
      await exchange(
        'deleteCustomer',
        { method: 'DELETE', path: `/customers/${encodeURIComponent(customerId)}` },
        options,
      );
    },

    getCurrentPlan: async (customerId, options) => {
      const answer = await exchange(
        'getCurrentPlan',
        // Capitalised `CustomerId`, as the official SDKs send it (docs/amberflo-api.md §3.2).
        { method: 'GET', path: PRICING, searchParams: { CustomerId: customerId } },
        options,
        true,
      );
      if (answer.empty || lacks(answer.json, 'productPlanId')) return undefined;
      return parse('getCurrentPlan', answer.status, PlanRelationSchema, answer.json);
    },

    getPlanHistory: async (customerId, options) => {
      const answer = await exchange(
        'getPlanHistory',
        { method: 'GET', path: `${PRICING}/list`, searchParams: { CustomerId: customerId } },
        options,
        true,
      );
      if (answer.empty) return [];
      return parse('getPlanHistory', answer.status, z.array(PlanRelationSchema), answer.json);
    },

    assignPlan: async (input, options) => {
      const answer = await exchange(
        'assignPlan',
        {
          method: 'POST',
          path: PRICING,
          json: {
            customerId: input.customerId,
            productPlanId: input.productPlanId,
            productId: input.productId ?? DEFAULT_PRODUCT_ID,
            ...(input.startTimeInSeconds === undefined
              ? {}
              : { startTimeInSeconds: input.startTimeInSeconds }),
          },
        },
        options,
      );
      return parse('assignPlan', answer.status, PlanRelationSchema, answer.json);
    },

    listCommitments: async (customerId, options) => {
      const answer = await exchange(
        'listCommitments',
        { method: 'GET', path: `${COMMITMENT}/list`, searchParams: { CustomerId: customerId } },
        options,
      );
      if (answer.empty) return [];
      const all = parse('listCommitments', answer.status, z.array(CommitmentSchema), answer.json);
      // The list's query parameters are unconfirmed (docs/amberflo-api.md §4.3): never trust the server's filter.
      return all.filter((commitment) => commitment.contract.customerId === customerId);
    },

    createArrearsCommitment: async (input, options) => {
      const body = validateInput(
        'createArrearsCommitment',
        CreateArrearsCommitmentInputSchema,
        input,
      );
      const answer = await exchange(
        'createArrearsCommitment',
        { method: 'POST', path: `${COMMITMENT}/${commitmentPath}`, json: body },
        options,
      );
      return parse('createArrearsCommitment', answer.status, CommitmentSchema, answer.json);
    },
  };
};
