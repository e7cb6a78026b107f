/**
 * Where a secret comes from (the UiTPAS client secret, the ticket sales' pass-hash key): the configuration itself
 * locally, an SSM SecureString (or a Secrets Manager reference through SSM) in AWS. Fetched once and kept for
 * `maxAgeSeconds`, so a rotated secret is picked up without a redeploy. The SSM read (lib/adapters/ssm.ts) is loaded
 * only when a parameter is read: its signer and credential chain then load with it, not at every cold start's import.
 */
import { ConfigError, type PubliqConfig } from '../../config.js';

/** Reads a SecureString, decrypted. */
export type GetParameter = (name: string) => Promise<string | undefined>;

export interface ClientSecretSourceOptions {
  /** Default: SSM `GetParameter` in the configuration's region (lib/adapters/ssm.ts). */
  getParameter?: GetParameter;
  /** Default 900 s. */
  maxAgeSeconds?: number;
  now?: () => number;
}

/** The configuration keys a secret is set with, for the errors: the value itself, and the parameter's name. */
export interface SecretNames {
  value: string;
  parameter: string;
}

export function clientSecretSource(
  config: Pick<PubliqConfig, 'clientSecret' | 'clientSecretParameter' | 'region'>,
  options: ClientSecretSourceOptions = {},
): () => Promise<string> {
  return secretSource(
    { value: config.clientSecret, parameter: config.clientSecretParameter, region: config.region },
    { value: 'UITPAS_CLIENT_SECRET', parameter: 'UITPAS_CLIENT_SECRET_PARAMETER' },
    options,
  );
}

export function secretSource(
  config: { value: string | undefined; parameter: string | undefined; region: string },
  names: SecretNames,
  options: ClientSecretSourceOptions = {},
): () => Promise<string> {
  const { value: secret, parameter } = config;
  if (secret) return async () => secret;
  if (!parameter) {
    throw new ConfigError(`Invalid configuration: ${names.value} or ${names.parameter} is required`);
  }
  const parameterName = parameter;
  const maxAge = options.maxAgeSeconds ?? 900;
  const now = options.now ?? Date.now;
  let cached: { value: Promise<string>; fetchedAt: number } | undefined;

  async function fetchSecret(): Promise<string> {
    const getParameter =
      options.getParameter ?? (await import('../ssm.js')).createSsmReader({ region: config.region });
    const value = await getParameter(parameterName);
    if (!value) {
      throw new ConfigError(
        `Invalid configuration: the parameter named by ${names.parameter} (${parameterName}) is empty`,
      );
    }
    return value;
  }

  return () => {
    if (!cached || now() - cached.fetchedAt >= maxAge * 1000) {
      const entry = { value: fetchSecret(), fetchedAt: now() };
      // A failed fetch is not cached: the next token request tries again.
      entry.value.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.value;
  };
}
