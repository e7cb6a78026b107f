/**
 * The functions' composition roots (functions/<file>.ts), loaded as Lambda loads them at cold start: a fresh module
 * graph per function, with the local stack's settings in the environment. For tests that run the real roots.
 */
import { vi } from 'vitest';

/** Function name (as serverless.yml names it) to the file of its composition root. */
export const FUNCTION_FILES = {
  authorize: 'authorize',
  health: 'health',
  apiDocs: 'api-docs',
  validatePass: 'validate-pass',
  lookupTariffs: 'lookup-tariffs',
  manageMappings: 'manage-mappings',
  registerTicketSales: 'register-ticket-sales',
  cancelTicketSales: 'cancel-ticket-sales',
  retryCancellations: 'retry-cancellations',
  sweepHeldSales: 'sweep-held-sales',
  checkReadiness: 'check-readiness',
  reportTicketSales: 'report-ticket-sales',
  reconcileSales: 'reconcile-sales',
  syncUitdatabank: 'sync-uitdatabank',
} as const;
export type FunctionName = keyof typeof FUNCTION_FILES;

export interface RootSettings {
  sandboxUrl: string;
  tableName: string;
  /** Per function, so a test may give each its own (a recording proxy, say). */
  dynamodbEndpoint: (name: FunctionName) => string;
  passHashKey: string;
}

/** Each root's exported `handler`, by function name. */
export async function loadRoots<N extends FunctionName>(
  names: readonly N[],
  settings: RootSettings,
): Promise<Record<N, unknown>> {
  const handlers: Partial<Record<N, unknown>> = {};
  try {
    for (const name of names) {
      vi.resetModules();
      vi.stubEnv('PUBLIQ_ENV', 'sandbox');
      vi.stubEnv('SANDBOX_URL', settings.sandboxUrl);
      vi.stubEnv('TABLE_NAME', settings.tableName);
      vi.stubEnv('DYNAMODB_ENDPOINT', settings.dynamodbEndpoint(name));
      vi.stubEnv('UITPAS_TICKET_TYPE_ID', 'uitpas-kansentarief');
      vi.stubEnv('PASS_HASH_KEY', settings.passHashKey);
      vi.stubEnv('CANCELLATION_QUEUE_URL', '');
      const file = FUNCTION_FILES[name];
      handlers[name] = (await import(/* @vite-ignore */ `../functions/${file}.ts`)).handler;
    }
  } finally {
    vi.unstubAllEnvs();
  }
  return handlers as Record<N, unknown>;
}
