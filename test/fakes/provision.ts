import type { AccountCreatedMessage } from '../../lib/messages/account-created-message.ts';
import type {
  Provision,
  ProvisionResult,
  RunOptions,
} from '../../lib/provisioning/provision-account.ts';

type Behaviour = (message: AccountCreatedMessage, options: RunOptions) => Promise<ProvisionResult>;

/** A `provision` dependency that records its calls; its behaviour can be set per customerId. */
export const createFakeProvision = () => {
  const calls: AccountCreatedMessage[] = [];
  const behaviours = new Map<string, Behaviour>();
  const created = (customerId: string): ProvisionResult => ({
    customerId,
    customer: 'created',
    plan: 'assigned',
    commitment: 'none',
    replayed: false,
  });
  const provision: Provision = async (message, options) => {
    calls.push(message);
    const behaviour = behaviours.get(message.customerId);
    return behaviour ? behaviour(message, options) : created(message.customerId);
  };
  return {
    provision,
    calls,
    /** Sets what provisioning `customerId` does. */
    on(customerId: string, behaviour: Behaviour) {
      behaviours.set(customerId, behaviour);
    },
  };
};
