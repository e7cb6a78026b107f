/**
 * `npm run test:publiq`: the publiq scenarios (contract/scenarios.ts) against publiq's test environment, with the
 * credentials in the environment: UITPAS_CLIENT_ID and UITPAS_CLIENT_SECRET (PUBLIQ_ENV defaults to `test`; the URL
 * variables of the README override the hosts). Without credentials it says so and exits 0: nothing was run, so
 * nothing is claimed to pass. With them it exits with vitest's code, after cancelling what the scenarios registered.
 */
import { spawnSync } from 'node:child_process';

const missing = ['UITPAS_CLIENT_ID', 'UITPAS_CLIENT_SECRET'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.log(
    `test:publiq: not run. ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set; the live contract suite needs publiq test credentials (see the README).`,
  );
  process.exit(0);
}
const env = process.env.PUBLIQ_ENV ?? 'test';
if (env === 'sandbox') {
  console.log(
    'test:publiq: PUBLIQ_ENV=sandbox is what `npm test` already covers (contract/sandbox.int.test.ts).',
  );
  process.exit(0);
}
console.log(`test:publiq: the publiq scenarios against PUBLIQ_ENV=${env}`);
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.publiq.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, PUBLIQ_ENV: env },
});
process.exit(run.status ?? 1);
