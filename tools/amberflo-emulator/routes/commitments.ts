/** The customer-commitment endpoints (docs/amberflo-api.md §4): create one (it may assign the plan), list them. */
import * as z from 'zod';
import type { StoredCommitment, StoredRelation } from '../store.ts';
import {
  clone,
  error,
  type Handler,
  ok,
  parseBody,
  queryValue,
  type Reply,
  type RouteContext,
  SecondsSchema,
  TextSchema,
} from './handler.ts';
import { checkPlanFor } from './plans.ts';

const CommitmentBodySchema = z.looseObject({
  customerId: TextSchema,
  planId: TextSchema,
  label: TextSchema,
  cycles: z.int().positive(),
  startTimeInSeconds: SecondsSchema.nullish(),
});
type CommitmentBody = z.infer<typeof CommitmentBodySchema>;
const TrueupSchema = z.looseObject({
  minimumPayment: z.number().nonnegative(),
  interval: z.string().optional(),
});

/** The 400 reply for a missing or invalid true-up, or undefined when it is fine. */
const checkTrueup = ({ switches }: RouteContext, body: CommitmentBody): Reply | undefined => {
  // The true-up key's casing is unconfirmed (docs/amberflo-api.md §4.2): one switch decides which is accepted.
  const keys = switches.trueupKey === 'either' ? ['trueup', 'trueUp'] : [switches.trueupKey];
  const trueupKey = keys.find((key) => body[key] !== undefined);
  if (trueupKey === undefined)
    return error(400, `Invalid request: ${keys.join(' or ')} is required`);
  const trueup = parseBody(TrueupSchema, body[trueupKey]);
  if ('reply' in trueup) return trueup.reply;
  const intervals = switches.trueupIntervals;
  if (intervals !== null && !intervals.includes(trueup.data.interval ?? '')) {
    return error(400, `Invalid request: trueup.interval must be one of ${intervals.join(', ')}`);
  }
  return undefined;
};

/** The commitment's first plan: assigned to the customer, or only described (`commitmentAssignsPlan`). */
const firstPlan = (
  { store, switches }: RouteContext,
  customerId: string,
  productPlanId: string,
  startAt: number,
): StoredRelation => {
  const relation = { customerId, productId: '1', productPlanId, startTimeInSeconds: startAt };
  if (switches.commitmentAssignsPlan) return store.appendRelation(relation);
  return {
    ...relation,
    relationId: store.nextId('relation'),
    createdTimeInSeconds: store.seconds(),
  };
};

export const createCommitment: Handler = (context, request) => {
  const { store, switches } = context;
  const parsed = parseBody(CommitmentBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  const trueupError = checkTrueup(context, body);
  if (trueupError !== undefined) return trueupError;
  const { customerId, planId } = body;
  const planError = checkPlanFor(context, customerId, planId);
  if (planError !== undefined) return planError;
  const commitments = store.commitments();
  const existing = commitments.findIndex((item) => item.contract.customerId === customerId);
  if (existing !== -1 && switches.secondCommitment === 'reject') {
    return error(400, `Invalid request: customer ${customerId} already has an active commitment`);
  }
  const startAt = body.startTimeInSeconds ?? store.seconds();
  const plan = firstPlan(context, customerId, planId, startAt);
  const commitment: StoredCommitment = {
    contract: {
      id: store.nextId('commitment'),
      customerId,
      type: 'ARREARS_COMMITMENT_WITH_TRUEUP',
      productId: '1',
      timeRange: { startTimeInSeconds: startAt },
    },
    contractGenerator: clone(body),
    firstCustomerPlan: clone(plan),
    creationTimeInSeconds: store.seconds(),
  };
  // 'replace': the new commitment supersedes the active one, which leaves the list.
  if (existing !== -1) commitments.splice(existing, 1);
  commitments.push(commitment);
  return ok(clone(commitment));
};

export const listCommitments: Handler = ({ store, switches }, request) => {
  const keys = switches.commitmentListQueryKeys;
  const id = keys.length === 0 ? null : queryValue(request.query, keys);
  const all = store.commitments();
  return ok(clone(id === null ? all : all.filter((item) => item.contract.customerId === id)));
};
