/**
 * `npm start`: the whole stack on this machine, with no AWS account and no publiq credentials.
 *   1. an embedded DynamoDB (dynalite, in memory) with the table and the demo data;
 *   2. the UiTPAS/UiTdatabank sandbox (unless PUBLIQ_ENV=test|production points at publiq's real APIs);
 *   3. the HTTP API, served by serverless-offline on http://localhost:3000, which also runs the schedules: the
 *      ticket-sale sweep every 5 minutes (it carries pending cancellations locally, where there is no SQS) and the
 *      UiTdatabank sync every 15 minutes.
 * Ctrl-C stops everything.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@uitpas-ticketing/sandbox';
import { parsePubliqConfig } from '../lib/config.js';
import { createLocalTable, startLocalDynamo } from './dynamo.js';
import { seedDemoData } from './seed.js';
import {
  LOCAL_API_KEY_ADMIN,
  LOCAL_API_KEY_BASKET,
  LOCAL_API_PORT,
  LOCAL_DYNAMODB_PORT,
  LOCAL_SANDBOX_PORT,
  LOCAL_TABLE_NAME,
  LOCAL_UITPAS_TICKET_TYPE_ID,
} from './settings.js';

const usesSandbox = (process.env.PUBLIQ_ENV ?? 'sandbox') === 'sandbox';

const dynamo = await startLocalDynamo(LOCAL_DYNAMODB_PORT);
const table = await createLocalTable(dynamo.endpoint, LOCAL_TABLE_NAME);
const sandbox = usesSandbox ? await startSandbox({ port: LOCAL_SANDBOX_PORT }) : undefined;

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PUBLIQ_ENV: process.env.PUBLIQ_ENV ?? 'sandbox',
  ...(sandbox ? { SANDBOX_URL: sandbox.url } : {}),
  TABLE_NAME: LOCAL_TABLE_NAME,
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  UITPAS_TICKET_TYPE_ID: process.env.UITPAS_TICKET_TYPE_ID ?? LOCAL_UITPAS_TICKET_TYPE_ID,
  // Local DynamoDB takes any credentials; these keep the SDK from looking for real ones.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  PORT: String(LOCAL_API_PORT),
};
// Fails here, naming the key, if PUBLIQ_ENV=test is set without credentials.
const publiq = parsePubliqConfig(env);

await seedDemoData(table);

// Run the framework's own entry point with this Node, so Ctrl-C and stop() reach the process that holds the ports.
const serverlessBin = fileURLToPath(new URL('../node_modules/serverless/bin/serverless.js', import.meta.url));
const offline = spawn(process.execPath, [serverlessBin, 'offline', 'start', '--stage', 'local'], {
  env,
  stdio: 'inherit',
});

console.log(`
Local stack
  HTTP API      http://localhost:${LOCAL_API_PORT}   (GET /v1/health; other routes need x-api-key)
  DynamoDB      ${dynamo.endpoint}   table ${LOCAL_TABLE_NAME}
  publiq        ${sandbox ? `sandbox at ${sandbox.url}` : `${publiq.env}: ${publiq.urls.uitpas}`}
  API keys      basket: ${LOCAL_API_KEY_BASKET}   admin: ${LOCAL_API_KEY_ADMIN}
  schedules     ticket-sale sweep every 5 minutes, UiTdatabank sync every 15 minutes (or now: npm run sync)
`);

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  offline.kill('SIGINT');
  await Promise.allSettled([sandbox?.close(), dynamo.close()]);
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
offline.on('exit', (code) => void stop(code ?? 0));
