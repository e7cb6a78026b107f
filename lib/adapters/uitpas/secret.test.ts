import { describe, expect, it } from 'vitest';
import { ConfigError, parseTicketSalesConfig, SANDBOX_PASS_HASH_KEY } from '../../config.js';
import { clientSecretSource, type GetParameter, secretSource } from './secret.js';

function fakeSsm(values: (string | undefined)[]) {
  const calls: { name: string }[] = [];
  const getParameter: GetParameter = async (name) => {
    calls.push({ name });
    return values.length > 1 ? values.shift() : values[0];
  };
  return { calls, getParameter };
}

describe('client secret source', () => {
  it('returns the secret from the configuration when it is set', async () => {
    const ssm = fakeSsm(['unused']);
    const source = clientSecretSource(
      { clientSecret: 'local', clientSecretParameter: undefined, region: 'eu-west-1' },
      ssm,
    );

    expect(await source()).toBe('local');
    expect(ssm.calls).toHaveLength(0);
  });

  it('reads the SSM parameter once, and keeps it for maxAge', async () => {
    const ssm = fakeSsm(['first', 'second']);
    let now = 0;
    const source = clientSecretSource(
      { clientSecret: undefined, clientSecretParameter: '/uitpas/secret', region: 'eu-west-1' },
      { ...ssm, maxAgeSeconds: 60, now: () => now },
    );

    expect(await Promise.all([source(), source()])).toEqual(['first', 'first']);
    now = 59_999;
    expect(await source()).toBe('first');
    expect(ssm.calls).toEqual([{ name: '/uitpas/secret' }]);
    now = 60_000;
    expect(await source()).toBe('second');
  });

  it('fails with a configuration error naming the parameter when it is empty, and tries again next time', async () => {
    const ssm = fakeSsm(['', 'now-set']);
    const source = clientSecretSource(
      { clientSecret: undefined, clientSecretParameter: '/uitpas/secret', region: 'eu-west-1' },
      ssm,
    );

    await expect(source()).rejects.toThrow(ConfigError);
    await expect(source()).resolves.toBe('now-set');
  });

  it('refuses a configuration without a secret or a parameter', () => {
    expect(() =>
      clientSecretSource({ clientSecret: undefined, clientSecretParameter: undefined, region: 'eu-west-1' }),
    ).toThrow(ConfigError);
  });
});

describe("the ticket sales' configuration, and their pass-hash key", () => {
  it('defaults to a 30-minute hold, 8 receives, no queue, refusing a price drift and (sandbox only) the fixed pass-hash key', () => {
    expect(parseTicketSalesConfig({})).toEqual({
      heldTimeoutMinutes: 30,
      priceDrift: 'refuse',
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

  it('reads the pass-hash key from its SSM parameter once, with errors that name it', async () => {
    const calls: string[] = [];
    const source = secretSource(
      { value: undefined, parameter: '/uitpas-ticketing/prod/pass-hash-key', region: 'eu-west-1' },
      { value: 'PASS_HASH_KEY', parameter: 'PASS_HASH_KEY_PARAMETER' },
      {
        getParameter: async (name) => {
          calls.push(name);
          return calls.length === 1 ? '' : 'the-key';
        },
      },
    );

    await expect(source()).rejects.toThrow(
      /PASS_HASH_KEY_PARAMETER \(\/uitpas-ticketing\/prod\/pass-hash-key\) is empty/,
    );
    expect(await Promise.all([source(), source()])).toEqual(['the-key', 'the-key']);
    expect(calls).toEqual(['/uitpas-ticketing/prod/pass-hash-key', '/uitpas-ticketing/prod/pass-hash-key']);
    expect(() =>
      secretSource(
        { value: undefined, parameter: undefined, region: 'eu-west-1' },
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
