/**
 * Every environment variable, validated once per container. Each function reads only the sections it needs, so a
 * function that never talks to UiTPAS does not need its credentials. A missing or malformed variable fails at cold
 * start with an error that names the key.
 */
import { z } from 'zod';
import { once } from './once.js';

export type PubliqEnv = 'sandbox' | 'test' | 'production';

/** Where the local sandbox listens unless SANDBOX_URL says otherwise (see sandbox). */
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4010';
const TOKEN_PATH = '/realms/uitid/protocol/openid-connect/token';

function publiqHosts(env: PubliqEnv, sandboxUrl: string) {
  if (env === 'sandbox') {
    return {
      uitpas: `${sandboxUrl}/uitpas`,
      entry: `${sandboxUrl}/entry`,
      search: `${sandboxUrl}/search`,
      token: `${sandboxUrl}/auth${TOKEN_PATH}`,
    };
  }
  const suffix = env === 'test' ? '-test' : '';
  return {
    uitpas: `https://api${suffix}.uitpas.be`,
    entry: `https://io${suffix}.uitdatabank.be`,
    search: `https://search${suffix}.uitdatabank.be`,
    token: `https://account${suffix}.uitid.be${TOKEN_PATH}`,
  };
}

/** An unset or empty variable counts as absent (serverless.yml passes `${env:X, ''}`). */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const positiveInt = z.coerce.number().int().positive();

const publiqSchema = z.object({
  PUBLIQ_ENV: z.enum(['sandbox', 'test', 'production']).default('sandbox'),
  SANDBOX_URL: optional(url),
  UITPAS_API_URL: optional(url),
  UITDATABANK_ENTRY_URL: optional(url),
  UITDATABANK_SEARCH_URL: optional(url),
  UITID_TOKEN_URL: optional(url),
  UITPAS_CLIENT_ID: optional(z.string().min(1)),
  UITPAS_CLIENT_SECRET: optional(z.string().min(1)),
  /** In AWS: the name of the SSM SecureString (or `/aws/reference/secretsmanager/...`) that holds the secret. */
  UITPAS_CLIENT_SECRET_PARAMETER: optional(z.string().min(1)),
  UPSTREAM_TIMEOUT_MS: positiveInt.default(4000),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
});

const tableSchema = z.object({
  TABLE_NAME: z.string().min(1),
  DYNAMODB_ENDPOINT: optional(url),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
});

const ticketingSchema = z.object({
  UITPAS_TICKET_TYPE_ID: z.string().min(1),
});

const ticketSalesSchema = z.object({
  PUBLIQ_ENV: z.enum(['sandbox', 'test', 'production']).default('sandbox'),
  /** The key of the pass pseudonyms itself: local use only (deployed stages read it from SSM). */
  PASS_HASH_KEY: optional(z.string().min(16)),
  /** In AWS: the name of the SSM SecureString that holds the key. */
  PASS_HASH_KEY_PARAMETER: optional(z.string().min(1)),
  /** How long a registered order waits for its confirmation before the sweep cancels it. */
  HELD_TIMEOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** The SQS queue for cancellations UiTPAS could not take; empty locally (the sweep retries them there). */
  CANCELLATION_QUEUE_URL: optional(url),
  /** The queue's redrive maxReceiveCount: on that receive a failing message raises the dead-letter alarm. */
  MAX_RECEIVES: z.coerce.number().int().min(1).max(1000).default(8),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
});

export interface PubliqConfig {
  env: PubliqEnv;
  urls: { uitpas: string; entry: string; search: string; token: string };
  clientId: string;
  /** Exactly one of these is set: the secret itself (local) or the name of the parameter holding it (AWS). */
  clientSecret: string | undefined;
  clientSecretParameter: string | undefined;
  timeoutMs: number;
  retries: number;
}

export interface TableConfig {
  tableName: string;
  endpoint: string | undefined;
  region: string;
}

export interface TicketingConfig {
  uitpasTicketTypeId: string;
}

export interface TicketSalesConfig {
  heldTimeoutMinutes: number;
  /** Exactly one of these is set: the pass-hash key itself (local) or the name of the parameter holding it (AWS). */
  passHashKey: string | undefined;
  passHashKeyParameter: string | undefined;
  cancellationQueueUrl: string | undefined;
  maxReceives: number;
  region: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * The pass-hash key of the local stack, the tests and the sandbox: fixed and public, so it protects nothing; real
 * environments must be given their own secret (PASS_HASH_KEY_PARAMETER).
 */
export const SANDBOX_PASS_HASH_KEY = 'sandbox-pass-hash-key-not-secret';

/** The sandbox ships with fixed, public credentials; real environments must be given theirs. */
const SANDBOX_CLIENT = { id: 'sandbox-client', secret: 'sandbox-secret' };

export function parsePubliqConfig(env: NodeJS.ProcessEnv): PubliqConfig {
  const raw = parse(publiqSchema, env);
  const hosts = publiqHosts(raw.PUBLIQ_ENV, raw.SANDBOX_URL ?? DEFAULT_SANDBOX_URL);
  const isSandbox = raw.PUBLIQ_ENV === 'sandbox';
  const clientId = raw.UITPAS_CLIENT_ID ?? (isSandbox ? SANDBOX_CLIENT.id : undefined);
  if (!clientId)
    throw new ConfigError(
      `Invalid configuration: UITPAS_CLIENT_ID is required when PUBLIQ_ENV=${raw.PUBLIQ_ENV}`,
    );
  let clientSecret = raw.UITPAS_CLIENT_SECRET;
  // The sandbox never reads a secret from SSM: its credentials are public and fixed.
  if (!clientSecret && (isSandbox || !raw.UITPAS_CLIENT_SECRET_PARAMETER)) {
    if (!isSandbox) {
      throw new ConfigError(
        `Invalid configuration: UITPAS_CLIENT_SECRET or UITPAS_CLIENT_SECRET_PARAMETER is required when PUBLIQ_ENV=${raw.PUBLIQ_ENV}`,
      );
    }
    clientSecret = SANDBOX_CLIENT.secret;
  }
  return Object.freeze({
    env: raw.PUBLIQ_ENV,
    urls: Object.freeze({
      uitpas: raw.UITPAS_API_URL ?? hosts.uitpas,
      entry: raw.UITDATABANK_ENTRY_URL ?? hosts.entry,
      search: raw.UITDATABANK_SEARCH_URL ?? hosts.search,
      token: raw.UITID_TOKEN_URL ?? hosts.token,
    }),
    clientId,
    clientSecret,
    clientSecretParameter: clientSecret ? undefined : raw.UITPAS_CLIENT_SECRET_PARAMETER,
    timeoutMs: raw.UPSTREAM_TIMEOUT_MS,
    retries: raw.UPSTREAM_RETRIES,
  });
}

export function parseTableConfig(env: NodeJS.ProcessEnv): TableConfig {
  const raw = parse(tableSchema, env);
  return Object.freeze({
    tableName: raw.TABLE_NAME,
    endpoint: raw.DYNAMODB_ENDPOINT,
    region: raw.AWS_REGION,
  });
}

export function parseTicketingConfig(env: NodeJS.ProcessEnv): TicketingConfig {
  const raw = parse(ticketingSchema, env);
  return Object.freeze({ uitpasTicketTypeId: raw.UITPAS_TICKET_TYPE_ID });
}

export function parseTicketSalesConfig(env: NodeJS.ProcessEnv): TicketSalesConfig {
  const raw = parse(ticketSalesSchema, env);
  const parameter = raw.PASS_HASH_KEY ? undefined : raw.PASS_HASH_KEY_PARAMETER;
  // Only the sandbox may fall back to the fixed key: a real one keyed with a public key is as good as unkeyed.
  const key =
    raw.PASS_HASH_KEY ?? (parameter || raw.PUBLIQ_ENV !== 'sandbox' ? undefined : SANDBOX_PASS_HASH_KEY);
  if (!key && !parameter) {
    throw new ConfigError(
      `Invalid configuration: PASS_HASH_KEY or PASS_HASH_KEY_PARAMETER is required when PUBLIQ_ENV=${raw.PUBLIQ_ENV}`,
    );
  }
  return Object.freeze({
    heldTimeoutMinutes: raw.HELD_TIMEOUT_MINUTES,
    passHashKey: key,
    passHashKeyParameter: parameter,
    cancellationQueueUrl: raw.CANCELLATION_QUEUE_URL,
    maxReceives: raw.MAX_RECEIVES,
    region: raw.AWS_REGION,
  });
}

/** Read at first use (module scope of a handler = cold start) and kept for the container's life. */
export const publiqConfig = once(() => parsePubliqConfig(process.env));
export const tableConfig = once(() => parseTableConfig(process.env));
export const ticketingConfig = once(() => parseTicketingConfig(process.env));
export const ticketSalesConfig = once(() => parseTicketSalesConfig(process.env));
