/**
 * Every environment variable, read and validated here and nowhere else. Each function's composition root calls
 * `loadConfig` with the sections it needs at module scope, so a function that never talks to UiTPAS does not need its
 * credentials, and a missing or malformed variable fails the cold start (the import) with an error that names the key
 * and what is expected, instead of turning every request into a 500.
 */
import * as z from './zod.js';

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
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.transform((value) => (value === '' ? undefined : value)),
    z.optional(schema),
  );
/** Like `optional`, with a value for absent: serverless.yml's `${env:X, ''}` must mean "the default", not "0". */
const defaulted = <T extends z.ZodMiniType>(schema: T, value: z.input<T>) =>
  z.pipe(
    z.transform((raw) => (raw === '' ? undefined : raw)),
    z._default(schema, value as never),
  );
const url = z.pipe(
  z.url({ protocol: /^https?$/ }),
  z.transform((value) => value.replace(/\/+$/, '')),
);
const positiveInt = z.coerce.number().check(z.int(), z.positive());

const publiqSchema = z.object({
  PUBLIQ_ENV: z._default(z.enum(['sandbox', 'test', 'production']), 'sandbox'),
  SANDBOX_URL: optional(url),
  UITPAS_API_URL: optional(url),
  UITDATABANK_ENTRY_URL: optional(url),
  UITDATABANK_SEARCH_URL: optional(url),
  UITID_TOKEN_URL: optional(url),
  UITPAS_CLIENT_ID: optional(z.string().check(z.minLength(1))),
  UITPAS_CLIENT_SECRET: optional(z.string().check(z.minLength(1))),
  /** In AWS: the name of the SSM SecureString (or `/aws/reference/secretsmanager/...`) that holds the secret. */
  UITPAS_CLIENT_SECRET_PARAMETER: optional(z.string().check(z.minLength(1))),
  UPSTREAM_TIMEOUT_MS: z._default(positiveInt, 4000),
  UPSTREAM_RETRIES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(5)), 2),
  /** Where the client secret's SSM parameter lives (set by Lambda). */
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-1'),
});

const tableSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  DYNAMODB_ENDPOINT: optional(url),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-1'),
});

const ticketingSchema = z.object({
  UITPAS_TICKET_TYPE_ID: z.string().check(z.minLength(1)),
});

const ticketSalesSchema = z.object({
  PUBLIQ_ENV: z._default(z.enum(['sandbox', 'test', 'production']), 'sandbox'),
  /** The key of the pass pseudonyms itself: local use only (deployed stages read it from SSM). */
  PASS_HASH_KEY: optional(z.string().check(z.minLength(16))),
  /** In AWS: the name of the SSM SecureString that holds the key. */
  PASS_HASH_KEY_PARAMETER: optional(z.string().check(z.minLength(1))),
  /** How long a registered order waits for its confirmation before the sweep cancels it. */
  HELD_TIMEOUT_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(24 * 60)), 30),
  /** The SQS queue for cancellations UiTPAS could not take; empty locally (the sweep retries them there). */
  CANCELLATION_QUEUE_URL: optional(url),
  /** The queue's redrive maxReceiveCount: on that receive a failing message raises the dead-letter alarm. */
  MAX_RECEIVES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 8),
  /**
   * What a registration does when UiTPAS registers a line at another price than the till's `chargedPrice`: `refuse`
   * (422 `price-drift`, every sale of the order cancelled) or `flag` (registered, the drift shown on the line,
   * counted and logged). The registration, the cancellation and the sweep all read it: each may be the one that
   * finds the sales of a registration whose answer was lost.
   */
  PRICE_DRIFT: defaulted(z.enum(['refuse', 'flag']), 'refuse'),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'eu-west-1'),
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
  region: string;
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
  /** PRICE_DRIFT: what a registered price other than the till's charged price does. */
  priceDrift: 'refuse' | 'flag';
  region: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parse<T extends z.ZodMiniType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
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
    region: raw.AWS_REGION,
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
    priceDrift: raw.PRICE_DRIFT,
    region: raw.AWS_REGION,
  });
}

const syncSchema = z.object({
  /**
   * The sync's own budget per UiTdatabank call, apart from the basket's UPSTREAM_TIMEOUT_MS: a change feed page of
   * embedded events is large, and a `POST /events` cut off by a short timeout may have created the event anyway,
   * which then has to be looked for instead of simply stored. The basket waits for a person at the till; the sync
   * waits for nobody.
   */
  SYNC_UPSTREAM_TIMEOUT_MS: defaulted(positiveInt, 15_000),
});

const httpSchema = z.object({
  /**
   * Kept back from each invocation's deadline to build and send the answer once the last upstream call has ended
   * (a fifth of the time left, when that is less). Upstream calls, retries included, stop this long before the
   * Lambda timeout, so a cashier gets a 503 with Retry-After instead of a timeout.
   */
  ANSWER_MARGIN_MS: defaulted(positiveInt, 1000),
});

const appSchema = z.object({
  /** The build's version, shown by the health route. */
  APP_VERSION: defaulted(z.string().check(z.minLength(1)), 'dev'),
  /** Powertools reads it for the logs; the EMF metrics take their namespace from it too. */
  POWERTOOLS_SERVICE_NAME: defaulted(z.string().check(z.minLength(1)), 'uitpas-ticketing'),
});

export interface SyncConfig {
  upstreamTimeoutMs: number;
}

/** CORS is API Gateway's alone (deploy/cors.cjs): nothing of it is the functions' to configure. */
export interface HttpConfig {
  answerMarginMs: number;
}

export interface AppConfig {
  version: string;
  serviceName: string;
}

export function parseSyncConfig(env: NodeJS.ProcessEnv): SyncConfig {
  return Object.freeze({ upstreamTimeoutMs: parse(syncSchema, env).SYNC_UPSTREAM_TIMEOUT_MS });
}

export function parseHttpConfig(env: NodeJS.ProcessEnv): HttpConfig {
  return Object.freeze({ answerMarginMs: parse(httpSchema, env).ANSWER_MARGIN_MS });
}

export function parseAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const raw = parse(appSchema, env);
  return Object.freeze({ version: raw.APP_VERSION, serviceName: raw.POWERTOOLS_SERVICE_NAME });
}

const sections = {
  publiq: parsePubliqConfig,
  table: parseTableConfig,
  ticketing: parseTicketingConfig,
  ticketSales: parseTicketSalesConfig,
  sync: parseSyncConfig,
  http: parseHttpConfig,
  app: parseAppConfig,
};

/** The variables each section reads, for the test that holds serverless.yml to the code. */
export const SECTION_VARIABLES = {
  publiq: Object.keys(publiqSchema.shape),
  table: Object.keys(tableSchema.shape),
  ticketing: Object.keys(ticketingSchema.shape),
  ticketSales: Object.keys(ticketSalesSchema.shape),
  sync: Object.keys(syncSchema.shape),
  http: Object.keys(httpSchema.shape),
  app: Object.keys(appSchema.shape),
} satisfies Record<keyof typeof sections, string[]>;

export type Sections = { [K in keyof typeof sections]: ReturnType<(typeof sections)[K]> };
export type SectionName = keyof Sections;

/**
 * The sections a function needs, read from the environment now. Composition roots call it at module scope: the
 * cold start is where a bad variable must fail. Every section is checked before the first error is thrown, so one
 * failed deploy names every key to fix.
 */
export function loadConfig<K extends SectionName>(
  names: readonly K[],
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Pick<Sections, K>> {
  const out: Partial<Sections> = {};
  const problems: string[] = [];
  for (const name of names) {
    try {
      Object.assign(out, { [name]: sections[name](env) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message.replace(/^Invalid configuration: /, ''));
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return Object.freeze(out as Pick<Sections, K>);
}
