/** The customer-pricing endpoints (docs/amberflo-api.md §3): assign a plan, the current one, the history, a change. */
import * as z from 'zod';
import {
  clone,
  error,
  type Handler,
  ok,
  parseBody,
  queryValue,
  SecondsSchema,
  TextSchema,
} from './handler.ts';
import { checkPlanFor } from './plans.ts';

const AssignBodySchema = z.looseObject({
  customerId: TextSchema,
  productPlanId: TextSchema,
  productId: TextSchema.optional(),
  startTimeInSeconds: SecondsSchema.nullish(),
  endTimeInSeconds: SecondsSchema.nullish(),
});
const ChangePlanBodySchema = z.looseObject({
  customerId: TextSchema,
  newProductPlanId: TextSchema,
  startTimeInSeconds: SecondsSchema.nullish(),
});

export const assignPlan: Handler = (context, request) => {
  const { store, switches } = context;
  const parsed = parseBody(AssignBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  const planError = checkPlanFor(context, body.customerId, body.productPlanId);
  if (planError !== undefined) return planError;
  const current = store.relationsOf(body.customerId)?.at(-1);
  if (switches.reassignSamePlan === 'no-op' && current?.productPlanId === body.productPlanId) {
    return ok(clone(current));
  }
  const startAt = body.startTimeInSeconds ?? store.seconds();
  if (current !== undefined && current.endTimeInSeconds === undefined) {
    // "Each customer can be assigned only one pricing plan at a time" (docs/amberflo-api.md §3).
    const mode = switches.assignOverActivePlan;
    if (mode === 'reject') {
      return error(
        400,
        `Invalid request: customer ${body.customerId} already has an active pricing plan`,
      );
    }
    if (mode === 'replace') current.endTimeInSeconds = startAt;
  }
  const relation = store.appendRelation({
    customerId: body.customerId,
    productPlanId: body.productPlanId,
    productId: body.productId ?? '1',
    startTimeInSeconds: startAt,
    endTimeInSeconds: body.endTimeInSeconds ?? undefined,
  });
  return ok(clone(relation));
};

export const currentPlan: Handler = ({ store, switches }, request) => {
  const id = queryValue(request.query, switches.pricingQueryKeys);
  const current = id === null ? undefined : store.relationsOf(id)?.at(-1);
  if (current !== undefined) return ok(clone(current));
  switch (switches.currentPlanWhenNone) {
    case 'empty-object':
      return ok({});
    case '404':
      return error(404, 'Customer not found or no pricing history');
    default:
      return { status: 200, text: '' };
  }
};

export const planHistory: Handler = ({ store, switches }, request) => {
  const id = queryValue(request.query, switches.pricingQueryKeys);
  if (id === null) return error(400, 'Invalid request: CustomerId is required');
  const list = store.relationsOf(id);
  if (
    list === undefined &&
    store.liveCustomer(id) === undefined &&
    switches.historyForUnknownCustomer === '404'
  ) {
    return error(404, 'Customer not found or no pricing history');
  }
  return ok(clone(list ?? []));
};

export const changePlan: Handler = (context, request) => {
  const { store } = context;
  const parsed = parseBody(ChangePlanBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  const planError = checkPlanFor(context, body.customerId, body.newProductPlanId);
  if (planError !== undefined) return planError;
  const current = store.relationsOf(body.customerId)?.at(-1);
  const startAt = body.startTimeInSeconds ?? store.seconds();
  if (current !== undefined) current.endTimeInSeconds = startAt;
  const relation = store.appendRelation({
    customerId: body.customerId,
    productPlanId: body.newProductPlanId,
    productId: current?.productId ?? '1',
    startTimeInSeconds: startAt,
  });
  return ok(clone(relation));
};
