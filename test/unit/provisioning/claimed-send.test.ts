import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../../lib/arazzo/http-port.ts';
import { createClaimedSend, operationIdOf } from '../../../lib/provisioning/claimed-send.ts';
import {
  type WriteClaimKey,
  type WriteClaimStore,
  writeClaimId,
} from '../../../lib/provisioning/write-claims.ts';
import { loadProvisionAccountWorkflow } from '../../../lib/workflows/provision-account.ts';

const BASE_URL = 'http://127.0.0.1:9/v1';

/** A store that grants every claim and records the claim ids. */
const recordingStore = () => {
  const ids: string[] = [];
  const store: WriteClaimStore = {
    claim: async (key: WriteClaimKey) => {
      ids.push(writeClaimId(key));
      return { granted: true };
    },
    release: async () => {},
    settleSeconds: 900,
  };
  return { store, ids };
};

const claimIdOf = async (
  operations: Parameters<typeof createClaimedSend>[0]['operations'],
  request: Pick<HttpRequest, 'method' | 'url'>,
) => {
  const { store, ids } = recordingStore();
  const send = createClaimedSend({
    send: async () => ({ status: 200, headers: {}, bodyText: '{}' }),
    store,
    scope: 'provision-account',
    baseUrl: BASE_URL,
    operations,
    secrets: () => [],
  });
  const body = JSON.stringify({ customerId: 'acct-1' });
  await send(
    { ...request, source: 'amberflo', headers: {}, body },
    { signal: new AbortController().signal, timeoutMs: 1_000 },
  );
  return ids;
};

describe('the claim key of a write', () => {
  it("is the provision-account document's operationId, without its source's prefix", async () => {
    // Act
    const ids = await claimIdOf(loadProvisionAccountWorkflow().operations, {
      method: 'POST',
      url: `${BASE_URL}/customers`,
    });
    // Assess
    expect(ids).toEqual(['provision-account#write#acct-1#createCustomer']);
  });

  it.each([
    ['amberflo.createCustomer', { source: 'amberflo' }, 'createCustomer'],
    ['amberflo.customers.create', { source: 'amberflo' }, 'customers.create'],
    ['billing.createCustomer', { source: 'amberflo' }, 'billing.createCustomer'],
    ['amberflo POST /v1.2/customers', { source: 'amberflo' }, 'amberflo POST /v1.2/customers'],
    ['custom.op', {}, 'custom.op'],
  ])('names %s (source %j) %s', async (key, source, expected) => {
    // Act
    const id = operationIdOf(key, { ...source, method: 'POST', path: '/customers' });
    const ids = await claimIdOf(
      { [key]: { ...source, method: 'POST', path: '/customers' } },
      { method: 'POST', url: `${BASE_URL}/customers` },
    );
    // Assess
    expect(id).toBe(expected);
    expect(ids).toEqual([`provision-account#write#acct-1#${expected}`]);
  });
});
