/**
 * The answers the integration tests got, waiting to be held to the OpenAPI document (test-support/openapi.ts) by
 * the setup file test-support/validate-responses.ts, after each test. Kept on globalThis: `vi.resetModules` (the
 * composition roots are loaded afresh, test-support/roots.ts) would otherwise give each module graph a log of its
 * own that no one reads.
 */
import type { ResponseToCheck } from './openapi.js';

interface Log {
  pending: ResponseToCheck[];
}
const shared = globalThis as { [key: symbol]: Log | undefined };
const KEY = Symbol.for('uitpas-ticketing.response-log');
shared[KEY] ??= { pending: [] };
const log = shared[KEY];

/** Marks a handler whose answers are not to be checked (see `unvalidated`). */
export const ORIGINAL_HANDLER = Symbol.for('uitpas-ticketing.unvalidated-handler');

/** Queues an answer to be checked after the running test (or hook). */
export function recordResponse(response: ResponseToCheck): void {
  log.pending.push(response);
}

/** The answers queued since the last call, taken off the queue. */
export function takeResponses(): ResponseToCheck[] {
  return log.pending.splice(0);
}

/**
 * The handler as built, without the check of its answers: for a test that checks them itself (the property run)
 * or that sends what no client can (say so where you use it). Handlers built outside the integration project are
 * returned as they are.
 */
export function unvalidated<T>(handler: T): T {
  return ((handler as { [ORIGINAL_HANDLER]?: T })[ORIGINAL_HANDLER] ?? handler) as T;
}
