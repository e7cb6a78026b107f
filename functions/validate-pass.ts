/** validatePass's composition root, built at cold start: one UiTPAS client. What it does: lib/handlers/validate-pass.ts. */
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/validate-pass.js';

const config = loadConfig(['publiq', 'http']);
const deps = { uitpas: uitpasFromConfig(config.publiq) };

export const handler = createHandler(() => deps, config.http);
