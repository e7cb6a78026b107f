/**
 * Where the UiTPAS client secret comes from: the configuration itself locally, an SSM SecureString (or a Secrets
 * Manager reference through SSM) in AWS. Fetched once and kept for `maxAgeSeconds`, so a rotated secret is picked
 * up without a redeploy. The SSM client is loaded only when a parameter is actually used.
 */
import { ConfigError, type PubliqConfig } from '../config.js';

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

export function clientSecretSource(
  config: Pick<PubliqConfig, 'clientSecret' | 'clientSecretParameter'>,
  options: ClientSecretSourceOptions = {},
): () => Promise<string> {
  const { clientSecret, clientSecretParameter } = config;
  if (clientSecret) return async () => clientSecret;
  if (!clientSecretParameter) {
    throw new ConfigError(
      'Invalid configuration: UITPAS_CLIENT_SECRET or UITPAS_CLIENT_SECRET_PARAMETER is required',
    );
  }
  const parameterName = clientSecretParameter;
  const maxAge = options.maxAgeSeconds ?? 900;
  const now = options.now ?? Date.now;
  let cached: { value: Promise<string>; fetchedAt: number } | undefined;

  async function fetchSecret(): Promise<string> {
    const getParameter = options.getParameter ?? (await loadPowertoolsGetParameter());
    const value = await getParameter(parameterName, { decrypt: true, maxAge });
    if (!value) {
      throw new ConfigError(
        `Invalid configuration: the parameter named by UITPAS_CLIENT_SECRET_PARAMETER (${parameterName}) is empty`,
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
