/**
 * The route table: every emulated endpoint as method, path template and handler, and the matching of a request onto
 * it. The commitment path is a switch (docs/amberflo-api.md §4), so the table is built per request.
 */
import type { EmulatorSwitches } from '../options.ts';
import { createCommitment, listCommitments } from './commitments.ts';
import {
  createCustomer,
  deleteCustomer,
  getCustomerByPath,
  getCustomerByQuery,
  moveStage,
  pageCustomers,
  reinstateCustomer,
  updateCustomer,
} from './customers.ts';
import type { Handler } from './handler.ts';
import { getPlan, listPlans } from './plans.ts';
import { assignPlan, changePlan, currentPlan, planHistory } from './pricing.ts';

const PRICING = '/payments/pricing/amberflo/customer-pricing';
const COMMITMENT = '/payments/pricing/amberflo/customer-commitment';
const PLANS = '/payments/pricing/amberflo/account-pricing/product-plans';

type Route = {
  readonly method: string;
  readonly pattern: RegExp;
  /** 'GET /customers/{id}': what the request log counts and faults are scripted by. */
  readonly key: string;
  readonly handler: Handler;
};

/** A matched request: its route and the decoded `{id}` parts of its path. */
export type RouteMatch = { readonly route: Route; readonly params: readonly string[] };

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const safeDecode = (part: string): string => {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
};

const routes = (switches: EmulatorSwitches): Route[] => {
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
    ['POST', `${COMMITMENT}/${switches.commitmentPath}`, createCommitment],
    ['GET', `${COMMITMENT}/list`, listCommitments],
  ];
  return table.map(([method, template, handler]) => ({
    method,
    key: `${method} ${template}`,
    pattern: new RegExp(`^${escapeRegExp(template).replace('\\{id\\}', '([^/]+)')}$`),
    handler,
  }));
};

/** The first route, in table order, that takes `method` and `path`; undefined when none does. */
export const matchRoute = (
  switches: EmulatorSwitches,
  method: string,
  path: string,
): RouteMatch | undefined => {
  for (const route of routes(switches)) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(path);
    if (found !== null) return { route, params: found.slice(1).map(safeDecode) };
  }
  return undefined;
};
