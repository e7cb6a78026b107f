/**
 * Where a secret comes from (the UiTPAS client secret, the ticket sales' pass-hash key): the configuration itself
 * locally, an SSM SecureString (or a Secrets Manager reference through SSM) in AWS. Fetched once and kept for
 * `maxAgeSeconds`, so a rotated secret is picked up without a redeploy. The SSM client is loaded only when a
 * parameter is actually used.
 */
import { ConfigError, type PubliqConfig } from '../../config.js';

export type GetParameter = (
  name: string,
  options: { decrypt: true; maxAge: number },
) => Promise<string | undefined>;

export interface ClientSecretSourceOptions {
  /** Default: Powertools' `getParameter` from `@aws-lambda-powertools/parameters/ssm`. */
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
  config: Pick<PubliqConfig, 'clientSecret' | 'clientSecretParameter'>,
  options: ClientSecretSourceOptions = {},
): () => Promise<string> {
  return secretSource(
    { value: config.clientSecret, parameter: config.clientSecretParameter },
    { value: 'UITPAS_CLIENT_SECRET', parameter: 'UITPAS_CLIENT_SECRET_PARAMETER' },
    options,
  );
}

export function secretSource(
  config: { value: string | undefined; parameter: string | undefined },
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
    const getParameter = options.getParameter ?? (await loadPowertoolsGetParameter());
    const value = await getParameter(parameterName, { decrypt: true, maxAge });
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

async function loadPowertoolsGetParameter(): Promise<GetParameter> {
  const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
  return async (name, options) => {
    const value = await getParameter(name, options);
    return typeof value === 'string' ? value : undefined;
  };
}
