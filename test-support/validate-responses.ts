/**
 * A setup file of the integration project (vitest.config.ts): every answer of every HTTP handler an integration
 * test builds is held to the OpenAPI document (test-support/openapi.ts). `httpRouter` and `httpHandler` of
 * lib/adapters/http/handler.ts are wrapped so each answer is logged (test-support/response-log.ts); after each test
 * the answers it got are checked, and the test fails listing those that are not as documented. Checking after the
 * test, not in the call, keeps the check out of timed calls and out of reach of a test's own `catch`, and reports
 * every bad answer of a test, not only the first.
 *
 * A mock registered in a setup file applies to every module the test file imports, and to the composition roots
 * test-support/roots.ts loads after `vi.resetModules` too (the mock registry survives the reset), but the reset keeps
 * the mocked module itself: see below for why it is mocked again on each reset. Production code is untouched. A
 * handler a test must not have checked: `unvalidated(handler)` (test-support/response-log.ts).
 *
 * With OPENAPI_FAILURES_FILE set, each failure is also appended there as a JSON line, to survey a whole run.
 */
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, expect, vi } from 'vitest';
import type * as OpenApi from './openapi.js';
import { ORIGINAL_HANDLER, recordResponse, takeResponses } from './response-log.js';

type Handler = (event: APIGatewayProxyEventV2, ...rest: never[]) => Promise<unknown>;

/** The handler, answering as before, logging each answer for the check. */
function logged<H extends Handler>(built: H): H {
  const wrapped = async (event: APIGatewayProxyEventV2, ...rest: never[]) => {
    const [routeMethod, routePath] = (event?.routeKey ?? '').split(' ');
    const method = event?.requestContext?.http?.method ?? routeMethod ?? '';
    const path = event?.requestContext?.http?.path ?? event?.rawPath ?? routePath ?? '';
    const response = (await built(event, ...rest)) as APIGatewayProxyStructuredResultV2 | undefined;
    const body =
      response?.body !== undefined && response.isBase64Encoded
        ? Buffer.from(response.body, 'base64').toString('utf8')
        : response?.body;
    recordResponse({
      method,
      path,
      routeKey: event?.routeKey,
      status: response?.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(response?.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body,
    });
    return response;
  };
  return Object.assign(wrapped, built, { [ORIGINAL_HANDLER]: built }) as unknown as H;
}

/** The module every HTTP function's stack comes from, by its file: the mock's id wherever it is called from. */
const HANDLER_MODULE = fileURLToPath(new URL('../lib/adapters/http/handler.ts', import.meta.url));

const mockHandlerModule = async (importOriginal: <T>() => Promise<T>) => {
  const original = await importOriginal<typeof import('../lib/adapters/http/handler.js')>();
  return {
    ...original,
    httpRouter: ((...args) => logged(original.httpRouter(...args))) as typeof original.httpRouter,
    httpHandler: ((...args: Parameters<typeof original.httpHandler>) =>
      logged(original.httpHandler(...args))) as typeof original.httpHandler,
  };
};

vi.doMock(HANDLER_MODULE, mockHandlerModule);

/**
 * `vi.resetModules` (test-support/roots.ts, before each composition root) evaluates every module again except a
 * mocked one: the mock would keep the handler module of the first module graph, whose `instanceof AppError` does not
 * know the errors of the next graph, and would answer them with a 500. So each reset mocks it again, and the next
 * import builds it from the new graph. Patched once per worker (`vi` outlives a test file).
 */
const PATCHED = Symbol.for('uitpas-ticketing.reset-modules-remocks');
const patchable = vi as typeof vi & { [PATCHED]?: boolean };
if (!patchable[PATCHED]) {
  const resetModules = vi.resetModules.bind(vi);
  patchable.resetModules = () => {
    resetModules();
    vi.doMock(HANDLER_MODULE, mockHandlerModule);
    return vi;
  };
  patchable[PATCHED] = true;
}

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
