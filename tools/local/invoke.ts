/**
 * `npm run local:invoke -- events/account-created.json [--remaining-ms 30000]`: imports the TypeScript handler
 * directly (Node 24, no bundling) and calls it once with a sample SQS event and a minimal context. The handler reads
 * its configuration from the environment like in Lambda, so point AMBERFLO_BASE_URL, DEAD_LETTER_QUEUE_URL,
 * IDEMPOTENCY_TABLE_NAME and AWS_ENDPOINT_URL_* at a local stack (`npm start`) or a sandbox.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { isAppError } from '../../lib/errors.ts';
import { createLambdaContext } from './lambda-context.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'remaining-ms': { type: 'string', default: '30000' } },
});
const eventPath = positionals[0] ?? 'events/account-created.json';
const remainingMs = Number(values['remaining-ms']);
if (!Number.isInteger(remainingMs) || remainingMs <= 0) {
  console.error('--remaining-ms must be a positive integer');
  process.exit(2);
}

const event = JSON.parse(await readFile(eventPath, 'utf8')) as SQSEvent;
if (!Array.isArray(event.Records)) {
  console.error(`${eventPath} is not an SQS event (no Records array)`);
  process.exit(2);
}
// Imported after the checks: loading the handler parses the environment and fails fast on a bad one.
const { handler } = await import('../../handlers/provision-account.ts').catch((error: unknown) => {
  if (isAppError(error) && error.code === 'CONFIG_INVALID') {
    console.error(`Invalid environment:\n  ${(error.details.issues ?? []).join('\n  ')}`);
    process.exit(2);
  }
  throw error;
});
const response = await handler(event, createLambdaContext({ remainingMs }));
console.log(JSON.stringify(response, null, 2));
