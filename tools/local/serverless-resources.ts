import { readFile } from 'node:fs/promises';
import { parse, type ScalarTag } from 'yaml';
import { FAILURE_METADATA_MAX_BYTES } from '../../lib/dead-letters/failure-metadata.ts';

/**
 * Reads the queues and the idempotency table that `serverless.yml` declares, so the local run creates them with the
 * same attributes as a deployment instead of a hand-copied second definition.
 * Only what the local stack needs is resolved: `${self:custom.x}`, `${sls:stage}`, `!Ref`, `!GetAtt`.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type DeclaredQueue = {
  readonly logicalId: string;
  readonly name: string;
  /** SQS attributes as CreateQueue takes them (strings); RedrivePolicy names its DLQ by logical id. */
  readonly attributes: Record<string, string>;
  readonly deadLetterLogicalId?: string;
  readonly maxReceiveCount?: number;
};

export type DeclaredTable = {
  readonly logicalId: string;
  readonly name: string;
  readonly keyAttribute: string;
  readonly ttlAttribute?: string;
};

export type DeclaredResources = {
  readonly service: string;
  readonly queues: readonly DeclaredQueue[];
  readonly sourceQueue: DeclaredQueue;
  readonly deadLetterQueue: DeclaredQueue;
  readonly table: DeclaredTable;
  /** Function timeout in seconds (the local loop's per-invocation deadline). */
  readonly functionTimeoutSeconds: number;
  readonly batchSize: number;
  /** The SQS event's `maximumConcurrency` for this stage, as declared (validated by its reader). */
  readonly maximumConcurrency: Json | undefined;
  /** The `MAX_RECEIVE_COUNT` the function is deployed with. */
  readonly maxReceiveCount: number;
  /** The function's literal environment (values that are CloudFormation references are left out). */
  readonly environment: Readonly<Record<string, string>>;
};

const tags: ScalarTag[] = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!Sub', resolve: (value: string) => ({ 'Fn::Sub': value }) },
] as unknown as ScalarTag[];

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const lookup = (root: Json, path: string): Json | undefined => {
  let current: Json | undefined = root;
  for (const segment of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
};

const VARIABLE = /\$\{(self|param|opt|sls|env):([A-Za-z0-9_.-]+)(?:,\s*'([^']*)')?\}/;

/**
 * Resolves the variables serverless.yml uses (`${self:…}`, `${param:…}`, `${sls:stage}`, `${opt:stage, '…'}`) for
 * one stage. `${env:…}` keeps its default: the local stack sets its own environment.
 */
const resolveVariables = (value: Json, root: Json, stage: string): Json => {
  const resolveOne = (
    kind: string,
    path: string,
    fallback: string | undefined,
  ): Json | undefined => {
    if (kind === 'self') return lookup(root, path);
    if (kind === 'param')
      return lookup(root, `params.${stage}.${path}`) ?? lookup(root, `params.default.${path}`);
    if (kind === 'sls' || kind === 'opt') return path === 'stage' ? stage : fallback;
    return fallback;
  };
  if (typeof value === 'string') {
    const whole = new RegExp(`^${VARIABLE.source}$`).exec(value);
    if (whole?.[1] && whole[2]) {
      const found = resolveOne(whole[1], whole[2], whole[3]);
      return found === undefined ? value : resolveVariables(found, root, stage);
    }
    return value.replace(
      new RegExp(VARIABLE.source, 'g'),
      (match, kind: string, path: string, fallback) => {
        const found = resolveOne(kind, path, fallback as string | undefined);
        return typeof found === 'string' || typeof found === 'number'
          ? String(resolveVariables(found, root, stage))
          : match;
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, root, stage));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveVariables(item, root, stage)]),
    );
  }
  return value;
};

const logicalIdOf = (reference: Json | undefined): string | undefined => {
  if (!isObject(reference)) return undefined;
  const getAtt = reference['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return typeof reference['Ref'] === 'string' ? reference['Ref'] : undefined;
};

const toQueue = (
  logicalId: string,
  properties: Record<string, Json>,
  service: string,
  stage: string,
) => {
  const attributes: Record<string, string> = {};
  let deadLetterLogicalId: string | undefined;
  let maxReceiveCount: number | undefined;
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'QueueName' || key === 'Tags') continue;
    if (key === 'RedrivePolicy' && isObject(value)) {
      deadLetterLogicalId = logicalIdOf(value['deadLetterTargetArn']);
      maxReceiveCount = Number(value['maxReceiveCount']);
      continue;
    }
    if (key === 'RedriveAllowPolicy') continue; // names ARNs of the deployment; not needed on loopback
    attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const declaredName = properties['QueueName'];
  const name =
    typeof declaredName === 'string'
      ? declaredName
      : `${service}-${stage}-${logicalId}`.slice(0, 80);
  return {
    logicalId,
    name,
    attributes,
    ...(deadLetterLogicalId ? { deadLetterLogicalId } : {}),
    ...(maxReceiveCount ? { maxReceiveCount } : {}),
  };
};

/** Parses `serverless.yml` and returns the declared queues, DLQ, table and function settings. */
export const readDeclaredResources = async (
  path = 'serverless.yml',
  stage = 'local',
): Promise<DeclaredResources> => {
  const raw = parse(await readFile(path, 'utf8'), { customTags: tags }) as Json;
  const doc = resolveVariables(raw, raw, stage);
  const service = String(lookup(doc, 'service') ?? 'service');
  const resources = lookup(doc, 'resources.Resources');
  if (!isObject(resources)) throw new TypeError(`${path}: no resources.Resources section`);

  const queues: DeclaredQueue[] = [];
  let table: DeclaredTable | undefined;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource)) continue;
    const properties = isObject(resource['Properties']) ? resource['Properties'] : {};
    if (resource['Type'] === 'AWS::SQS::Queue')
      queues.push(toQueue(logicalId, properties, service, stage));
    if (resource['Type'] === 'AWS::DynamoDB::Table') {
      const keySchema = properties['KeySchema'];
      const hash = Array.isArray(keySchema)
        ? keySchema.find((key) => isObject(key) && key['KeyType'] === 'HASH')
        : undefined;
      const ttl = properties['TimeToLiveSpecification'];
      const tableName = properties['TableName'];
      table = {
        logicalId,
        name: typeof tableName === 'string' ? tableName : `${service}-${stage}-${logicalId}`,
        keyAttribute: isObject(hash) ? String(hash['AttributeName']) : 'id',
        ...(isObject(ttl) && typeof ttl['AttributeName'] === 'string'
          ? { ttlAttribute: ttl['AttributeName'] }
          : {}),
      };
    }
  }

  const functions = lookup(doc, 'functions');
  const firstFunction = isObject(functions) ? Object.values(functions).find(isObject) : undefined;
  const events = firstFunction?.['events'];
  const sqsEvent = Array.isArray(events)
    ? events.map((event) => (isObject(event) ? event['sqs'] : undefined)).find(isObject)
    : undefined;
  const sourceLogicalId = logicalIdOf(sqsEvent?.['arn']);
  const sourceQueue = queues.find((queue) => queue.logicalId === sourceLogicalId);
  const deadLetterQueue = queues.find(
    (queue) => queue.logicalId === sourceQueue?.deadLetterLogicalId,
  );
  if (!sourceQueue || !deadLetterQueue || !table) {
    throw new TypeError(
      `${path}: expected an SQS-triggered function, its queue with a DLQ, and a table`,
    );
  }
  const environment = {
    ...(isObject(lookup(doc, 'provider.environment'))
      ? (lookup(doc, 'provider.environment') as object)
      : {}),
    ...(isObject(firstFunction?.['environment']) ? (firstFunction['environment'] as object) : {}),
  } as Record<string, Json>;
  return {
    service,
    queues,
    sourceQueue,
    deadLetterQueue,
    table,
    functionTimeoutSeconds: Number(
      firstFunction?.['timeout'] ?? lookup(doc, 'provider.timeout') ?? 6,
    ),
    batchSize: Number(sqsEvent?.['batchSize'] ?? 10),
    maximumConcurrency: sqsEvent?.['maximumConcurrency'],
    maxReceiveCount: Number(environment['MAX_RECEIVE_COUNT'] ?? sourceQueue.maxReceiveCount ?? 5),
    environment: Object.fromEntries(
      Object.entries(environment)
        .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
        .map(([key, value]) => [key, String(value)]),
    ),
  };
};

/** SQS's default and largest MaximumMessageSize (1 MiB): what a queue without the attribute accepts. */
const SQS_MAX_MESSAGE_SIZE = 1_048_576;

const maximumMessageSize = (queue: DeclaredQueue): number =>
  Number(queue.attributes['MaximumMessageSize'] ?? SQS_MAX_MESSAGE_SIZE);

/**
 * Checks that a dead letter always fits: the DLQ must accept the source queue's largest message plus our
 * `provisioning-failure` attribute. Returns the spare bytes; throws TypeError when the declaration leaves none.
 */
export const checkDeadLetterRoom = (resources: DeclaredResources): number => {
  const room =
    maximumMessageSize(resources.deadLetterQueue) - maximumMessageSize(resources.sourceQueue);
  if (room <= FAILURE_METADATA_MAX_BYTES) {
    throw new TypeError(
      `serverless.yml: the DLQ's MaximumMessageSize must exceed the source queue's by more than ${FAILURE_METADATA_MAX_BYTES} bytes (the failure metadata), got ${room}`,
    );
  }
  return room - FAILURE_METADATA_MAX_BYTES;
};
