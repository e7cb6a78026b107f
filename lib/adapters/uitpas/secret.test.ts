import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { clientSecretSource, type GetParameter } from './secret.js';

function fakeSsm(values: (string | undefined)[]) {
  const calls: { name: string; options: unknown }[] = [];
  const getParameter: GetParameter = async (name, options) => {
    calls.push({ name, options });
    return values.length > 1 ? values.shift() : values[0];
  };
  return { calls, getParameter };
}

describe('client secret source', () => {
  it('returns the secret from the configuration when it is set', async () => {
    const ssm = fakeSsm(['unused']);
    const source = clientSecretSource({ clientSecret: 'local', clientSecretParameter: undefined }, ssm);

    expect(await source()).toBe('local');
    expect(ssm.calls).toHaveLength(0);
  });

  it('reads the SSM parameter decrypted, once, and keeps it for maxAge', async () => {
    const ssm = fakeSsm(['first', 'second']);
    let now = 0;
    const source = clientSecretSource(
      { clientSecret: undefined, clientSecretParameter: '/uitpas/secret' },
      { ...ssm, maxAgeSeconds: 60, now: () => now },
    );

    expect(await Promise.all([source(), source()])).toEqual(['first', 'first']);
    now = 59_999;
    expect(await source()).toBe('first');
    expect(ssm.calls).toEqual([{ name: '/uitpas/secret', options: { decrypt: true, maxAge: 60 } }]);
    now = 60_000;
    expect(await source()).toBe('second');
  });

  it('fails with a configuration error naming the parameter when it is empty, and tries again next time', async () => {
    const ssm = fakeSsm(['', 'now-set']);
    const source = clientSecretSource(
      { clientSecret: undefined, clientSecretParameter: '/uitpas/secret' },
      ssm,
    );

    await expect(source()).rejects.toThrow(ConfigError);
    await expect(source()).resolves.toBe('now-set');
  });

  it('refuses a configuration without a secret or a parameter', () => {
    expect(() => clientSecretSource({ clientSecret: undefined, clientSecretParameter: undefined })).toThrow(
      ConfigError,
    );
  });
});
