/** health's composition root: nothing but the build's version. What it does: lib/handlers/health.ts. */
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/health.js';

const config = loadConfig(['app', 'http']);

export const handler = createHandler(config.app, config.http);
