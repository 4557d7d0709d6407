import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_SEND_TIMEOUT_MS,
  ENV_VARIABLE_NAMES,
  EnvSchema,
  loadConfig,
  MIDDY_TIMEOUT_EARLY_MS,
  MIN_DEADLINE_MARGIN_MS,
  REPORT_TIME_MS,
} from '../../../lib/config.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { envFactory } from '../../helpers/factories.ts';

const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = loadConfig(
      envFactory({
        AMBERFLO_BASE_URL: undefined,
        AMBERFLO_MAX_REQUESTS_PER_SECOND: undefined,
        AMBERFLO_CONCURRENT_INVOCATIONS: undefined,
        RETRY_BACKOFF_BASE_SECONDS: undefined,
      }),
    );
    // Assess
    expect(config.amberflo).toEqual({
      baseUrl: 'https://app.amberflo.io',
      apiKey: { kind: 'value', value: 'test-api-key-0123456789' },
      productId: '1',
      httpTimeoutMs: 5_000,
      requestsPerSecond: 5,
    });
    expect(config.redelivery).toEqual({ baseSeconds: 60, maxSeconds: 3_600 });
    expect(config.maxReceiveCount).toBe(5);
    expect(config.batchConcurrency).toBe(5);
    expect(config.idempotency.ttlSeconds).toBe(30 * 24 * 3600);
    expect(config.defaultProductPlanId).toBeUndefined();
    expect(loadConfig(envFactory({ REPLACEABLE_PLAN_IDS: undefined })).replaceablePlanIds).toEqual(
      [],
    );
  });

  it('reads REPLACEABLE_PLAN_IDS as a comma-separated list and refuses what is not a plan id', () => {
    // Act
    const config = loadConfig(envFactory({ REPLACEABLE_PLAN_IDS: ' plan-default, legacy-free ,' }));
    const invalid = () => loadConfig(envFactory({ REPLACEABLE_PLAN_IDS: 'plan-default,plan/x' }));
    // Assess
    expect(config.replaceablePlanIds).toEqual(['plan-default', 'legacy-free']);
    expect(invalid).toThrow(/REPLACEABLE_PLAN_IDS/);
  });

  it('reads the API key parameter name with its cache age', () => {
    // Act
    const config = loadConfig(
      envFactory({
        AMBERFLO_API_KEY: undefined,
        AMBERFLO_API_KEY_PARAMETER: '/billing-provisioning/dev/amberflo-api-key',
        AMBERFLO_API_KEY_MAX_AGE_SECONDS: '60',
      }),
    );
    // Assess
    expect(config.amberflo.apiKey).toEqual({
      kind: 'parameter',
      name: '/billing-provisioning/dev/amberflo-api-key',
      maxAgeSeconds: 60,
    });
  });

  it('lists every missing variable in one ConfigError', () => {
    // Act
    const error = thrownBy(() => loadConfig({}));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).details.issues ?? [];
    expect(issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'AMBERFLO_API_KEY_PARAMETER',
      'DEAD_LETTER_QUEUE_URL',
      'IDEMPOTENCY_TABLE_NAME',
    ]);
  });

  it.each([
    ['MAX_RECEIVE_COUNT', '0'],
    ['BATCH_CONCURRENCY', 'many'],
    ['AMBERFLO_HTTP_TIMEOUT_MS', '-1'],
    ['AMBERFLO_BASE_URL', 'ftp://example.com'],
    ['DEAD_LETTER_QUEUE_URL', 'not a url'],
    ['IDEMPOTENCY_TABLE_NAME', 'ab'],
    ['POWERTOOLS_LOG_LEVEL', 'LOUD'],
  ])('rejects an invalid %s', (name, value) => {
    // Act
    const error = thrownBy(() => loadConfig(envFactory({ [name]: value })));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).details.issues?.[0]).toMatch(new RegExp(`^${name}:`));
  });

  it('refuses both an API key and a key parameter, without echoing the key', () => {
    // Act
    const error = thrownBy(() =>
      loadConfig(envFactory({ AMBERFLO_API_KEY_PARAMETER: '/billing/key' })),
    );
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('set only one');
    expect((error as ConfigError).message).not.toContain('test-api-key-0123456789');
  });

  it.each([
    ['1000', true],
    ['0', true],
    [String(MIN_DEADLINE_MARGIN_MS - 1), true],
    [String(MIN_DEADLINE_MARGIN_MS), false],
  ])('DEADLINE_MARGIN_MS=%s is refused: %s', (value, refused) => {
    // Act
    const error = thrownBy(() => loadConfig(envFactory({ DEADLINE_MARGIN_MS: value })));
    // Assess
    if (refused) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain(
        `DEADLINE_MARGIN_MS: must be at least ${MIN_DEADLINE_MARGIN_MS}`,
      );
    } else {
      expect(error).toBeUndefined();
    }
  });

  it('makes the minimum margin cover middy, a dead-letter send and the report', () => {
    // Assess
    expect(MIN_DEADLINE_MARGIN_MS).toBe(
      MIDDY_TIMEOUT_EARLY_MS + DEAD_LETTER_SEND_TIMEOUT_MS + REPORT_TIME_MS,
    );
    expect(loadConfig(envFactory({ DEADLINE_MARGIN_MS: undefined })).deadlineMarginMs).toBe(3_000);
  });

  it('documents every variable', () => {
    // Act
    const undocumented = ENV_VARIABLE_NAMES.filter((name) => !EnvSchema.shape[name].description);
    // Assess
    expect(undocumented).toEqual([]);
    expect(ENV_VARIABLE_NAMES).toContain('DEAD_LETTER_QUEUE_URL');
  });
});
