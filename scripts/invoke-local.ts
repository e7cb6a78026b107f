/**
 * `npm run invoke -- -f lookupTariffs --path events/lookup-tariffs/social-tariff.json`
 *
 * `serverless invoke local` with the settings of the local stack, so a function runs against the DynamoDB and the
 * sandbox that `npm start` serves (start it first, in another terminal).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  LOCAL_DYNAMODB_ENDPOINT,
  LOCAL_SANDBOX_PORT,
  LOCAL_TABLE_NAME,
  LOCAL_UITPAS_TICKET_TYPE_ID,
} from '../local/settings.js';

const serverlessBin = fileURLToPath(new URL('../node_modules/serverless/bin/serverless.js', import.meta.url));
const env = {
  ...process.env,
  PUBLIQ_ENV: process.env.PUBLIQ_ENV ?? 'sandbox',
  SANDBOX_URL: process.env.SANDBOX_URL ?? `http://127.0.0.1:${LOCAL_SANDBOX_PORT}`,
  TABLE_NAME: process.env.TABLE_NAME ?? LOCAL_TABLE_NAME,
  DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? LOCAL_DYNAMODB_ENDPOINT,
  UITPAS_TICKET_TYPE_ID: process.env.UITPAS_TICKET_TYPE_ID ?? LOCAL_UITPAS_TICKET_TYPE_ID,
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
};
const result = spawnSync(
  process.execPath,
  [serverlessBin, 'invoke', 'local', '--stage', 'local', ...process.argv.slice(2)],
  { env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
