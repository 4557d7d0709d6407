import * as z from 'zod';

/**
 * Ids go into Amberflo URLs (query strings, and path segments on some endpoints). The interpreter URL-encodes every
 * value, but we choose to *reject* rather than encode the characters that change a URL's meaning (`/ ? # %`, `..`)
 * and anything outside a small safe set: an id that needs encoding is almost certainly a producer bug.
 */
const SAFE_ID = /^[A-Za-z0-9_.:@+=-]+$/;
/** C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidi overrides. */
const CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Longest id (customer, plan, event) accepted. */
export const MAX_ID_LENGTH = 128;
/** Longest display text (names, labels) accepted. */
export const MAX_TEXT_LENGTH = 256;
/** Most traits a message may carry. */
export const MAX_TRAITS = 50;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL.test(value), 'must not contain control characters')
    // A lone surrogate survives JSON.parse but not a UTF-8 store: Amberflo would keep a replacement character.
    .refine((value) => value.isWellFormed(), 'must be well-formed Unicode');

const id = () =>
  text(MAX_ID_LENGTH)
    .refine((value) => SAFE_ID.test(value), 'may contain only letters, digits and _ . : @ + = -')
    .refine((value) => !value.includes('..'), 'must not contain ".."');

const finiteNumber = () => z.number().refine(Number.isFinite, 'must be a finite number');

/** The earliest plan start that makes sense: 2000-01-01T00:00:00Z. */
export const EARLIEST_START_TIME_MS = Date.UTC(2000, 0, 1);
/** How far ahead a plan start may be: about five years. */
export const MAX_START_AHEAD_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * Unix milliseconds of a plan start. Values below 10^11 are almost certainly seconds (docs/amberflo-api.md §5) and
 * are rejected as such; anything before 2000 or more than five years ahead is a producer bug, not a plan.
 */
const unixMillis = () =>
  z
    .number()
    .refine(Number.isSafeInteger, 'must be an integer number of Unix milliseconds')
    .refine((value) => value >= 0, 'must not be negative')
    .refine((value) => value < 0 || value >= 1e11, 'looks like seconds; send Unix milliseconds')
    .refine((value) => value < 1e11 || value >= EARLIEST_START_TIME_MS, 'must not be before 2000')
    .refine(
      (value) => value <= Date.now() + MAX_START_AHEAD_MS,
      'must not be more than 5 years from now',
    );

/** Arrears commitment with true-up (docs/amberflo-api.md §4.2). `planId` defaults to the assigned plan. */
export const CommitmentSchema = z.object({
  planId: id().optional(),
  label: text(MAX_TEXT_LENGTH),
  cycles: z.number().int('must be an integer').positive('must be positive').max(1_000),
  trueup: z.object({
    minimumPayment: finiteNumber().refine((value) => value >= 0, 'must not be negative'),
    interval: text(64),
  }),
  reward: z.object({ value: finiteNumber(), label: text(MAX_TEXT_LENGTH) }).optional(),
});

/**
 * The account-created message: the seed workflow's inputs without the API key. Unknown keys are stripped, so the
 * producer can add fields without breaking us. `productId` is the pricing plan to assign; it may be left out when
 * DEFAULT_PRODUCT_PLAN_ID is configured (checked when the workflow inputs are built).
 */
export const AccountCreatedMessageSchema = z.object({
  customerId: id(),
  customerName: text(MAX_TEXT_LENGTH),
  customerEmail: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z
      .email('must be an e-mail address')
      .max(254, 'must be at most 254 characters')
      .refine((value) => !CONTROL.test(value), 'must not contain control characters')
      .optional(),
  ),
  productId: id().optional(),
  startTime: unixMillis().optional(),
  traits: z
    .record(id(), text(1_024))
    .refine((traits) => Object.keys(traits).length <= MAX_TRAITS, `at most ${MAX_TRAITS} traits`)
    .optional(),
  commitment: CommitmentSchema.optional(),
  eventId: id().optional(),
});

/** A parsed account-created message. */
export type AccountCreatedMessage = z.infer<typeof AccountCreatedMessageSchema>;
/** A parsed arrears commitment request. */
export type Commitment = z.infer<typeof CommitmentSchema>;
