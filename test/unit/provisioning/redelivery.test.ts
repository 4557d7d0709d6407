import { describe, expect, it } from 'vitest';
import { queueUrlFromArn, redeliveryDelaySeconds } from '../../../lib/provisioning/redelivery.ts';

const DEPLOYED = { baseSeconds: 60, maxSeconds: 3_600 };

describe('redeliveryDelaySeconds', () => {
  it('doubles from the base per receive up to the maximum, without jitter at random 0', () => {
    // Act
    const schedule = Array.from({ length: 9 }, (_, index) =>
      redeliveryDelaySeconds(index + 1, DEPLOYED, () => 0),
    );
    // Assess
    expect(schedule).toEqual([60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600]);
  });

  it('is shortened by at most 20 %', () => {
    // Act
    const shortest = Array.from({ length: 9 }, (_, index) =>
      redeliveryDelaySeconds(index + 1, DEPLOYED, () => 0.999_999),
    );
    // Assess
    expect(shortest).toEqual([49, 97, 193, 385, 769, 1_537, 2_881, 2_881, 2_881]);
    expect(redeliveryDelaySeconds(1, { baseSeconds: 4, maxSeconds: 60 }, () => 0.999_999)).toBe(4);
  });

  it('makes the deployed 10 receives span more than two hours even at the shortest', () => {
    // Act
    let total = 0;
    for (let receive = 1; receive < 10; receive++) {
      total += redeliveryDelaySeconds(receive, DEPLOYED, () => 0.999_999) ?? 0;
    }
    // Assess
    expect(total).toBeGreaterThanOrEqual(2 * 3600);
  });

  it('never exceeds the 12 h SQS allows, and is off with base 0', () => {
    // Act
    const capped = redeliveryDelaySeconds(40, { baseSeconds: 60, maxSeconds: 43_200 }, () => 0);
    const off = redeliveryDelaySeconds(3, { baseSeconds: 0, maxSeconds: 3_600 });
    // Assess
    expect(capped).toBe(43_200);
    expect(off).toBeUndefined();
  });

  it('waits at least the Retry-After Amberflo named, within the maximum', () => {
    // Act
    const longer = redeliveryDelaySeconds(1, { baseSeconds: 1, maxSeconds: 8 }, () => 0, 5);
    const fractional = redeliveryDelaySeconds(1, { baseSeconds: 1, maxSeconds: 8 }, () => 0, 2.5);
    const capped = redeliveryDelaySeconds(1, { baseSeconds: 1, maxSeconds: 8 }, () => 0, 30);
    const shorter = redeliveryDelaySeconds(3, { baseSeconds: 1, maxSeconds: 8 }, () => 0, 1);
    // Assess
    expect([longer, fractional, capped, shorter]).toEqual([5, 3, 8, 4]);
  });
});

describe('queueUrlFromArn', () => {
  it.each([
    [
      'arn:aws:sqs:eu-west-1:123456789012:billing-dev-account-created',
      'https://sqs.eu-west-1.amazonaws.com/123456789012/billing-dev-account-created',
    ],
    [
      'arn:aws-cn:sqs:cn-north-1:123456789012:q',
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    ],
    ['arn:aws:sns:eu-west-1:123456789012:topic', undefined],
    ['not an arn', undefined],
  ])('maps %s', (arn, url) => {
    // Act / Assess
    expect(queueUrlFromArn(arn)).toBe(url);
  });
});
