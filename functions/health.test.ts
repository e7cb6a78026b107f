import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import { apiEvent, lambdaContext } from '../test-support/api-event.js';
import { handler } from './health.js';

describe('health', () => {
  it('answers without an API key', async () => {
    const response = await handler(apiEvent({ method: 'GET', route: '/v1/health' }), lambdaContext());
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 'ok' });
  });

  it('answers the invoke-local event in events/health', async () => {
    const event = JSON.parse(readFileSync(new URL('../events/health/get.json', import.meta.url), 'utf8'));
    expect((await handler(event, lambdaContext())).statusCode).toBe(200);
  });

  it('answers an unknown route, as API Gateway’s $default route, with a problem naming it', async () => {
    const event = apiEvent({ method: 'DELETE', route: '/v1/nothing/here' });
    const response = await handler({ ...event, routeKey: '$default' }, lambdaContext());
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(JSON.parse(response.body ?? '{}').detail).toBe(
      'DELETE /v1/nothing/here is not a route of this API.',
    );
  });
});
