import { describe, expect, it } from 'vitest';
import { WorkflowDocumentError } from '../../../lib/errors.ts';
import { parseDocumentText, readDocumentFile } from '../../../tools/arazzo/build-time.ts';

const SEED_PATH = new URL('../../fixtures/arazzo/seed.arazzo.yaml', import.meta.url).pathname;

type Seed = {
  arazzo: string;
  info: Record<string, string>;
  sourceDescriptions: Record<string, string>[];
  workflows: {
    workflowId: string;
    summary: string;
    description: string;
    inputs: {
      type: string;
      required: string[];
      properties: Record<string, Record<string, string>>;
    };
    steps: Record<string, unknown>[];
    outputs: Record<string, string>;
  }[];
};

describe('readDocumentFile', () => {
  it('reads the vendored seed workflow into the intended document, field by field', async () => {
    // Prepare
    const path = SEED_PATH;
    // Act
    const parsed = await readDocumentFile(path);
    // Assess
    const seed = parsed.document as Seed;
    expect(Object.keys(seed)).toEqual(['arazzo', 'info', 'sourceDescriptions', 'workflows']);
    expect(seed.arazzo).toBe('1.0.1');
    expect(seed.info).toEqual({
      title: 'Amberflo Create Customer and Assign Plan',
      summary: 'Create a customer account then assign a pricing plan to them.',
      description:
        'The monetization setup flow for a new account. It creates a customer in the Billing API and then assigns a pricing plan (product) to that customer so their usage will be priced. Every step spells out its request inline so the flow can be read and executed without opening the underlying OpenAPI description.',
      version: '1.0.0',
    });
    expect(seed.sourceDescriptions).toEqual([
      { name: 'billingApi', url: '../openapi/amberflo-billing-openapi.yaml', type: 'openapi' },
    ]);
    expect(seed.workflows).toHaveLength(1);
    const workflow = seed.workflows[0];
    expect(workflow?.workflowId).toBe('create-customer-and-assign-plan');
    expect(workflow?.summary).toBe('Create a customer then assign a pricing plan to them.');
    expect(workflow?.description).toBe(
      'Creates a customer account and assigns the supplied pricing plan product to that customer with an optional start time.',
    );
    expect(workflow?.inputs).toEqual({
      type: 'object',
      required: ['apiKey', 'customerId', 'customerName', 'productId'],
      properties: {
        apiKey: {
          type: 'string',
          description: 'Amberflo API key supplied in the X-API-KEY header.',
        },
        customerId: { type: 'string', description: 'Unique customer identifier from your system.' },
        customerName: { type: 'string', description: 'Customer display name.' },
        customerEmail: { type: 'string', description: 'Optional customer contact email.' },
        productId: { type: 'string', description: 'Product or pricing plan identifier to assign.' },
        startTime: {
          type: 'integer',
          description: 'Optional plan start time in Unix milliseconds.',
        },
      },
    });
    expect(workflow?.steps).toEqual([
      {
        stepId: 'createCustomer',
        description: 'Create the customer account that the pricing plan will be assigned to.',
        operationId: 'createCustomer',
        parameters: [{ name: 'X-API-KEY', in: 'header', value: '$inputs.apiKey' }],
        requestBody: {
          contentType: 'application/json',
          payload: {
            customerId: '$inputs.customerId',
            customerName: '$inputs.customerName',
            customerEmail: '$inputs.customerEmail',
            lifecycleStage: 'ACTIVE',
          },
        },
        successCriteria: [{ condition: '$statusCode == 200' }],
        outputs: { customerId: '$response.body#/customerId' },
      },
      {
        stepId: 'assignPlan',
        description: 'Assign the pricing plan product to the newly created customer.',
        operationId: 'assignPricingPlan',
        parameters: [{ name: 'X-API-KEY', in: 'header', value: '$inputs.apiKey' }],
        requestBody: {
          contentType: 'application/json',
          payload: {
            customerId: '$steps.createCustomer.outputs.customerId',
            productId: '$inputs.productId',
            startTime: '$inputs.startTime',
          },
        },
        successCriteria: [{ condition: '$statusCode == 200' }],
        outputs: {
          assignedCustomerId: '$response.body#/customerId',
          assignedProductId: '$response.body#/productId',
        },
      },
    ]);
    expect(workflow?.outputs).toEqual({
      customerId: '$steps.createCustomer.outputs.customerId',
      assignedProductId: '$steps.assignPlan.outputs.assignedProductId',
    });
  });

  it('refuses a file it cannot read with WorkflowDocumentError', async () => {
    // Prepare
    const path = `${SEED_PATH}.missing`;
    // Act
    const act = readDocumentFile(path);
    // Assess
    await expect(act).rejects.toThrow(WorkflowDocumentError);
  });
});

describe('parseDocumentText', () => {
  it('parses ordinary YAML and JSON', () => {
    // Prepare
    const texts = ['arazzo: 1.0.1\ninfo:\n  title: t\n', '{"arazzo": "1.0.1"}'];
    // Act
    const parsed = texts.map((text) => parseDocumentText(text, 'doc').document);
    // Assess
    expect(parsed).toEqual([{ arazzo: '1.0.1', info: { title: 't' } }, { arazzo: '1.0.1' }]);
  });

  it.each([
    ['broken YAML', 'arazzo: 1.0.1\n  bad: : indent\n'],
    ['a repeated key', 'arazzo: 1.0.1\narazzo: 1.0.0\n'],
    ['a bare scalar', 'arazzo'],
    ['a list', '- arazzo\n'],
    ['a flattened single line', 'arazzo: 1.0.1 info: title: t version: 1'],
  ])('refuses %s with WorkflowDocumentError', (_name, text) => {
    // Prepare
    const what = 'doc';
    // Act
    const act = () => parseDocumentText(text, what);
    // Assess
    expect(act).toThrow(WorkflowDocumentError);
  });
});
