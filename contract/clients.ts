/** The project's own publiq clients, built from configuration the way the functions build them. */
import { searchClientFromConfig } from '../lib/adapters/uitdatabank/client.js';
import { uitpasAndEntryFromConfig } from '../lib/composition/publiq.js';
import { parsePubliqConfig } from '../lib/config.js';
import type { ContractClients } from './scenarios.js';

export function clientsFromEnvironment(env: NodeJS.ProcessEnv): ContractClients {
  const config = parsePubliqConfig(env);
  return { ...uitpasAndEntryFromConfig(config), search: searchClientFromConfig(config) };
}
