import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocumentText, unflattenYaml } from '../../../lib/arazzo/build-time.ts';
import { WorkflowDocumentError } from '../../../lib/errors.ts';

const SEED = readFileSync(
  new URL('../../../../shared/seeds/000_9cb5708f458228b1.txt', import.meta.url),
  'utf8',
);

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

describe('parseDocumentText with single-line recovery', () => {
  it('recovers the flattened seed into the intended document, field by field', () => {
    // Prepare
    const text = SEED;
    // Act
    const parsed = parseDocumentText(text, 'seed');
    // Assess
    const seed = parsed.document as Seed;
    expect(parsed.recovered).toBe(true);
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

  it('parses ordinary multi-line YAML and JSON without recovery', () => {
    // Prepare
    const texts = ['arazzo: 1.0.1\ninfo:\n  title: t\n', '{"arazzo": "1.0.1"}'];
    // Act
    const parsed = texts.map((text) => parseDocumentText(text, 'doc'));
    // Assess
    expect(parsed.map((result) => result.recovered)).toEqual([false, false]);
    expect(parsed[0]?.document).toEqual({ arazzo: '1.0.1', info: { title: 't' } });
  });

  it('does not try recovery on broken multi-line YAML', () => {
    // Prepare
    const text = 'arazzo: 1.0.1\n  bad: : indent\n';
    // Act
    const act = () => parseDocumentText(text, 'doc');
    // Assess
    expect(act).toThrow(WorkflowDocumentError);
  });

  it('refuses a single line whose keys fit no Arazzo object', () => {
    // Prepare
    const text = 'arazzo: 1.0.1 info: title: t version: 1 unknownRootKey: - x';
    // Act
    const act = () => parseDocumentText(text, 'doc');
    // Assess
    expect(act).toThrow(WorkflowDocumentError);
  });
});

describe('unflattenYaml', () => {
  it.each([
    [
      'a free-form payload ends at the enclosing step key',
      'arazzo: 1.0.1 workflows: - workflowId: w steps: - stepId: s requestBody: payload: a: 1 nested: b: x successCriteria: - condition: $statusCode == 200',
      'arazzo: 1.0.1\nworkflows:\n  - workflowId: w\n    steps:\n      - stepId: s\n        requestBody:\n          payload:\n            a: 1\n            nested:\n              b: x\n        successCriteria:\n          - condition: $statusCode == 200\n',
    ],
    [
      'a nested action list returns to the steps list on a new stepId',
      'workflows: - workflowId: w steps: - stepId: a onFailure: - name: r type: retry - stepId: b',
      'workflows:\n  - workflowId: w\n    steps:\n      - stepId: a\n        onFailure:\n          - name: r\n            type: retry\n      - stepId: b\n',
    ],
    [
      'a folded scalar keeps a word that ends in a colon when no object accepts it',
      'info: description: >- Note: read this title: T',
      'info:\n  description: >-\n    Note: read this\n  title: T\n',
    ],
  ])('rebuilds %s', (_name, line, expected) => {
    // Prepare
    const text = line;
    // Act
    const yaml = unflattenYaml(text);
    // Assess
    expect(yaml).toBe(expected);
  });
});
