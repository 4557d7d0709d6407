import type * as z from 'zod';
import { isRecord as isObject } from '../arazzo/is-record.ts';
import { InvalidMessageError, UnsupportedEventError } from '../errors.ts';
import {
  type AccountCreatedMessage,
  AccountCreatedMessageSchema,
} from './account-created-message.ts';

/** Largest SQS body accepted, in UTF-8 bytes. An account-created event is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest JSON nesting accepted (objects and arrays), envelopes included. */
export const MAX_DEPTH = 10;
/** How many envelopes may be nested (e.g. EventBridge → SNS → SQS). */
const MAX_ENVELOPES = 3;

/** Event names that mean "account created", compared without case and punctuation. */
const ACCOUNT_CREATED = new Set(['accountcreated']);
const normaliseEventName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

type JsonObject = Record<string, unknown>;

/**
 * Keys that pollute prototypes when a consumer merges the payload naively (`Object.assign`, deep merges). No producer
 * sends them; a message that carries one is hostile or corrupt, at any level (zod would drop `__proto__` silently).
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Depth of a parsed JSON value and its first forbidden key, walked iteratively so a hostile document cannot overflow
 * the stack. Stops early once the depth limit is passed.
 */
const inspectJson = (root: unknown): { depth: number; forbiddenKey?: string } => {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_DEPTH) return { depth: deepest };
    for (const [key, child] of Object.entries(value)) {
      if (!Array.isArray(value) && FORBIDDEN_KEYS.has(key)) {
        return { depth: deepest, forbiddenKey: key };
      }
      stack.push([child, depth + 1]);
    }
  }
  return { depth: deepest };
};

/**
 * First key that appears twice in one object of a JSON text that `JSON.parse` has accepted. `JSON.parse` keeps the
 * last value while other parsers keep the first, so a producer-side validator and we could read different messages.
 * Keys are compared decoded (`"a"` and `"\u0061"` are the same key).
 */
const findDuplicateKey = (text: string): string | undefined => {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (keys && expectingKey) {
        const raw = text.slice(index, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return key;
        keys.add(key);
        expectingKey = false;
      }
      index = end;
    } else if (char === '{') {
      open.push(new Set());
      expectingKey = true;
    } else if (char === '[') {
      open.push(null);
      expectingKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectingKey = false;
    } else if (char === ',') {
      expectingKey = open.at(-1) instanceof Set;
    }
  }
  return undefined;
};

/** Producer-controlled names (event types, keys) go into errors short and printable. */
const printable = (name: string) => name.slice(0, 64).replace(/[^\x20-\x7E]/g, '?');

const parseJson = (text: string, what: string): unknown => {
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new InvalidMessageError(`${what} is larger than ${MAX_BODY_BYTES} bytes`, {
      issues: [`${what}: larger than ${MAX_BODY_BYTES} bytes`],
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new InvalidMessageError(
      `${what} is not JSON`,
      { issues: [`${what}: not JSON`] },
      { cause },
    );
  }
  const { depth, forbiddenKey } = inspectJson(json);
  if (depth > MAX_DEPTH) {
    throw new InvalidMessageError(`${what} is nested deeper than ${MAX_DEPTH} levels`, {
      issues: [`${what}: nested deeper than ${MAX_DEPTH} levels`],
    });
  }
  if (forbiddenKey !== undefined) {
    throw new InvalidMessageError(`${what} has a forbidden key "${forbiddenKey}"`, {
      issues: [`${what}: forbidden key "${forbiddenKey}"`],
    });
  }
  // Checked after the depth, so the scan keeps at most MAX_DEPTH containers open.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new InvalidMessageError(`${what} has a duplicate key "${printable(duplicate)}"`, {
      issues: [`${what}: duplicate key "${printable(duplicate)}"`],
    });
  }
  return json;
};

const unsupported = (kind: string, name: string) =>
  new UnsupportedEventError(`Unsupported ${kind} "${printable(name)}"`);

/** An SNS notification or an EventBridge event, by the fields that mark them. */
const isEnvelope = (value: JsonObject): boolean =>
  (typeof value['Type'] === 'string' && ('Message' in value || 'TopicArn' in value)) ||
  (typeof value['detail-type'] === 'string' && 'detail' in value);

/**
 * Removes at most one envelope: an SNS notification (its `Message` is JSON text) or an EventBridge event (its
 * `detail`). Returns undefined when the value is not an envelope.
 */
const unwrapOnce = (value: JsonObject): unknown => {
  const snsType = value['Type'];
  if (typeof snsType === 'string' && ('Message' in value || 'TopicArn' in value)) {
    if (snsType !== 'Notification') throw unsupported('SNS message type', snsType);
    const message = value['Message'];
    if (typeof message !== 'string') {
      throw new InvalidMessageError('SNS notification has no Message text', {
        issues: ['Message: expected a JSON string'],
      });
    }
    return parseJson(message, 'SNS Message');
  }
  const detailType = value['detail-type'];
  if (typeof detailType === 'string' && 'detail' in value) {
    if (!ACCOUNT_CREATED.has(normaliseEventName(detailType))) {
      throw unsupported('EventBridge detail-type', detailType);
    }
    return value['detail'];
  }
  return undefined;
};

const toIssues = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);

/**
 * Parses an SQS body into an account-created message. Accepts the raw message, an SNS notification and an
 * EventBridge event (nested up to three envelopes). Throws InvalidMessageError (not JSON, too large, too deep, schema
 * failures with field-level `details.issues`) or UnsupportedEventError (another event type or SNS message type).
 * Error messages never echo field values: they may hold personal data.
 */
export const parseAccountCreatedMessage = (body: string): AccountCreatedMessage => {
  let payload = parseJson(body, 'Body');
  for (let level = 0; level < MAX_ENVELOPES && isObject(payload); level++) {
    const inner = unwrapOnce(payload);
    if (inner === undefined) break;
    payload = inner;
  }
  if (isObject(payload) && isEnvelope(payload)) {
    throw new InvalidMessageError(`Message is wrapped in more than ${MAX_ENVELOPES} envelopes`, {
      issues: [`Body: more than ${MAX_ENVELOPES} nested envelopes`],
    });
  }
  if (!isObject(payload)) {
    throw new InvalidMessageError('Message is not a JSON object', {
      issues: ['Body: expected an object'],
    });
  }
  // A raw body carrying an envelope's marker (without the rest of the envelope) claims to be another event: a
  // producer bug, never something to provision.
  for (const field of ['detail-type', 'Type']) {
    const name = payload[field];
    if (
      name !== undefined &&
      !(typeof name === 'string' && ACCOUNT_CREATED.has(normaliseEventName(name)))
    ) {
      throw new InvalidMessageError(`Message carries a ${field} that is not account-created`, {
        issues: [`${field}: "${printable(String(name))}" is not an account-created event`],
      });
    }
  }
  for (const field of ['type', 'eventType']) {
    const name = payload[field];
    if (typeof name === 'string' && !ACCOUNT_CREATED.has(normaliseEventName(name))) {
      throw unsupported('event type', name);
    }
  }
  const result = AccountCreatedMessageSchema.safeParse(payload);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new InvalidMessageError(
      `Message breaks the account-created schema: ${issues.slice(0, 5).join('; ')}`,
      { issues },
    );
  }
  return result.data;
};
