/** The product-plan catalogue (the `planCatalogue` switch; null means every plan id exists). */
import { clone, error, type Handler, ok, type Reply, type RouteContext } from './handler.ts';

/**
 * The reply when a plan cannot go to a customer (no such live customer, a plan the catalogue lacks), or undefined
 * when it can.
 */
export const checkPlanFor = (
  { store, switches }: RouteContext,
  customerId: string,
  planId: string,
): Reply | undefined => {
  if (store.liveCustomer(customerId) === undefined) {
    return error(400, `Invalid request: customer ${customerId} does not exist`);
  }
  const catalogue = switches.planCatalogue;
  if (catalogue === null || catalogue.some((plan) => plan.id === planId)) return undefined;
  return error(
    switches.unknownPlanStatus,
    `Invalid request: product plan ${planId} does not exist`,
  );
};

export const listPlans: Handler = ({ switches }) => ok(clone(switches.planCatalogue ?? []));

export const getPlan: Handler = ({ switches }, request) => {
  const id = request.query.get('productPlanId');
  const plan = (switches.planCatalogue ?? []).find((candidate) => candidate.id === id);
  return plan === undefined ? error(404, `Product plan ${id ?? ''} not found`) : ok(clone(plan));
};
