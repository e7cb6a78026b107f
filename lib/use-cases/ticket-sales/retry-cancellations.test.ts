import { describe, expect, it } from 'vitest';
import { secretSource } from '../../adapters/uitpas/secret.js';
import { ConfigError, parseTicketSalesConfig, SANDBOX_PASS_HASH_KEY } from '../../config.js';
import { backoffSeconds, deadLetterAlarm, emfMetric } from './retry-cancellations.js';

describe('the retry schedule', () => {
  it('doubles from 30 seconds up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(backoffSeconds)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });
});

describe('the dead-letter alarm', () => {
  it('writes one CloudWatch embedded-metric line for CancellationDeadLettered', () => {
    const lines: string[] = [];

    deadLetterAlarm({ orderId: 'o-1', messageId: 'm', receiveCount: 8 }, (line) => lines.push(line));

    expect(lines).toHaveLength(1);
    const metric = JSON.parse(lines[0] as string);
    expect(metric).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'UitpasTicketing',
            Dimensions: [['service']],
            Metrics: [{ Name: 'CancellationDeadLettered', Unit: 'Count' }],
          },
        ],
      },
      CancellationDeadLettered: 1,
      orderId: 'o-1',
      receiveCount: 8,
    });
    expect(typeof metric._aws.Timestamp).toBe('number');
    expect(metric.service).toBeTruthy();
  });

  it('keeps the metric value and dimensions under the names the metadata declares', () => {
    const metric = emfMetric('X', 3, {}, 1000);
    expect(metric._aws.Timestamp).toBe(1000);
    expect(metric.X).toBe(3);
    expect(metric._aws.CloudWatchMetrics[0]?.Dimensions[0]?.every((name) => name in metric)).toBe(true);
  });
});

describe('the configuration', () => {
  it('defaults to a 30-minute hold, 8 receives, no queue and (sandbox only) the fixed pass-hash key', () => {
    expect(parseTicketSalesConfig({})).toEqual({
      heldTimeoutMinutes: 30,
      passHashKey: SANDBOX_PASS_HASH_KEY,
      passHashKeyParameter: undefined,
      cancellationQueueUrl: undefined,
      maxReceives: 8,
      region: 'eu-west-1',
    });
    expect(parseTicketSalesConfig({ CANCELLATION_QUEUE_URL: '' }).cancellationQueueUrl).toBeUndefined();
  });

  it('requires a pass-hash key or its SSM parameter outside the sandbox, naming the key', () => {
    for (const env of ['test', 'production']) {
      expect(() => parseTicketSalesConfig({ PUBLIQ_ENV: env })).toThrow(ConfigError);
      expect(() => parseTicketSalesConfig({ PUBLIQ_ENV: env })).toThrow(/PASS_HASH_KEY/);
    }
    const parameter = '/uitpas-ticketing/prod/pass-hash-key';
    expect(
      parseTicketSalesConfig({ PUBLIQ_ENV: 'production', PASS_HASH_KEY_PARAMETER: parameter }),
    ).toMatchObject({ passHashKey: undefined, passHashKeyParameter: parameter });
    const key = 'a-local-key-of-enough-length';
    expect(parseTicketSalesConfig({ PUBLIQ_ENV: 'test', PASS_HASH_KEY: key })).toMatchObject({
      passHashKey: key,
      passHashKeyParameter: undefined,
    });
    // A parameter is used in the sandbox too (a deployed stage against the sandbox): no fixed key then.
    expect(parseTicketSalesConfig({ PASS_HASH_KEY_PARAMETER: parameter }).passHashKey).toBeUndefined();
    expect(() => parseTicketSalesConfig({ PASS_HASH_KEY: 'short' })).toThrow(/PASS_HASH_KEY/);
  });

  it('reads the pass-hash key from its SSM parameter once, decrypted, with errors that name it', async () => {
    const calls: string[] = [];
    const source = secretSource(
      { value: undefined, parameter: '/uitpas-ticketing/prod/pass-hash-key' },
      { value: 'PASS_HASH_KEY', parameter: 'PASS_HASH_KEY_PARAMETER' },
      {
        getParameter: async (name, options) => {
          calls.push(`${name} ${options.decrypt}`);
          return calls.length === 1 ? '' : 'the-key';
        },
      },
    );

    await expect(source()).rejects.toThrow(
      /PASS_HASH_KEY_PARAMETER \(\/uitpas-ticketing\/prod\/pass-hash-key\) is empty/,
    );
    expect(await Promise.all([source(), source()])).toEqual(['the-key', 'the-key']);
    expect(calls).toEqual([
      '/uitpas-ticketing/prod/pass-hash-key true',
      '/uitpas-ticketing/prod/pass-hash-key true',
    ]);
    expect(() =>
      secretSource(
        { value: undefined, parameter: undefined },
        { value: 'PASS_HASH_KEY', parameter: 'PASS_HASH_KEY_PARAMETER' },
      ),
    ).toThrow(/PASS_HASH_KEY or PASS_HASH_KEY_PARAMETER/);
  });

  it('names a malformed variable', () => {
    expect(() => parseTicketSalesConfig({ HELD_TIMEOUT_MINUTES: 'soon' })).toThrow(/HELD_TIMEOUT_MINUTES/);
    expect(() => parseTicketSalesConfig({ CANCELLATION_QUEUE_URL: 'not a url' })).toThrow(
      /CANCELLATION_QUEUE_URL/,
    );
  });
});
