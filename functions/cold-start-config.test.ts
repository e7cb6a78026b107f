/**
 * Every function reads its configuration when its module is imported (the cold start), so a missing or malformed
 * variable fails the deploy's first invocation with the key's name, not every request with a 500.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

/** What a deployed stage (PUBLIQ_ENV=test) gives the functions, the secrets as SSM parameter names. */
const DEPLOYED: Record<string, string> = {
  PUBLIQ_ENV: 'test',
  UITPAS_CLIENT_ID: 'client-id',
  UITPAS_CLIENT_SECRET_PARAMETER: '/uitpas-ticketing/test/uitpas-client-secret',
  TABLE_NAME: 'uitpas-ticketing-test',
  UITPAS_TICKET_TYPE_ID: 'uitpas-kansentarief',
  PASS_HASH_KEY_PARAMETER: '/uitpas-ticketing/test/pass-hash-key',
};

/** The variables each function cannot start without (with PUBLIQ_ENV=test). */
const REQUIRED: Record<string, string[]> = {
  authorize: ['TABLE_NAME'],
  health: [],
  'api-docs': [],
  'validate-pass': ['UITPAS_CLIENT_ID'],
  'lookup-tariffs': ['UITPAS_CLIENT_ID', 'TABLE_NAME', 'UITPAS_TICKET_TYPE_ID'],
  'manage-mappings': ['UITPAS_CLIENT_ID', 'TABLE_NAME'],
  'check-readiness': ['UITPAS_CLIENT_ID', 'TABLE_NAME'],
  'report-ticket-sales': ['TABLE_NAME'],
  'reconcile-sales': ['UITPAS_CLIENT_ID', 'TABLE_NAME'],
  'register-ticket-sales': [
    'UITPAS_CLIENT_ID',
    'TABLE_NAME',
    'UITPAS_TICKET_TYPE_ID',
    'PASS_HASH_KEY_PARAMETER',
  ],
  'cancel-ticket-sales': [
    'UITPAS_CLIENT_ID',
    'TABLE_NAME',
    'UITPAS_TICKET_TYPE_ID',
    'PASS_HASH_KEY_PARAMETER',
  ],
  'retry-cancellations': ['UITPAS_CLIENT_ID', 'TABLE_NAME', 'PASS_HASH_KEY_PARAMETER'],
  'sweep-held-sales': ['UITPAS_CLIENT_ID', 'TABLE_NAME', 'PASS_HASH_KEY_PARAMETER'],
  'sync-uitdatabank': ['UITPAS_CLIENT_ID', 'TABLE_NAME'],
};

const saved = { ...process.env };

function useEnvironment(env: Record<string, string>) {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const key of [...Object.keys(DEPLOYED), 'SANDBOX_URL', 'UPSTREAM_TIMEOUT_MS', 'DYNAMODB_ENDPOINT'])
    delete process.env[key];
  Object.assign(process.env, env);
}

async function importFunction(name: string) {
  vi.resetModules();
  return import(/* @vite-ignore */ `./${name}.ts`);
}

afterEach(() => {
  useEnvironment({});
  Object.assign(process.env, saved);
});

describe.each(Object.entries(REQUIRED))('the %s function', (name, required) => {
  it('starts with the deployed configuration', async () => {
    useEnvironment(DEPLOYED);
    const module = await importFunction(name);
    expect(typeof module.handler).toBe('function');
  });

  it.each(required)('fails its import without %s, naming it', async (variable) => {
    const { [variable]: _left, ...rest } = DEPLOYED;
    useEnvironment(rest);
    await expect(importFunction(name)).rejects.toThrow(variable);
  });
});

describe('a malformed variable', () => {
  it.each([
    ['validate-pass', 'UPSTREAM_TIMEOUT_MS', 'soon'],
    ['validate-pass', 'PUBLIQ_ENV', 'prod'],
    ['lookup-tariffs', 'DYNAMODB_ENDPOINT', 'not a url'],
    ['sweep-held-sales', 'HELD_TIMEOUT_MINUTES', '0'],
    ['register-ticket-sales', 'PRICE_DRIFT', 'warn'],
    ['sync-uitdatabank', 'SYNC_UPSTREAM_TIMEOUT_MS', '-1'],
  ])('fails the import of %s, naming %s', async (name, variable, value) => {
    useEnvironment({ ...DEPLOYED, [variable]: value });
    await expect(importFunction(name)).rejects.toThrow(variable);
  });
});

describe('the pass-hash key', () => {
  it('has no fallback outside the sandbox', async () => {
    const { PASS_HASH_KEY_PARAMETER: _left, ...rest } = DEPLOYED;
    useEnvironment({ ...rest, PUBLIQ_ENV: 'production' });
    await expect(importFunction('register-ticket-sales')).rejects.toThrow(
      /PASS_HASH_KEY.*PUBLIQ_ENV=production/,
    );
  });
});
