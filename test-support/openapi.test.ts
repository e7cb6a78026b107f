/**
 * The OpenAPI validator of test-support/openapi.ts, failing on purpose: each way an answer can depart from the
 * document is caught and named. And the document itself passes Redocly's lint (its `recommended` rules) without
 * an error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  documentValidator,
  expectValidResponse,
  type ResponseToCheck,
  ROUTE_NOT_FOUND,
  validateResponse,
} from './openapi.js';

const JSON_HEADERS = { 'Content-Type': 'application/json', 'X-Correlation-Id': 'corr-0001' };
const PROBLEM_HEADERS = { 'Content-Type': 'application/problem+json', 'X-Correlation-Id': 'corr-0001' };
const PROBLEM = 'urn:uitpas-ticketing:problem:';

const health = (body: Record<string, unknown>, extra: Partial<ResponseToCheck> = {}): ResponseToCheck => ({
  method: 'GET',
  path: '/v1/health',
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify(body),
  ...extra,
});
const HEALTHY = { status: 'ok', service: 'uitpas-ticketing', version: 'test' };

const problem = (
  method: string,
  path: string,
  status: number,
  slug: string,
  extra: Record<string, unknown> = {},
): ResponseToCheck => ({
  method,
  path,
  status,
  headers: PROBLEM_HEADERS,
  body: JSON.stringify({
    type: slug.includes(':') ? slug : `${PROBLEM}${slug}`,
    title: 'A problem',
    status,
    detail: 'What to do.',
    correlationId: 'corr-0001',
    ...extra,
  }),
});

describe('validateResponse', () => {
  it('accepts answers as documented: a success, a problem, a 204, on concrete paths and route keys', () => {
    expect(validateResponse(health(HEALTHY))).toEqual([]);
    expect(validateResponse(problem('GET', '/v1/events/demo-festival', 404, 'event-not-found'))).toEqual([]);
    expect(validateResponse(problem('GET', '/v1/events/{eventId}', 404, 'event-not-found'))).toEqual([]);
    expect(
      validateResponse(
        problem('POST', '/v1/tariffs', 400, 'invalid-json', { detail: 'Fix the JSON syntax.' }),
      ),
    ).toEqual([]);
    expect(
      validateResponse({
        method: 'DELETE',
        path: '/v1/events/demo-festival',
        status: 204,
        headers: { 'X-Correlation-Id': 'corr-0001' },
      }),
    ).toEqual([]);
    expect(validateResponse(problem('GET', '/v1/health', 500, 'about:blank'))).toEqual([]);
  });

  it('finds the operation by its template: literal segments before parameters', () => {
    const validator = documentValidator();
    expect(validator.findOperation('GET', '/v1/events/e1/readiness')?.template).toBe(
      '/v1/events/{eventId}/readiness',
    );
    expect(validator.findOperation('GET', '/v1/events/e1')?.template).toBe('/v1/events/{eventId}');
    expect(validator.findOperation('GET', '/v1/events')?.template).toBe('/v1/events');
    expect(validator.findOperation('PATCH', '/v1/events/e1')).toBeUndefined();
    expect(validator.findOperation('GET', '/v1/events/e1/nope')).toBeUndefined();
  });

  it('rejects a status the operation does not document', () => {
    expect(validateResponse(health(HEALTHY, { status: 201 }))).toEqual([
      expect.stringMatching(/^status 201 is not documented \(documented: 200, /),
    ]);
  });

  it('rejects a body without a required field', () => {
    const { version: _left, ...body } = HEALTHY;
    expect(validateResponse(health(body))).toEqual([
      expect.stringContaining('lacks the required field "version"'),
    ]);
  });

  it('rejects a field the document does not describe', () => {
    expect(validateResponse(health({ ...HEALTHY, uptime: 3 }))).toEqual([
      expect.stringContaining('a field the document does not describe: "uptime"'),
    ]);
  });

  it('rejects another Content-Type than the documented one', () => {
    expect(
      validateResponse(health(HEALTHY, { headers: { ...JSON_HEADERS, 'Content-Type': 'text/plain' } })),
    ).toEqual(['Content-Type is text/plain, not the documented application/json']);
    // A problem sent as plain JSON.
    expect(
      validateResponse({
        ...problem('GET', '/v1/events/e1', 404, 'event-not-found'),
        headers: JSON_HEADERS,
      }),
    ).toEqual(['Content-Type is application/json, not the documented application/problem+json']);
    // Case and parameters of the media type do not matter.
    expect(
      validateResponse(
        health(HEALTHY, { headers: { ...JSON_HEADERS, 'Content-Type': 'Application/JSON; charset=utf-8' } }),
      ),
    ).toEqual([]);
  });

  it('rejects a problem type the operation does not document for that status', () => {
    expect(validateResponse(problem('GET', '/v1/events/e1', 404, 'order-not-found'))).toEqual([
      expect.stringMatching(
        /^problem type "urn:uitpas-ticketing:problem:order-not-found" is not documented for this status; documented: .*event-not-found/,
      ),
    ]);
  });

  it("rejects a problem whose status is not the answer's", () => {
    const response = problem('GET', '/v1/events/e1', 404, 'event-not-found');
    expect(
      validateResponse({ ...response, body: response.body?.replace('"status":404', '"status":400') }),
    ).toEqual(["the problem's status is 400, but the HTTP status is 404"]);
  });

  it('rejects a 204 with a body, a body that is not JSON, and a missing body', () => {
    expect(
      validateResponse({
        method: 'DELETE',
        path: '/v1/events/e1',
        status: 204,
        headers: JSON_HEADERS,
        body: '{}',
      }),
    ).toEqual(['a 204 has no body, but this one has: {}']);
    expect(validateResponse(health(HEALTHY, { body: '{"status":' }))).toEqual([
      expect.stringMatching(/^the body is not JSON/),
    ]);
    expect(validateResponse(health(HEALTHY, { body: undefined }))).toEqual([
      'a 200 has a body (application/json), but this one has none',
    ]);
  });

  it('rejects an answer without a documented required header', () => {
    expect(validateResponse(health(HEALTHY, { headers: { 'Content-Type': 'application/json' } }))).toEqual([
      'the required header X-Correlation-Id is missing',
    ]);
  });

  it('takes only the 404 route-not-found for a path or method that is no route', () => {
    expect(validateResponse(problem('GET', '/v1/nope', 404, ROUTE_NOT_FOUND))).toEqual([]);
    // HTTP methods are case-sensitive; API Gateway's $default route is taken when no route matches.
    expect(validateResponse(problem('get', '/v1/health', 404, ROUTE_NOT_FOUND))).toEqual([]);
    expect(
      validateResponse({ ...problem('GET', '/v1/events/x', 404, ROUTE_NOT_FOUND), routeKey: '$default' }),
    ).toEqual([]);
    expect(validateResponse({ ...health(HEALTHY), routeKey: '$default' })).toEqual([
      "GET /v1/health is API Gateway's $default route: it may only be answered 404 route-not-found, not 200",
    ]);
    expect(validateResponse(problem('PATCH', '/v1/health', 404, ROUTE_NOT_FOUND))).toEqual([]);
    expect(validateResponse(health(HEALTHY, { method: 'POST' }))).toEqual([
      'POST /v1/health is no operation of the document: it may only be answered 404 route-not-found, not 200',
    ]);
    expect(validateResponse(problem('GET', '/v1/nope', 404, 'event-not-found'))).toEqual([
      `GET /v1/nope is no operation of the document: its 404 must be of type ${ROUTE_NOT_FOUND}, not "${PROBLEM}event-not-found"`,
    ]);
  });
});

describe('expectValidResponse', () => {
  it('throws an Error listing every problem of the answer, and its body', () => {
    const { version: _left, ...body } = HEALTHY;
    const response = health({ ...body, uptime: 3 });
    expect(() => expectValidResponse(response)).toThrow(
      /GET \/v1\/health → 200 is not as the OpenAPI document says:\n {2}- .*"version"\n {2}- .*"uptime"\n {2}body: \{/,
    );
    expect(() => expectValidResponse(health(HEALTHY))).not.toThrow();
  });
});

describe('the OpenAPI document', () => {
  it("passes Redocly's lint (recommended rules) without an error", () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(documentValidator().document));
      const cli = fileURLToPath(new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
      const run = spawnSync(process.execPath, [cli, 'lint', file, '--format', 'json'], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
        totals: { errors: number; warnings: number };
        problems: Array<{
          ruleId: string;
          severity: string;
          message: string;
          location?: Array<{ pointer?: string }>;
        }>;
      };
      const errors = report.problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? '?'}`);
      const warnings = new Map<string, number>();
      for (const p of report.problems.filter((p) => p.severity === 'warn'))
        warnings.set(p.ruleId, (warnings.get(p.ruleId) ?? 0) + 1);
      console.info(
        `redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings ${JSON.stringify(Object.fromEntries(warnings))}`,
      );
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
