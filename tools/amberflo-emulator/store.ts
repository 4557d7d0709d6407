/**
 * The emulator's in-memory state: customers, customer-to-plan relations and commitments, with the id sequence and the
 * admin operations (snapshot, load, clear). Route handlers read and change it; it knows nothing of HTTP.
 */

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
  /** Soft delete (docs/amberflo-api.md §11): hidden from reads, the id stays taken. */
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

/** A new relation; the start defaults to now, the end stays open when absent. */
export type NewRelation = {
  readonly customerId: string;
  readonly productPlanId: string;
  readonly productId: string;
  readonly startTimeInSeconds?: number | undefined;
  readonly endTimeInSeconds?: number | undefined;
};

/** The live state. Collections are handed out by reference: handlers change them in place. */
export type EmulatorStore = {
  readonly customers: () => Map<string, StoredCustomer>;
  /** The customer unless absent or soft-deleted. */
  readonly liveCustomer: (id: string | null | undefined) => StoredCustomer | undefined;
  /** A customer's relations, oldest first; undefined when it never had one. */
  readonly relationsOf: (customerId: string) => StoredRelation[] | undefined;
  readonly appendRelation: (relation: NewRelation) => StoredRelation;
  readonly commitments: () => StoredCommitment[];
  /** `prefix-000001`, `prefix-000002`, …: one sequence for every kind of id. */
  readonly nextId: (prefix: string) => string;
  /** The clock, in whole seconds. */
  readonly seconds: () => number;
  readonly snapshot: () => EmulatorState;
  /** Replaces the state (admin seeding); missing parts become empty. The id sequence carries on. */
  readonly load: (state: Partial<EmulatorState>) => void;
  /** Empty state, and the id sequence from the start. */
  readonly clear: () => void;
};

const clone = <T>(value: T): T => structuredClone(value);

/** Creates an empty store over the given clock (ms). */
export const createEmulatorStore = (now: () => number): EmulatorStore => {
  let customers = new Map<string, StoredCustomer>();
  let relations = new Map<string, StoredRelation[]>();
  let commitments: StoredCommitment[] = [];
  let sequence = 0;
  const nextId = (prefix: string): string => {
    sequence += 1;
    return `${prefix}-${String(sequence).padStart(6, '0')}`;
  };
  const seconds = (): number => Math.floor(now() / 1000);

  const appendRelation = (input: NewRelation): StoredRelation => {
    const { customerId, productId, productPlanId, endTimeInSeconds } = input;
    const relation: StoredRelation = {
      customerId,
      productId,
      productPlanId,
      startTimeInSeconds: input.startTimeInSeconds ?? seconds(),
      ...(endTimeInSeconds === undefined ? {} : { endTimeInSeconds }),
      relationId: nextId('relation'),
      createdTimeInSeconds: seconds(),
    };
    const list = relations.get(customerId) ?? [];
    list.push(relation);
    relations.set(customerId, list);
    return relation;
  };

  return {
    customers: () => customers,
    liveCustomer: (id) => {
      if (id === null || id === undefined) return undefined;
      const customer = customers.get(id);
      return customer === undefined || customer.deleted ? undefined : customer;
    },
    relationsOf: (customerId) => relations.get(customerId),
    appendRelation,
    commitments: () => commitments,
    nextId,
    seconds,
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
