/**
 * The publiq scenarios (contract/scenarios.ts) against the sandbox: the same list `npm run test:publiq` runs against
 * publiq's test environment, so the sandbox cannot answer otherwise than the live suite expects.
 */
import { type Sandbox, startSandbox } from '@uitpas-ticketing/sandbox';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { clientsFromEnvironment } from './clients.js';
import { type ContractClients, cleanUp, SCENARIOS, type ScenarioContext } from './scenarios.js';

let sandbox: Sandbox;
let clients: ContractClients;
const registered = new Set<string>();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  clients = clientsFromEnvironment({ PUBLIQ_ENV: 'sandbox', SANDBOX_URL: sandbox.url });
});
afterAll(() => sandbox.close());

const context = (): ScenarioContext => ({ ...clients, registered });
afterEach(() => cleanUp(context()));

describe('publiq scenarios against the sandbox', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    await scenario.run(context());
  });
});
