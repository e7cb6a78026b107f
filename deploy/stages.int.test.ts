/**
 * Each stage talks to the publiq it states, whatever the deploying shell holds: `serverless print` resolves
 * serverless.yml exactly as `deploy` does before it builds or creates anything.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const serverless = fileURLToPath(new URL('../node_modules/serverless/bin/serverless.js', import.meta.url));

/** Everything a developer's shell may hold from running the local stack. */
const LOCAL_SHELL = {
  PUBLIQ_ENV: 'sandbox',
  SANDBOX_URL: 'http://127.0.0.1:4010',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
  UITPAS_CLIENT_SECRET: 'sandbox-secret',
  PASS_HASH_KEY: 'a-local-key-of-enough-length',
  UITPAS_API_URL: 'https://api-test.uitpas.be',
};

interface Printed {
  provider: { environment: Record<string, string> };
  functions: Record<string, { environment?: Record<string, string> }>;
}

async function print(stage: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !(key in LOCAL_SHELL) && key !== 'UITPAS_CLIENT_ID' && key !== 'ALARM_EMAIL',
    ),
  );
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [serverless, 'print', '--stage', stage, '--format', 'json'],
      { cwd: root, env: { ...clean, ...env }, maxBuffer: 16 * 1024 * 1024 },
    );
    return { ok: true as const, printed: JSON.parse(stdout) as Printed };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false as const, output: `${stdout}\n${stderr}` };
  }
}

/** Every variable every function gets, provider-wide ones included. */
function environments(printed: Printed): Record<string, string>[] {
  return Object.values(printed.functions).map((fn) => ({
    ...printed.provider.environment,
    ...fn.environment,
  }));
}

const [prodWithout, prodWithoutEmail, prod, dev, local] = await Promise.all([
  print('prod', LOCAL_SHELL),
  print('prod', { ...LOCAL_SHELL, UITPAS_CLIENT_ID: 'production-client' }),
  print('prod', { ...LOCAL_SHELL, UITPAS_CLIENT_ID: 'production-client', ALARM_EMAIL: 'oncall@example.org' }),
  print('dev', { ...LOCAL_SHELL, PUBLIQ_ENV: 'production', UITPAS_CLIENT_ID: 'test-client' }),
  print('local', LOCAL_SHELL),
]);

describe('the stages', () => {
  it('stops a prod deploy without its production settings, naming what is missing', () => {
    expect(prodWithout.ok).toBe(false);
    expect(prodWithout.ok ? '' : prodWithout.output).toMatch(/UITPAS_CLIENT_ID is required for --stage prod/);
    // Alarms that reach nobody are no alarms: prod needs the address they mail to.
    expect(prodWithoutEmail.ok).toBe(false);
    expect(prodWithoutEmail.ok ? '' : prodWithoutEmail.output).toMatch(
      /ALARM_EMAIL is required for --stage prod/,
    );
  });

  it('makes prod talk to publiq production only, and gives it nothing of the local shell', () => {
    if (!prod.ok) throw new Error(prod.output);
    const publiq = environments(prod.printed).filter((env) => 'PUBLIQ_ENV' in env);
    expect(publiq.length).toBeGreaterThan(0);
    for (const env of publiq) {
      expect(env).toMatchObject({ PUBLIQ_ENV: 'production', UITPAS_CLIENT_ID: 'production-client' });
      expect(env).toMatchObject({ SANDBOX_URL: '', UITPAS_API_URL: '', UITPAS_CLIENT_SECRET: '' });
    }
    for (const env of environments(prod.printed)) {
      expect(env.DYNAMODB_ENDPOINT).toBe('');
      if ('PASS_HASH_KEY' in env) expect(env.PASS_HASH_KEY).toBe('');
    }
  });

  it('keeps any other deployed stage on publiq test, whatever PUBLIQ_ENV the shell holds', () => {
    if (!dev.ok) throw new Error(dev.output);
    for (const env of environments(dev.printed)) {
      expect(env.DYNAMODB_ENDPOINT).toBe('');
      if ('PUBLIQ_ENV' in env) expect(env).toMatchObject({ PUBLIQ_ENV: 'test', SANDBOX_URL: '' });
    }
  });

  it('lets only the local stage take the local settings from the shell', () => {
    if (!local.ok) throw new Error(local.output);
    const publiq = environments(local.printed).filter((env) => 'PUBLIQ_ENV' in env);
    expect(publiq[0]).toMatchObject({ PUBLIQ_ENV: 'sandbox', SANDBOX_URL: 'http://127.0.0.1:4010' });
    expect(environments(local.printed)[0]?.DYNAMODB_ENDPOINT).toBe('http://127.0.0.1:8000');
  });
});
