/**
 * The emulated Amberflo API (amberflo-api.md §8): in-memory state and one handler per endpoint. Pure request in,
 * reply out; the HTTP server, the key check and fault injection live in `server.ts`.
 */
import * as z from 'zod';
import type { EmulatorSwitches } from './options.ts';

/** One emulated reply: a JSON value, or a raw text (an empty body, a malformed one). */
export type Reply = {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
};

/** A customer as the emulator stores it; times in ms. */
export type StoredCustomer = {
  [key: string]: unknown;
  id: string;
  customerId: string;
  customerName: string;
  enabled: boolean;
  lifecycleStage: string;
  traits: Record<string, string>;
  createTime: number;
  updateTime: number;
  deleteTime?: number;
  /** Soft delete (amberflo-api.md §2.7): hidden from reads, the id stays taken. */
  deleted: boolean;
};

/** A customer-to-plan relation; times in seconds. */
export type StoredRelation = {
  customerId: string;
  productId: string;
  productPlanId: string;
  startTimeInSeconds: number;
  endTimeInSeconds?: number;
  relationId: string;
  createdTimeInSeconds: number;
};

/** A commitment contract, the fields the client reads plus the request echo. */
export type StoredCommitment = {
  contract: {
    id: string;
    customerId: string;
    type: string;
    productId: string;
    timeRange: { startTimeInSeconds: number; endTimeInSeconds?: number };
  };
  contractGenerator: Record<string, unknown>;
  firstCustomerPlan: StoredRelation;
  creationTimeInSeconds: number;
};

/** A deep copy of the emulator's state, as the admin API shows it. */
export type EmulatorState = {
  readonly customers: StoredCustomer[];
  /** Relations per customer, oldest first. */
  readonly relations: Record<string, StoredRelation[]>;
  readonly commitments: StoredCommitment[];
};

/** One API request, already parsed by the server. */
export type ApiRequest = {
  readonly method: string;
  /** Path without query, trailing slash removed. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
};

type Handler = (request: ApiRequest, params: readonly string[]) => Reply;
type Route = {
  readonly method: string;
  readonly pattern: RegExp;
  readonly key: string;
  readonly handler: Handler;
};

/** The emulated endpoints over one in-memory state. */
export type EmulatorApi = {
  /** The route key ('GET /customers/{id}') of a request, or undefined for an unknown route. */
  readonly routeKeyOf: (method: string, path: string) => string | undefined;
  /** Runs the endpoint; a 404 reply for unknown routes. */
  readonly handle: (request: ApiRequest) => Reply;
  readonly snapshot: () => EmulatorState;
  /** Replaces the state (admin seeding); missing parts become empty. */
  readonly load: (state: Partial<EmulatorState>) => void;
  readonly clear: () => void;
};

const STAGES = ['ONBOARDING', 'TRIAL', 'ACTIVE', 'OFFBOARDED'] as const;
const PRICING = '/payments/pricing/amberflo/customer-pricing';
const COMMITMENT = '/payments/pricing/amberflo/customer-commitment';
const PLANS = '/payments/pricing/amberflo/account-pricing/product-plans';

const error = (status: number, errorMessage: string): Reply => ({ status, json: { errorMessage } });
const ok = (json: unknown): Reply => ({ status: 200, json });

const clone = <T>(value: T): T => structuredClone(value);

const Text = z.string().regex(/\S/, 'must be a non-empty string');
const Seconds = z.int().nonnegative();

const CustomerBodySchema = z.looseObject({
  customerId: Text,
  customerName: Text,
  customerEmail: Text.optional(),
  traits: z.record(z.string(), Text).optional(),
  enabled: z.boolean().optional(),
  lifecycleStage: z.string().optional(),
});
const StageBodySchema = z.looseObject({ customerId: Text, lifecycleStage: z.string() });
const ReinstateBodySchema = z.looseObject({ customerId: Text });
const AssignBodySchema = z.looseObject({
  customerId: Text,
  productPlanId: Text,
  productId: Text.optional(),
  startTimeInSeconds: Seconds.nullish(),
  endTimeInSeconds: Seconds.nullish(),
});
const ChangePlanBodySchema = z.looseObject({
  customerId: Text,
  newProductPlanId: Text,
  startTimeInSeconds: Seconds.nullish(),
});
const CommitmentBodySchema = z.looseObject({
  customerId: Text,
  planId: Text,
  label: Text,
  cycles: z.int().positive(),
  startTimeInSeconds: Seconds.nullish(),
});
const TrueupSchema = z.looseObject({
  minimumPayment: z.number().nonnegative(),
  interval: z.string().optional(),
});

/** Parses a body or builds the 400 reply Amberflo would give, naming the first problem. */
const parseBody = <T>(schema: z.ZodType<T>, body: unknown): { data: T } | { reply: Reply } => {
  const result = schema.safeParse(body);
  if (result.success) return { data: result.data };
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
  return { reply: error(400, `Invalid request: ${where} ${issue?.message ?? 'is invalid'}`) };
};

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Creates the emulated API over fresh state. `switches` is read on every request, so changes apply at once. */
export const createEmulatorApi = (
  switches: () => EmulatorSwitches,
  now: () => number,
): EmulatorApi => {
  let customers = new Map<string, StoredCustomer>();
  let relations = new Map<string, StoredRelation[]>();
  let commitments: StoredCommitment[] = [];
  let sequence = 0;
  const nextId = (prefix: string): string => {
    sequence += 1;
    return `${prefix}-${String(sequence).padStart(6, '0')}`;
  };
  const seconds = (): number => Math.floor(now() / 1000);

  const liveCustomer = (id: string | null | undefined): StoredCustomer | undefined => {
    if (id === null || id === undefined) return undefined;
    const customer = customers.get(id);
    return customer === undefined || customer.deleted ? undefined : customer;
  };

  const publicCustomer = (customer: StoredCustomer): Record<string, unknown> => {
    const { deleted: _deleted, ...rest } = customer;
    return clone(rest);
  };

  const queryValue = (query: URLSearchParams, keys: readonly string[]): string | null => {
    for (const key of keys) {
      const value = query.get(key);
      if (value !== null) return value;
    }
    return null;
  };

  const normaliseStage = (value: unknown): (typeof STAGES)[number] | undefined => {
    if (typeof value !== 'string') return undefined;
    const candidate = switches().acceptLowerCaseStage ? value.toUpperCase() : value;
    return (STAGES as readonly string[]).includes(candidate)
      ? (candidate as (typeof STAGES)[number])
      : undefined;
  };

  const checkPlan = (planId: string): Reply | undefined => {
    const catalogue = switches().planCatalogue;
    if (catalogue === null || catalogue.some((plan) => plan.id === planId)) return undefined;
    return error(
      switches().unknownPlanStatus,
      `Invalid request: product plan ${planId} does not exist`,
    );
  };

  const appendRelation = (
    customerId: string,
    productPlanId: string,
    productId: string,
    startTimeInSeconds: number | undefined,
    endTimeInSeconds: number | undefined,
  ): StoredRelation => {
    const relation: StoredRelation = {
      customerId,
      productId,
      productPlanId,
      startTimeInSeconds: startTimeInSeconds ?? seconds(),
      ...(endTimeInSeconds === undefined ? {} : { endTimeInSeconds }),
      relationId: nextId('relation'),
      createdTimeInSeconds: seconds(),
    };
    const list = relations.get(customerId) ?? [];
    list.push(relation);
    relations.set(customerId, list);
    return relation;
  };

  const createCustomer: Handler = (request) => {
    const parsed = parseBody(CustomerBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    if (customers.has(body.customerId)) {
      // A deleted id cannot be created again either (amberflo-api.md §2.7, probably).
      return error(
        switches().duplicateCustomerStatus,
        `Invalid request: customer ${body.customerId} already exists`,
      );
    }
    const domain = body.customerEmail?.split('@').at(-1)?.toLowerCase();
    if (domain !== undefined && switches().blockedEmailDomains.includes(domain)) {
      return error(400, 'customerEmail domain is blocked');
    }
    let lifecycleStage = 'ONBOARDING';
    if (body.lifecycleStage !== undefined) {
      const stage = normaliseStage(body.lifecycleStage);
      if (stage === undefined) return error(400, 'Invalid request: unknown lifecycleStage');
      if (switches().honourLifecycleStageOnCreate) lifecycleStage = stage;
    }
    const time = now();
    const stripe = request.query.get('autoCreateCustomerInStripe') === 'true';
    const traits: Record<string, string> = {
      ...(body.traits ?? {}),
      ...(stripe ? { stripeId: `cus_emulated_${body.customerId}` } : {}),
    };
    const customer: StoredCustomer = {
      ...clone(body),
      id: body.customerId,
      enabled: body.enabled ?? true,
      lifecycleStage,
      traits,
      createTime: time,
      updateTime: time,
      deleted: false,
    };
    customers.set(body.customerId, customer);
    const defaultPlan = switches().defaultPlanId;
    if (defaultPlan !== null)
      appendRelation(body.customerId, defaultPlan, '1', seconds(), undefined);
    return ok(publicCustomer(customer));
  };

  const updateCustomer: Handler = (request) => {
    const parsed = parseBody(CustomerBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    const existing = liveCustomer(body.customerId);
    if (existing === undefined) {
      const mode = switches().putUnknownCustomer;
      if (mode === 'create') return createCustomer(request, []);
      return error(Number(mode), `Customer ${body.customerId} not found`);
    }
    // Full replace: omitted fields are cleared, traits included (amberflo-api.md §2.5).
    const replaced: StoredCustomer = {
      ...clone(body),
      id: body.customerId,
      enabled: body.enabled ?? true,
      lifecycleStage: existing.lifecycleStage,
      traits: { ...(body.traits ?? {}) },
      createTime: existing.createTime,
      updateTime: Math.max(now(), existing.updateTime + 1),
      deleted: false,
    };
    customers.set(body.customerId, replaced);
    return ok(publicCustomer(replaced));
  };

  const getCustomerByQuery: Handler = (request) => {
    const id = request.query.get('customerId');
    if (id === null) {
      return ok(
        [...customers.values()].filter((customer) => !customer.deleted).map(publicCustomer),
      );
    }
    const customer = liveCustomer(id);
    return ok(customer === undefined ? {} : publicCustomer(customer));
  };

  const getCustomerByPath: Handler = (_request, [id]) => {
    const customer = liveCustomer(id);
    if (customer !== undefined) return ok(publicCustomer(customer));
    return switches().customerPathNotFound === '404'
      ? error(404, `Customer ${id} not found`)
      : ok({});
  };

  const pageCustomers: Handler = (request) => {
    const limit = Math.max(1, Math.min(1000, Number(request.query.get('limit') ?? 20) || 20));
    const page = Math.max(0, Number(request.query.get('page') ?? 0) || 0);
    const sort = request.query.get('sort') ?? 'customerName';
    const search = (request.query.get('search') ?? '').toLowerCase();
    const all = [...customers.values()].filter((customer) => !customer.deleted);
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

  const moveStage: Handler = (request) => {
    const parsed = parseBody(StageBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    const customer = liveCustomer(body.customerId);
    if (customer === undefined) {
      return error(switches().stageUnknownCustomerStatus, `Customer ${body.customerId} not found`);
    }
    const stage = normaliseStage(body.lifecycleStage);
    if (stage === undefined) return error(400, 'Invalid request: unknown lifecycleStage');
    const from = STAGES.indexOf(customer.lifecycleStage as (typeof STAGES)[number]);
    if (STAGES.indexOf(stage) < from) {
      return error(
        400,
        `Invalid request: lifecycleStage cannot move back from ${customer.lifecycleStage}`,
      );
    }
    customer.lifecycleStage = stage;
    customer.updateTime = now();
    return ok(publicCustomer(customer));
  };

  const deleteCustomer: Handler = (_request, [id]) => {
    const customer = liveCustomer(id);
    if (customer === undefined)
      return error(switches().deleteUnknownCustomerStatus, `Customer ${id} not found`);
    customer.deleted = true;
    customer.deleteTime = now();
    return ok(publicCustomer(customer));
  };

  const reinstateCustomer: Handler = (request) => {
    const parsed = parseBody(ReinstateBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const customer = customers.get(parsed.data.customerId);
    if (customer === undefined) return error(400, 'Invalid request: unknown customerId');
    customer.deleted = false;
    customer.lifecycleStage = 'OFFBOARDED';
    customer.updateTime = now();
    return ok(publicCustomer(customer));
  };

  const assignPlan: Handler = (request) => {
    const parsed = parseBody(AssignBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    if (liveCustomer(body.customerId) === undefined) {
      return error(400, `Invalid request: customer ${body.customerId} does not exist`);
    }
    const planError = checkPlan(body.productPlanId);
    if (planError !== undefined) return planError;
    const current = relations.get(body.customerId)?.at(-1);
    if (switches().reassignSamePlan === 'no-op' && current?.productPlanId === body.productPlanId) {
      return ok(clone(current));
    }
    const startAt = body.startTimeInSeconds ?? seconds();
    if (current !== undefined && current.endTimeInSeconds === undefined) {
      // "Each customer can be assigned only one pricing plan at a time" (docs/amberflo-api.md §3).
      const mode = switches().assignOverActivePlan;
      if (mode === 'reject') {
        return error(
          400,
          `Invalid request: customer ${body.customerId} already has an active pricing plan`,
        );
      }
      if (mode === 'replace') current.endTimeInSeconds = startAt;
    }
    const relation = appendRelation(
      body.customerId,
      body.productPlanId,
      body.productId ?? '1',
      startAt,
      body.endTimeInSeconds ?? undefined,
    );
    return ok(clone(relation));
  };

  const currentPlan: Handler = (request) => {
    const id = queryValue(request.query, switches().pricingQueryKeys);
    const current = id === null ? undefined : relations.get(id)?.at(-1);
    if (current !== undefined) return ok(clone(current));
    switch (switches().currentPlanWhenNone) {
      case 'empty-object':
        return ok({});
      case '404':
        return error(404, 'Customer not found or no pricing history');
      default:
        return { status: 200, text: '' };
    }
  };

  const planHistory: Handler = (request) => {
    const id = queryValue(request.query, switches().pricingQueryKeys);
    if (id === null) return error(400, 'Invalid request: CustomerId is required');
    const list = relations.get(id);
    if (
      list === undefined &&
      liveCustomer(id) === undefined &&
      switches().historyForUnknownCustomer === '404'
    ) {
      return error(404, 'Customer not found or no pricing history');
    }
    return ok(clone(list ?? []));
  };

  const changePlan: Handler = (request) => {
    const parsed = parseBody(ChangePlanBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    if (liveCustomer(body.customerId) === undefined) {
      return error(400, `Invalid request: customer ${body.customerId} does not exist`);
    }
    const planError = checkPlan(body.newProductPlanId);
    if (planError !== undefined) return planError;
    const current = relations.get(body.customerId)?.at(-1);
    const startAt = body.startTimeInSeconds ?? seconds();
    if (current !== undefined) current.endTimeInSeconds = startAt;
    const productId = current?.productId ?? '1';
    return ok(
      clone(appendRelation(body.customerId, body.newProductPlanId, productId, startAt, undefined)),
    );
  };

  const listPlans: Handler = () => ok(clone(switches().planCatalogue ?? []));

  const getPlan: Handler = (request) => {
    const id = request.query.get('productPlanId');
    const plan = (switches().planCatalogue ?? []).find((candidate) => candidate.id === id);
    return plan === undefined ? error(404, `Product plan ${id ?? ''} not found`) : ok(clone(plan));
  };

  const createCommitment: Handler = (request) => {
    const settings = switches();
    const parsed = parseBody(CommitmentBodySchema, request.body);
    if ('reply' in parsed) return parsed.reply;
    const body = parsed.data;
    // The true-up key's casing is unconfirmed (amberflo-api.md §4.2): one switch decides which is accepted.
    const keys = settings.trueupKey === 'either' ? ['trueup', 'trueUp'] : [settings.trueupKey];
    const trueupKey = keys.find((key) => body[key] !== undefined);
    if (trueupKey === undefined)
      return error(400, `Invalid request: ${keys.join(' or ')} is required`);
    const trueup = parseBody(TrueupSchema, body[trueupKey]);
    if ('reply' in trueup) return trueup.reply;
    const intervals = settings.trueupIntervals;
    if (intervals !== null && !intervals.includes(trueup.data.interval ?? '')) {
      return error(400, `Invalid request: trueup.interval must be one of ${intervals.join(', ')}`);
    }
    const { customerId, planId } = body;
    if (liveCustomer(customerId) === undefined) {
      return error(400, `Invalid request: customer ${customerId} does not exist`);
    }
    const planError = checkPlan(planId);
    if (planError !== undefined) return planError;
    const existing = commitments.findIndex(
      (commitment) => commitment.contract.customerId === customerId,
    );
    if (existing !== -1 && settings.secondCommitment === 'reject') {
      return error(400, `Invalid request: customer ${customerId} already has an active commitment`);
    }
    const startAt = body.startTimeInSeconds ?? seconds();
    const plan: StoredRelation = settings.commitmentAssignsPlan
      ? appendRelation(customerId, planId, '1', startAt, undefined)
      : {
          customerId,
          productId: '1',
          productPlanId: planId,
          startTimeInSeconds: startAt,
          relationId: nextId('relation'),
          createdTimeInSeconds: seconds(),
        };
    const commitment: StoredCommitment = {
      contract: {
        id: nextId('commitment'),
        customerId,
        type: 'ARREARS_COMMITMENT_WITH_TRUEUP',
        productId: '1',
        timeRange: { startTimeInSeconds: startAt },
      },
      contractGenerator: clone(body),
      firstCustomerPlan: clone(plan),
      creationTimeInSeconds: seconds(),
    };
    // 'replace': the new commitment supersedes the active one, which leaves the list.
    if (existing !== -1) commitments.splice(existing, 1);
    commitments.push(commitment);
    return ok(clone(commitment));
  };

  const listCommitments: Handler = (request) => {
    const keys = switches().commitmentListQueryKeys;
    const id = keys.length === 0 ? null : queryValue(request.query, keys);
    const list =
      id === null ? commitments : commitments.filter((item) => item.contract.customerId === id);
    return ok(clone(list));
  };

  const routes = (): Route[] => {
    const commitmentPath = `${COMMITMENT}/${switches().commitmentPath}`;
    const table: [string, string, Handler][] = [
      ['POST', '/customers', createCustomer],
      ['PUT', '/customers', updateCustomer],
      ['GET', '/customers', getCustomerByQuery],
      ['GET', '/customers/paging', pageCustomers],
      ['PUT', '/customers/stage', moveStage],
      ['PUT', '/customers/reinstate', reinstateCustomer],
      ['GET', '/customers/{id}', getCustomerByPath],
      ['DELETE', '/customers/{id}', deleteCustomer],
      ['POST', PRICING, assignPlan],
      ['GET', PRICING, currentPlan],
      ['GET', `${PRICING}/list`, planHistory],
      ['POST', `${PRICING}/product-plan-cancellation`, changePlan],
      ['GET', `${PLANS}/list`, listPlans],
      ['GET', PLANS, getPlan],
      ['POST', commitmentPath, createCommitment],
      ['GET', `${COMMITMENT}/list`, listCommitments],
    ];
    return table.map(([method, template, handler]) => ({
      method,
      key: `${method} ${template}`,
      pattern: new RegExp(`^${escapeRegExp(template).replace('\\{id\\}', '([^/]+)')}$`),
      handler,
    }));
  };

  const match = (method: string, path: string): { route: Route; params: string[] } | undefined => {
    for (const route of routes()) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found !== null) return { route, params: found.slice(1).map(safeDecode) };
    }
    return undefined;
  };

  return {
    routeKeyOf: (method, path) => match(method, path)?.route.key,
    handle: (request) => {
      const found = match(request.method, request.path);
      if (found === undefined) return error(404, `No route for ${request.method} ${request.path}`);
      return found.route.handler(request, found.params);
    },
    snapshot: () => ({
      customers: [...customers.values()].map((customer) => clone(customer)),
      relations: Object.fromEntries([...relations].map(([id, list]) => [id, clone(list)])),
      commitments: clone(commitments),
    }),
    load: (state) => {
      customers = new Map(
        (state.customers ?? []).map((customer) => [customer.customerId, clone(customer)]),
      );
      relations = new Map(
        Object.entries(state.relations ?? {}).map(([id, list]) => [id, clone(list)]),
      );
      commitments = clone(state.commitments ?? []);
    },
    clear: () => {
      customers = new Map();
      relations = new Map();
      commitments = [];
      sequence = 0;
    },
  };
};
