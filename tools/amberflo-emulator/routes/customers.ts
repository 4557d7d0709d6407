/** The customer endpoints (docs/amberflo-api.md §2): create, full-replace update, reads, paging, stage, soft delete. */
import * as z from 'zod';
import type { StoredCustomer } from '../store.ts';
import {
  clone,
  error,
  type Handler,
  ok,
  parseBody,
  type Reply,
  type RouteContext,
  TextSchema,
} from './handler.ts';

const STAGES = ['ONBOARDING', 'TRIAL', 'ACTIVE', 'OFFBOARDED'] as const;
type Stage = (typeof STAGES)[number];

const CustomerBodySchema = z.looseObject({
  customerId: TextSchema,
  customerName: TextSchema,
  customerEmail: TextSchema.optional(),
  traits: z.record(z.string(), TextSchema).optional(),
  enabled: z.boolean().optional(),
  lifecycleStage: z.string().optional(),
});
type CustomerBody = z.infer<typeof CustomerBodySchema>;
const StageBodySchema = z.looseObject({ customerId: TextSchema, lifecycleStage: z.string() });
const ReinstateBodySchema = z.looseObject({ customerId: TextSchema });

const publicCustomer = (customer: StoredCustomer): Record<string, unknown> => {
  const { deleted: _deleted, ...rest } = customer;
  return clone(rest);
};

const liveCustomers = ({ store }: RouteContext): StoredCustomer[] =>
  [...store.customers().values()].filter((customer) => !customer.deleted);

const normaliseStage = ({ switches }: RouteContext, value: unknown): Stage | undefined => {
  if (typeof value !== 'string') return undefined;
  const candidate = switches.acceptLowerCaseStage ? value.toUpperCase() : value;
  return (STAGES as readonly string[]).includes(candidate) ? (candidate as Stage) : undefined;
};

/** The stage a new customer starts in, or the 400 reply for an unknown one. */
const initialStage = (
  context: RouteContext,
  body: CustomerBody,
): { stage: string } | { reply: Reply } => {
  if (body.lifecycleStage === undefined) return { stage: 'ONBOARDING' };
  const stage = normaliseStage(context, body.lifecycleStage);
  if (stage === undefined) return { reply: error(400, 'Invalid request: unknown lifecycleStage') };
  return { stage: context.switches.honourLifecycleStageOnCreate ? stage : 'ONBOARDING' };
};

export const createCustomer: Handler = (context, request) => {
  const { store, switches } = context;
  const parsed = parseBody(CustomerBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  if (store.customers().has(body.customerId)) {
    // A deleted id cannot be created again either (docs/amberflo-api.md §11, probably).
    return error(
      switches.duplicateCustomerStatus,
      `Invalid request: customer ${body.customerId} already exists`,
    );
  }
  const domain = body.customerEmail?.split('@').at(-1)?.toLowerCase();
  if (domain !== undefined && switches.blockedEmailDomains.includes(domain)) {
    return error(400, 'customerEmail domain is blocked');
  }
  const stage = initialStage(context, body);
  if ('reply' in stage) return stage.reply;
  const time = context.now();
  const stripe = request.query.get('autoCreateCustomerInStripe') === 'true';
  const customer: StoredCustomer = {
    ...clone(body),
    id: body.customerId,
    enabled: body.enabled ?? true,
    lifecycleStage: stage.stage,
    traits: {
      ...(body.traits ?? {}),
      ...(stripe ? { stripeId: `cus_emulated_${body.customerId}` } : {}),
    },
    createTime: time,
    updateTime: time,
    deleted: false,
  };
  store.customers().set(body.customerId, customer);
  const productPlanId = switches.defaultPlanId;
  if (productPlanId !== null) {
    store.appendRelation({ customerId: body.customerId, productPlanId, productId: '1' });
  }
  return ok(publicCustomer(customer));
};

export const updateCustomer: Handler = (context, request) => {
  const parsed = parseBody(CustomerBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  const existing = context.store.liveCustomer(body.customerId);
  if (existing === undefined) {
    const mode = context.switches.putUnknownCustomer;
    if (mode === 'create') return createCustomer(context, request, []);
    return error(Number(mode), `Customer ${body.customerId} not found`);
  }
  // Full replace: omitted fields are cleared, traits included (docs/amberflo-api.md §11).
  const replaced: StoredCustomer = {
    ...clone(body),
    id: body.customerId,
    enabled: body.enabled ?? true,
    lifecycleStage: existing.lifecycleStage,
    traits: { ...(body.traits ?? {}) },
    createTime: existing.createTime,
    updateTime: Math.max(context.now(), existing.updateTime + 1),
    deleted: false,
  };
  context.store.customers().set(body.customerId, replaced);
  return ok(publicCustomer(replaced));
};

export const getCustomerByQuery: Handler = (context, request) => {
  const id = request.query.get('customerId');
  if (id === null) return ok(liveCustomers(context).map(publicCustomer));
  const customer = context.store.liveCustomer(id);
  return ok(customer === undefined ? {} : publicCustomer(customer));
};

export const getCustomerByPath: Handler = ({ store, switches }, _request, [id]) => {
  const customer = store.liveCustomer(id);
  if (customer !== undefined) return ok(publicCustomer(customer));
  return switches.customerPathNotFound === '404' ? error(404, `Customer ${id} not found`) : ok({});
};

export const pageCustomers: Handler = (context, request) => {
  const limit = Math.max(1, Math.min(1000, Number(request.query.get('limit') ?? 20) || 20));
  const page = Math.max(0, Number(request.query.get('page') ?? 0) || 0);
  const sort = request.query.get('sort') ?? 'customerName';
  const search = (request.query.get('search') ?? '').toLowerCase();
  const all = liveCustomers(context);
  const filtered = all
    .filter(
      (customer) =>
        search === '' ||
        customer.customerName.toLowerCase().includes(search) ||
        customer.customerId.toLowerCase().includes(search),
    )
    .sort((a, b) => String(a[sort] ?? '').localeCompare(String(b[sort] ?? '')));
  return ok({
    items: filtered.slice(page * limit, page * limit + limit).map(publicCustomer),
    metadata: {
      totalRowCount: all.length,
      filteredRowCount: filtered.length,
      limit,
      page,
      totalFilteredPages: Math.ceil(filtered.length / limit),
      isAscending: true,
      sort,
      search,
    },
  });
};

export const moveStage: Handler = (context, request) => {
  const parsed = parseBody(StageBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const body = parsed.data;
  const customer = context.store.liveCustomer(body.customerId);
  if (customer === undefined) {
    return error(
      context.switches.stageUnknownCustomerStatus,
      `Customer ${body.customerId} not found`,
    );
  }
  const stage = normaliseStage(context, body.lifecycleStage);
  if (stage === undefined) return error(400, 'Invalid request: unknown lifecycleStage');
  const from = STAGES.indexOf(customer.lifecycleStage as Stage);
  if (STAGES.indexOf(stage) < from) {
    return error(
      400,
      `Invalid request: lifecycleStage cannot move back from ${customer.lifecycleStage}`,
    );
  }
  customer.lifecycleStage = stage;
  customer.updateTime = context.now();
  return ok(publicCustomer(customer));
};

export const deleteCustomer: Handler = ({ store, switches, now }, _request, [id]) => {
  const customer = store.liveCustomer(id);
  if (customer === undefined) {
    return error(switches.deleteUnknownCustomerStatus, `Customer ${id} not found`);
  }
  customer.deleted = true;
  customer.deleteTime = now();
  return ok(publicCustomer(customer));
};

export const reinstateCustomer: Handler = ({ store, now }, request) => {
  const parsed = parseBody(ReinstateBodySchema, request.body);
  if ('reply' in parsed) return parsed.reply;
  const customer = store.customers().get(parsed.data.customerId);
  if (customer === undefined) return error(400, 'Invalid request: unknown customerId');
  customer.deleted = false;
  customer.lifecycleStage = 'OFFBOARDED';
  customer.updateTime = now();
  return ok(publicCustomer(customer));
};
