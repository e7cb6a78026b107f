/**
 * The publiq scenarios (contract/scenarios.ts) against publiq's real test environment, run only by
 * `npm run test:publiq` (scripts/test-publiq.ts checks the credentials first). What a scenario registers is cancelled
 * after it, passed or failed. Scenarios run one after the other: they share the test dataset's passes and limits.
 */
import { afterEach, describe, it } from 'vitest';
import { clientsFromEnvironment } from './clients.js';
import { cleanUp, SCENARIOS, type ScenarioContext } from './scenarios.js';

const clients = clientsFromEnvironment({ ...process.env, PUBLIQ_ENV: process.env.PUBLIQ_ENV ?? 'test' });
const registered = new Set<string>();
const context = (): ScenarioContext => ({ ...clients, registered });
afterEach(() => cleanUp(context()));

describe('publiq scenarios against publiq', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    await scenario.run(context());
  });
});
