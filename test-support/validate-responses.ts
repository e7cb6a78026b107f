/**
 * A setup file of the integration project (vitest.config.ts): every answer of every HTTP handler an integration
 * test builds is held to the OpenAPI document (test-support/openapi.ts). In that project every import of
 * lib/adapters/http/handler.ts resolves to test-support/checked-handler.ts, whose `httpRouter` and `httpHandler`
 * log each answer (test-support/response-log.ts); after each test the answers it got are checked here, and the test
 * fails listing those that are not as documented. Checking after the test, not in the call, keeps the check out of
 * timed calls and out of reach of a test's own `catch`, and reports every bad answer of a test, not only the first.
 *
 * Production code is untouched. A handler a test must not have checked: `unvalidated(handler)`
 * (test-support/response-log.ts).
 *
 * With OPENAPI_FAILURES_FILE set, each failure is also appended there as a JSON line, to survey a whole run.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import type * as OpenApi from './openapi.js';
import { takeResponses } from './response-log.js';

/** Imported on first use, once per test file: this module is not re-evaluated by `vi.resetModules`. */
let openapi: typeof OpenApi | undefined;

async function check(when: string): Promise<void> {
  const responses = takeResponses();
  if (responses.length === 0) return;
  openapi ??= await import('./openapi.js');
  const { describeResponse, validateResponse } = openapi;
  const groups = new Map<string, { count: number; example: OpenApi.ResponseToCheck }>();
  for (const response of responses) {
    const errors = validateResponse(response);
    if (errors.length === 0) continue;
    const key = `${describeResponse(response).replace(/ \(.*\) →/, ' →')}:\n${errors.map((e) => `  - ${e}`).join('\n')}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { count: 1, example: response });
    if (process.env.OPENAPI_FAILURES_FILE)
      appendFileSync(
        process.env.OPENAPI_FAILURES_FILE,
        `${JSON.stringify({ test: expect.getState().testPath, name: expect.getState().currentTestName, when, answer: describeResponse(response), errors, body: response.body })}\n`,
      );
  }
  if (groups.size === 0) return;
  const failures = [...groups.values()].reduce((sum, group) => sum + group.count, 0);
  const listed = [...groups].map(
    ([key, { count, example }]) =>
      `${key}${count > 1 ? `\n  (${count} answers like this)` : ''}\n  body: ${(example.body ?? '(none)').slice(0, 600)}`,
  );
  throw new Error(
    `${failures} of ${responses.length} answers ${when} are not as the OpenAPI document says:\n\n${listed.join('\n\n')}`,
  );
}

beforeEach(() => check('before this test (in beforeAll hooks)'));
afterEach(() => check('in this test'));
afterAll(() => check('in afterAll hooks'));
