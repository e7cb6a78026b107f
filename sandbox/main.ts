/**
 * Runs the sandbox standalone (`npm run sandbox`).
 *
 * Environment: SANDBOX_PORT (default 4010), SANDBOX_HOST (default 127.0.0.1), SANDBOX_CLIENT_ID,
 * SANDBOX_CLIENT_SECRET, SANDBOX_TOKEN_TTL_SECONDS, SANDBOX_UITPAS_REGISTRATION_DELAY_MS (default 0),
 * SANDBOX_PUBLIC_URL (base of the `@id`s when reached through another host name).
 */
import { startSandbox } from './index.js';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number (got "${raw}")`);
  return value;
}

const sandbox = await startSandbox({
  port: numberFromEnv('SANDBOX_PORT') ?? 4010,
  host: process.env.SANDBOX_HOST,
  clientId: process.env.SANDBOX_CLIENT_ID,
  clientSecret: process.env.SANDBOX_CLIENT_SECRET,
  tokenTtlSeconds: numberFromEnv('SANDBOX_TOKEN_TTL_SECONDS'),
  uitpasRegistrationDelayMs: numberFromEnv('SANDBOX_UITPAS_REGISTRATION_DELAY_MS'),
  publicUrl: process.env.SANDBOX_PUBLIC_URL,
});

const secretHint = process.env.SANDBOX_CLIENT_SECRET ? '(from SANDBOX_CLIENT_SECRET)' : 'sandbox-secret';
const lines = [
  `publiq sandbox listening on ${sandbox.url}`,
  `  token endpoint  ${sandbox.urls.token}`,
  `  UiTPAS API      ${sandbox.urls.uitpas}`,
  `  Entry API       ${sandbox.urls.entry}`,
  `  Search API      ${sandbox.urls.search}`,
  `  control         ${sandbox.url}/__sandbox (faults, reset, revoke-tokens, requests, ticket-sales)`,
  `  client          ${process.env.SANDBOX_CLIENT_ID ?? 'sandbox-client'} / ${secretHint}`,
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping sandbox`);
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
