import type { ErrorCode } from '../../lib/errors.ts';

/** The codes a bad input may be dead-lettered with: both permanent, so on the first receive. */
export type BadInputCode = Extract<ErrorCode, 'INVALID_MESSAGE' | 'UNSUPPORTED_EVENT'>;

/** One malformed or hostile SQS body, the code it must be dead-lettered with and what its reason must say. */
export type BadInput = {
  readonly name: string;
  readonly body: string;
  readonly code: BadInputCode;
  /** A substring or pattern the failure message (the `provisioning-failure` reason) must contain. */
  readonly reason: string | RegExp;
  /** The customer id the message names or tries to smuggle in; it must never reach Amberflo. */
  readonly customerId: string;
  /** False when SQS itself refuses the body, so it can never reach the function; checked by the parser only. */
  readonly deliverableBySqs: boolean;
};

/** Every corpus customer id that is an ordinary string starts with this, so a request log can be searched for it. */
export const BAD_CUSTOMER_ID_PREFIX = 'bad-input-';

let counter = 0;
const nextId = () => {
  counter += 1;
  return `${BAD_CUSTOMER_ID_PREFIX}${String(counter).padStart(3, '0')}`;
};

type Fields = Record<string, unknown>;

/** A message that would be valid but for the overrides (a field set to undefined is left out). */
const message = (customerId: string, overrides: Fields = {}): Fields => ({
  customerId,
  customerName: 'Hostile Input Ltd',
  customerEmail: 'billing@hostile.example',
  productId: 'plan-pro',
  startTime: 1_767_225_600_000,
  ...overrides,
});

const json = (value: unknown) => JSON.stringify(value);

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const sns = (fields: Fields): Fields => ({
  Type: 'Notification',
  MessageId: '5a1b2c3d-0000-4000-8000-000000000000',
  TopicArn: 'arn:aws:sns:us-east-1:000000000000:account-events',
  Timestamp: '2026-01-01T00:00:00.000Z',
  ...fields,
});

const eventBridge = (detailType: string, detail: unknown): Fields => ({
  version: '0',
  id: '6b2c3d4e-0000-4000-8000-000000000000',
  'detail-type': detailType,
  source: 'com.example.accounts',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

type Row = Omit<BadInput, 'customerId' | 'deliverableBySqs'> & {
  readonly customerId?: string;
  readonly deliverableBySqs?: boolean;
};

/** Builds a row whose body names a fresh `bad-input-NNN` customer id. */
const row = (
  name: string,
  code: BadInputCode,
  reason: string | RegExp,
  makeBody: (customerId: string) => string,
): Row => {
  const customerId = nextId();
  return { name, code, reason, customerId, body: makeBody(customerId) };
};

/** Builds a row whose hostile part is the customer id itself. */
const hostileId = (name: string, customerId: string, reason: string | RegExp): Row => ({
  name,
  code: 'INVALID_MESSAGE',
  reason,
  customerId,
  body: json(message(customerId)),
});

const NOT_JSON = 'Body is not JSON';
const NOT_OBJECT = 'Message is not a JSON object';
const ID_CHARSET = 'customerId: may contain only letters, digits';
const TOO_DEEP = 'nested deeper than 10 levels';

const rows: Row[] = [
  // Not JSON
  row('truncated JSON', 'INVALID_MESSAGE', NOT_JSON, (id) => json(message(id)).slice(0, 40)),
  {
    name: 'empty body',
    code: 'INVALID_MESSAGE',
    reason: NOT_JSON,
    body: '',
    deliverableBySqs: false,
  },
  { name: 'whitespace only', code: 'INVALID_MESSAGE', reason: NOT_JSON, body: ' \n\t\r\n ' },
  row(
    'byte order mark before the JSON',
    'INVALID_MESSAGE',
    NOT_JSON,
    (id) => `\uFEFF${json(message(id))}`,
  ),
  row('NaN literal', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { startTime: 0 })).replace('"startTime":0', '"startTime":NaN'),
  ),
  row('Infinity literal', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { startTime: 0 })).replace('"startTime":0', '"startTime":Infinity'),
  ),
  row('trailing comma in the object', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id)).replace(/}$/, ',}'),
  ),
  row('trailing comma in an array', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { tags: ['a'] })).replace('["a"]', '["a",]'),
  ),
  row('single-quoted strings', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id)).replaceAll('"', "'"),
  ),
  row('JSON5 unquoted keys', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id)).replace(/"(\w+)":/g, '$1:'),
  ),
  row('JSON5 comments', 'INVALID_MESSAGE', NOT_JSON, (id) => `// account\n${json(message(id))}`),
  row('JSON5 hexadecimal number', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { startTime: 0 })).replace('"startTime":0', '"startTime":0x19B7'),
  ),
  row(
    'trailing garbage after the object',
    'INVALID_MESSAGE',
    NOT_JSON,
    (id) => `${json(message(id))} trailing`,
  ),
  row(
    'two concatenated objects (NDJSON)',
    'INVALID_MESSAGE',
    NOT_JSON,
    (id) => `${json(message(id))}\n${json(message(`${id}-second`))}`,
  ),
  row('raw line feed inside a string', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { customerName: 'Line one' })).replace('Line one', 'Line\none'),
  ),
  row('raw tab inside a string', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { customerName: 'Tab here' })).replace('Tab here', 'Tab\there'),
  ),
  row(
    'XML instead of JSON',
    'INVALID_MESSAGE',
    NOT_JSON,
    (id) => `<account><customerId>${id}</customerId></account>`,
  ),
  row('Python literals', 'INVALID_MESSAGE', NOT_JSON, (id) =>
    json(message(id, { customerEmail: null })).replace('null', 'None'),
  ),

  // Wrong top-level types
  row('a JSON array of messages', 'INVALID_MESSAGE', NOT_OBJECT, (id) => json([message(id)])),
  row('a JSON string holding the message', 'INVALID_MESSAGE', NOT_OBJECT, (id) =>
    json(json(message(id))),
  ),
  { name: 'a JSON number', code: 'INVALID_MESSAGE', reason: NOT_OBJECT, body: '42' },
  { name: 'JSON null', code: 'INVALID_MESSAGE', reason: NOT_OBJECT, body: 'null' },
  { name: 'JSON true', code: 'INVALID_MESSAGE', reason: NOT_OBJECT, body: 'true' },

  // Wrong field types
  {
    name: 'number customerId',
    code: 'INVALID_MESSAGE',
    reason: /customerId: .*expected string/,
    customerId: '4815162342',
    body: json(message('x', { customerId: 4_815_162_342 })),
  },
  row('array customerId', 'INVALID_MESSAGE', /customerId: .*expected string/, (id) =>
    json(message(id, { customerId: [id] })),
  ),
  row('object customerName', 'INVALID_MESSAGE', /customerName: .*expected string/, (id) =>
    json(message(id, { customerName: { first: 'Hostile' } })),
  ),
  row('string startTime', 'INVALID_MESSAGE', /startTime: .*expected number/, (id) =>
    json(message(id, { startTime: '1767225600000' })),
  ),
  row('float startTime', 'INVALID_MESSAGE', 'startTime: must be an integer', (id) =>
    json(message(id, { startTime: 1_767_225_600_000.5 })),
  ),
  row('negative startTime', 'INVALID_MESSAGE', 'startTime: must not be negative', (id) =>
    json(message(id, { startTime: -1_767_225_600_000 })),
  ),
  row('huge startTime', 'INVALID_MESSAGE', 'startTime: must be an integer', (id) =>
    json(message(id, { startTime: 1e300 })),
  ),
  row(
    'startTime overflowing to Infinity',
    'INVALID_MESSAGE',
    /startTime: .*expected number/,
    (id) => json(message(id, { startTime: 0 })).replace('"startTime":0', '"startTime":1e400'),
  ),
  row('startTime in seconds', 'INVALID_MESSAGE', 'startTime: looks like seconds', (id) =>
    json(message(id, { startTime: 1_767_225_600 })),
  ),
  row('startTime before 2000', 'INVALID_MESSAGE', 'startTime: must not be before 2000', (id) =>
    json(message(id, { startTime: 915_148_800_000 })),
  ),
  row(
    'startTime more than five years ahead',
    'INVALID_MESSAGE',
    'startTime: must not be more than 5 years from now',
    (id) => json(message(id, { startTime: Date.now() + 6 * 366 * 24 * 3600 * 1000 })),
  ),
  row(
    'raw body with another EventBridge detail-type',
    'INVALID_MESSAGE',
    'carries a detail-type that is not account-created',
    (id) => json({ ...message(id), 'detail-type': 'OrderPlaced' }),
  ),
  row(
    'raw body with an SNS Type that is not account-created',
    'INVALID_MESSAGE',
    'carries a Type that is not account-created',
    (id) => json({ ...message(id), Type: 'SubscriptionConfirmation' }),
  ),
  row('null startTime', 'INVALID_MESSAGE', /startTime: .*expected number/, (id) =>
    json(message(id, { startTime: null })),
  ),
  row('boolean productId', 'INVALID_MESSAGE', /productId: .*expected string/, (id) =>
    json(message(id, { productId: true })),
  ),
  row('number customerEmail', 'INVALID_MESSAGE', 'customerEmail', (id) =>
    json(message(id, { customerEmail: 42 })),
  ),
  row('trait with a number value', 'INVALID_MESSAGE', /traits\.seats: .*expected string/, (id) =>
    json(message(id, { traits: { seats: 25 } })),
  ),
  row('trait with an object value', 'INVALID_MESSAGE', /traits\.owner: .*expected string/, (id) =>
    json(message(id, { traits: { owner: { name: 'x' } } })),
  ),
  row('traits as an array', 'INVALID_MESSAGE', /traits: .*expected record/, (id) =>
    json(message(id, { traits: ['tier', 'gold'] })),
  ),
  row(
    'commitment with zero cycles',
    'INVALID_MESSAGE',
    'commitment.cycles: must be positive',
    (id) =>
      json(
        message(id, {
          commitment: {
            label: 'Annual',
            cycles: 0,
            trueup: { minimumPayment: 100, interval: 'MONTH' },
          },
        }),
      ),
  ),
  row(
    'commitment with fractional cycles',
    'INVALID_MESSAGE',
    'commitment.cycles: must be an integer',
    (id) =>
      json(
        message(id, {
          commitment: {
            label: 'Annual',
            cycles: 1.5,
            trueup: { minimumPayment: 100, interval: 'MONTH' },
          },
        }),
      ),
  ),
  row(
    'commitment with string cycles',
    'INVALID_MESSAGE',
    /commitment\.cycles: .*expected number/,
    (id) =>
      json(
        message(id, {
          commitment: {
            label: 'Annual',
            cycles: '12',
            trueup: { minimumPayment: 100, interval: 'MONTH' },
          },
        }),
      ),
  ),
  row('commitment with a million cycles', 'INVALID_MESSAGE', 'commitment.cycles', (id) =>
    json(
      message(id, {
        commitment: {
          label: 'Annual',
          cycles: 1_000_000,
          trueup: { minimumPayment: 100, interval: 'MONTH' },
        },
      }),
    ),
  ),
  row('commitment without trueup', 'INVALID_MESSAGE', 'commitment.trueup', (id) =>
    json(message(id, { commitment: { label: 'Annual', cycles: 12 } })),
  ),
  row(
    'commitment with a negative minimum payment',
    'INVALID_MESSAGE',
    'commitment.trueup.minimumPayment: must not be negative',
    (id) =>
      json(
        message(id, {
          commitment: {
            label: 'Annual',
            cycles: 12,
            trueup: { minimumPayment: -5, interval: 'MONTH' },
          },
        }),
      ),
  ),
  row(
    'commitment with trueup as a string',
    'INVALID_MESSAGE',
    /commitment\.trueup: .*expected object/,
    (id) => json(message(id, { commitment: { label: 'Annual', cycles: 12, trueup: 'monthly' } })),
  ),

  // Missing fields
  { name: 'empty object', code: 'INVALID_MESSAGE', reason: 'customerId', body: '{}' },
  row('missing customerId', 'INVALID_MESSAGE', /customerId: .*expected string/, (id) =>
    json({ ...message(id, { customerId: undefined }), note: id }),
  ),
  row('missing customerName', 'INVALID_MESSAGE', /customerName: .*expected string/, (id) =>
    json(message(id, { customerName: undefined })),
  ),
  row(
    'missing productId and no default plan',
    'INVALID_MESSAGE',
    'productId is missing and no default plan',
    (id) => json(message(id, { productId: undefined })),
  ),

  // Empty strings
  row('empty customerId', 'INVALID_MESSAGE', 'customerId: must not be empty', (id) =>
    json({ ...message(id, { customerId: '' }), note: id }),
  ),
  row('blank customerName', 'INVALID_MESSAGE', 'customerName: must not be empty', (id) =>
    json(message(id, { customerName: '   ' })),
  ),
  row('empty productId', 'INVALID_MESSAGE', 'productId: must not be empty', (id) =>
    json(message(id, { productId: '' })),
  ),
  row('empty eventId', 'INVALID_MESSAGE', 'eventId: must not be empty', (id) =>
    json(message(id, { eventId: '' })),
  ),

  // Huge bodies and fields
  row('body over the 64 KiB limit', 'INVALID_MESSAGE', 'Body is larger than 65536 bytes', (id) =>
    json(message(id, { customerName: 'x'.repeat(70_000) })),
  ),
  row(
    'many top-level keys over the limit',
    'INVALID_MESSAGE',
    'Body is larger than 65536 bytes',
    (id) =>
      json(
        message(id, Object.fromEntries(Array.from({ length: 8_000 }, (_, i) => [`key${i}`, i]))),
      ),
  ),
  row(
    'huge customerName within the limit',
    'INVALID_MESSAGE',
    'customerName: must be at most 256 characters',
    (id) => json(message(id, { customerName: 'N'.repeat(5_000) })),
  ),
  hostileId(
    'customerId of 129 characters',
    `${BAD_CUSTOMER_ID_PREFIX}${'9'.repeat(119)}`,
    'customerId: must be at most 128 characters',
  ),
  row('a thousand traits', 'INVALID_MESSAGE', 'traits: at most 50 traits', (id) =>
    json(
      message(id, {
        traits: Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`t${i}`, 'v'])),
      }),
    ),
  ),

  // Control characters
  hostileId(
    'NUL in customerId',
    `${BAD_CUSTOMER_ID_PREFIX}nul\u0000x`,
    'customerId: must not contain control characters',
  ),
  row(
    'BEL in customerName',
    'INVALID_MESSAGE',
    'customerName: must not contain control characters',
    (id) => json(message(id, { customerName: 'Ding\u0007Dong' })),
  ),
  row(
    'ANSI escape in customerName (log injection)',
    'INVALID_MESSAGE',
    'customerName: must not contain control characters',
    (id) => json(message(id, { customerName: '\u001b[2J\u001b[31mPWNED' })),
  ),
  row(
    'DEL in customerName',
    'INVALID_MESSAGE',
    'customerName: must not contain control characters',
    (id) => json(message(id, { customerName: 'Del\u007fete' })),
  ),
  row(
    'line separator U+2028 in customerName',
    'INVALID_MESSAGE',
    'customerName: must not contain control characters',
    (id) => json(message(id, { customerName: 'Line\u2028Separator' })),
  ),
  row(
    'bidi override in customerName',
    'INVALID_MESSAGE',
    'customerName: must not contain control characters',
    (id) => json(message(id, { customerName: 'Invoice\u202Egpj.exe' })),
  ),
  hostileId(
    'CR/LF header injection in customerId',
    `${BAD_CUSTOMER_ID_PREFIX}crlf\r\nX-Injected: 1`,
    'customerId: must not contain control characters',
  ),
  row('CR/LF header injection in customerEmail', 'INVALID_MESSAGE', 'customerEmail', (id) =>
    json(message(id, { customerEmail: 'a@hostile.example\r\nBcc: all@hostile.example' })),
  ),
  row(
    'lone surrogate in customerName',
    'INVALID_MESSAGE',
    'customerName: must be well-formed Unicode',
    (id) => json(message(id, { customerName: 'Broken \ud800 name' })),
  ),

  // Path traversal and URL injection in ids
  hostileId('path traversal ../', '../../customers/admin', ID_CHARSET),
  hostileId('bare ..', '..', 'customerId: must not contain ".."'),
  hostileId(
    'dot segments inside an id',
    `${BAD_CUSTOMER_ID_PREFIX}a..b`,
    'customerId: must not contain ".."',
  ),
  hostileId('percent-encoded traversal', '%2e%2e%2fadmin', ID_CHARSET),
  hostileId('query injection ?x=', `${BAD_CUSTOMER_ID_PREFIX}q?customerId=victim`, ID_CHARSET),
  hostileId('fragment #', `${BAD_CUSTOMER_ID_PREFIX}frag#x`, ID_CHARSET),
  hostileId('protocol-relative //evil.example', '//evil.example/x', ID_CHARSET),
  hostileId('absolute URL', 'http://evil.example/steal', ID_CHARSET),
  hostileId('userinfo @ with a path', `${BAD_CUSTOMER_ID_PREFIX}u@evil.example/x`, ID_CHARSET),
  hostileId('space in customerId', `${BAD_CUSTOMER_ID_PREFIX}with space`, ID_CHARSET),
  hostileId('backslash traversal', '..\\..\\windows', ID_CHARSET),
  hostileId('Cyrillic homoglyph', `${BAD_CUSTOMER_ID_PREFIX}\u0430cct`, ID_CHARSET),
  hostileId('fullwidth dot and slash', '\uFF0E\uFF0E\uFF0Fadmin', ID_CHARSET),
  row('traversal in productId', 'INVALID_MESSAGE', 'productId: may contain only', (id) =>
    json(message(id, { productId: '../plans/free' })),
  ),
  row(
    'query injection in commitment.planId',
    'INVALID_MESSAGE',
    'commitment.planId: may contain only',
    (id) =>
      json(
        message(id, {
          commitment: {
            planId: 'plan?x=1',
            label: 'Annual',
            cycles: 12,
            trueup: { minimumPayment: 100, interval: 'MONTH' },
          },
        }),
      ),
  ),
  row('slash in a trait key', 'INVALID_MESSAGE', 'traits', (id) =>
    json(message(id, { traits: { 'a/b': 'v' } })),
  ),

  // Prototype pollution
  row('__proto__ in the body', 'INVALID_MESSAGE', 'forbidden key "__proto__"', (id) =>
    json(message(id)).replace(/}$/, ',"__proto__":{"isAdmin":true}}'),
  ),
  row('__proto__ smuggling the customerId', 'INVALID_MESSAGE', 'forbidden key "__proto__"', (id) =>
    json({ customerName: 'x', productId: 'plan-pro' }).replace(
      /^{/,
      `{"__proto__":{"customerId":"${id}"},`,
    ),
  ),
  row('constructor.prototype in the body', 'INVALID_MESSAGE', 'forbidden key "constructor"', (id) =>
    json(message(id, { constructor: { prototype: { isAdmin: true } } })),
  ),
  row('__proto__ in traits', 'INVALID_MESSAGE', 'forbidden key "__proto__"', (id) =>
    json(message(id, { traits: { tier: 'gold' } })).replace('{"tier"', '{"__proto__":"x","tier"'),
  ),
  row('constructor in traits', 'INVALID_MESSAGE', 'forbidden key "constructor"', (id) =>
    json(message(id, { traits: { constructor: 'x' } })),
  ),
  row('prototype in traits', 'INVALID_MESSAGE', 'forbidden key "prototype"', (id) =>
    json(message(id, { traits: { prototype: 'x' } })),
  ),

  // Unknown envelopes
  row(
    'SNS SubscriptionConfirmation',
    'UNSUPPORTED_EVENT',
    'Unsupported SNS message type "SubscriptionConfirmation"',
    (id) =>
      json(
        sns({
          Type: 'SubscriptionConfirmation',
          Message: `You have chosen to subscribe ${id}`,
          SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
          Token: 'token',
        }),
      ),
  ),
  row(
    'SNS UnsubscribeConfirmation',
    'UNSUPPORTED_EVENT',
    'Unsupported SNS message type "UnsubscribeConfirmation"',
    (id) => json(sns({ Type: 'UnsubscribeConfirmation', Message: id })),
  ),
  row('SNS Message that is not JSON', 'INVALID_MESSAGE', 'SNS Message is not JSON', (id) =>
    json(sns({ Message: `customerId=${id}` })),
  ),
  row(
    'SNS Message that is an object, not text',
    'INVALID_MESSAGE',
    'SNS notification has no Message text',
    (id) => json(sns({ Message: message(id) })),
  ),
  row('SNS Message holding an array', 'INVALID_MESSAGE', NOT_OBJECT, (id) =>
    json(sns({ Message: json([message(id)]) })),
  ),
  row('SNS Message nested too deep', 'INVALID_MESSAGE', `SNS Message is ${TOO_DEEP}`, (id) =>
    json(sns({ Message: nestedArrays(50), Subject: id })),
  ),
  row(
    'EventBridge with another detail-type',
    'UNSUPPORTED_EVENT',
    'Unsupported EventBridge detail-type "Account Deleted"',
    (id) => json(eventBridge('Account Deleted', message(id))),
  ),
  row('EventBridge detail that is a string', 'INVALID_MESSAGE', NOT_OBJECT, (id) =>
    json(eventBridge('Account Created', json(message(id)))),
  ),
  row('EventBridge detail that is null', 'INVALID_MESSAGE', NOT_OBJECT, (id) =>
    json({ ...eventBridge('Account Created', null), id }),
  ),
  row('EventBridge detail that is an array', 'INVALID_MESSAGE', NOT_OBJECT, (id) =>
    json(eventBridge('Account Created', [message(id)])),
  ),
  row(
    'SNS around EventBridge with another detail-type',
    'UNSUPPORTED_EVENT',
    'Unsupported EventBridge detail-type "Invoice Paid"',
    (id) => json(sns({ Message: json(eventBridge('Invoice Paid', message(id))) })),
  ),
  row('four nested envelopes', 'INVALID_MESSAGE', 'wrapped in more than 3 envelopes', (id) =>
    json(
      eventBridge(
        'Account Created',
        sns({ Message: json(sns({ Message: json(sns({ Message: json(message(id)) })) })) }),
      ),
    ),
  ),
  row('S3-style Records envelope', 'INVALID_MESSAGE', 'customerId', (id) =>
    json({ Records: [{ eventSource: 'aws:s3', body: message(id) }] }),
  ),

  // Wrong event types
  row(
    'type naming another event',
    'UNSUPPORTED_EVENT',
    'Unsupported event type "AccountDeleted"',
    (id) => json(message(id, { type: 'AccountDeleted' })),
  ),
  row(
    'eventType naming another event',
    'UNSUPPORTED_EVENT',
    'Unsupported event type "account.updated"',
    (id) => json(message(id, { eventType: 'account.updated' })),
  ),
  row(
    'event type with control characters',
    'UNSUPPORTED_EVENT',
    'Unsupported event type "Account?Deleted"',
    (id) => json(message(id, { type: 'Account\u001bDeleted' })),
  ),
  row(
    'EventBridge Account Created whose detail names another type',
    'UNSUPPORTED_EVENT',
    'Unsupported event type "AccountSuspended"',
    (id) => json(eventBridge('Account Created', message(id, { type: 'AccountSuspended' }))),
  ),

  // Deep nesting
  {
    name: '10,000 nested arrays',
    code: 'INVALID_MESSAGE',
    reason: `Body is ${TOO_DEEP}`,
    body: nestedArrays(10_000),
  },
  {
    name: '10,000 nested objects',
    code: 'INVALID_MESSAGE',
    reason: `Body is ${TOO_DEEP}`,
    body: nestedObjects(10_000),
  },
  row('deep nesting inside a valid message', 'INVALID_MESSAGE', `Body is ${TOO_DEEP}`, (id) =>
    json(message(id, { extra: JSON.parse(nestedArrays(20)) })),
  ),

  // Duplicate keys
  row(
    'duplicate customerId, the last one valid',
    'INVALID_MESSAGE',
    'duplicate key "customerId"',
    (id) => json(message(id)).replace(/^{/, '{"customerId":"../../admin",'),
  ),
  row(
    'duplicate key spelled with an escape',
    'INVALID_MESSAGE',
    'duplicate key "customerId"',
    (id) => json(message(id)).replace(/^{/, '{"customer\\u0049d":"victim-account",'),
  ),
  row('duplicate trait key', 'INVALID_MESSAGE', 'duplicate key "tier"', (id) =>
    json(message(id, { traits: { tier: 'free' } })).replace(
      '{"tier"',
      '{"tier":"enterprise","tier"',
    ),
  ),

  // E-mail
  row('e-mail without @', 'INVALID_MESSAGE', 'customerEmail: must be an e-mail address', (id) =>
    json(message(id, { customerEmail: 'not-an-email' })),
  ),
  row(
    'e-mail without a domain',
    'INVALID_MESSAGE',
    'customerEmail: must be an e-mail address',
    (id) => json(message(id, { customerEmail: 'jane@' })),
  ),
  row('e-mail with markup', 'INVALID_MESSAGE', 'customerEmail: must be an e-mail address', (id) =>
    json(message(id, { customerEmail: '<script>alert(1)</script>@hostile.example' })),
  ),
  row('e-mail over 254 characters', 'INVALID_MESSAGE', 'customerEmail', (id) =>
    json(
      message(id, {
        customerEmail: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.example`,
      }),
    ),
  ),
];

/** The bad-input corpus: every body must be dead-lettered on its first receive with `code` and `reason`. */
export const BAD_INPUTS: readonly BadInput[] = rows.map((entry) => ({
  customerId: '',
  deliverableBySqs: true,
  ...entry,
}));

/** The corpus entries SQS accepts (all but the empty body, which SQS refuses with MissingParameter). */
export const DELIVERABLE_BAD_INPUTS: readonly BadInput[] = BAD_INPUTS.filter(
  (entry) => entry.deliverableBySqs,
);

/** The expected reason as a pattern (a substring is matched literally), for `expect.stringMatching`. */
export const reasonPattern = (reason: string | RegExp): RegExp =>
  typeof reason === 'string' ? new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : reason;
