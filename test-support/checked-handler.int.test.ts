/**
 * The integration project's answer check holds only if every handler it builds is the logging one: should the
 * redirect in vitest.config.ts stop matching, each answer check would pass with nothing to check.
 */
import { describe, expect, it } from 'vitest';
import { httpRouter, ok, route } from '../lib/adapters/http/handler.js';
import { createHandler } from '../lib/handlers/health.js';
import { ORIGINAL_HANDLER } from './response-log.js';

describe('the checked handler module', () => {
  it('is what lib/adapters/http/handler.ts resolves to here, directly and for the handlers', () => {
    const router = httpRouter({ 'GET /v1/probe': route({ auth: 'public' }, async () => ok({})) });
    expect(ORIGINAL_HANDLER in router).toBe(true);
    expect(ORIGINAL_HANDLER in createHandler({ version: 'probe' })).toBe(true);
  });
});
