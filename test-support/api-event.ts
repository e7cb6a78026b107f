/**
 * Builds API Gateway HTTP API (payload 2.0) events, as API Gateway would send them after the authorizer, for tests,
 * the benchmark and the files in events/. A fresh object per call: middy mutates the event it is given.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { toAuthorizerContext } from '../lib/adapters/http/principal.js';
import type { Principal } from '../lib/domain/access.js';

export interface ApiEventInput {
  method: string;
  /** The route template, e.g. `/v1/events/{eventId}`. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  principal?: Principal;
}

export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  let rawPath = input.route;
  for (const [name, value] of Object.entries(input.pathParameters ?? {})) {
    rawPath = rawPath.replace(`{${name}}`, encodeURIComponent(value));
  }
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(input.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  const hasBody = input.body !== undefined;
  const event = {
    version: '2.0',
    routeKey: `${input.method} ${input.route}`,
    rawPath,
    rawQueryString: search.toString(),
    headers: {
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
      ...input.headers,
    },
    ...(input.query
      ? {
          queryStringParameters: Object.fromEntries(
            Object.entries(input.query).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
          ),
        }
      : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(hasBody ? { body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: `req-${Math.random().toString(36).slice(2, 12)}`,
      routeKey: `${input.method} ${input.route}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(input.principal ? { authorizer: { lambda: toAuthorizerContext(input.principal) } } : {}),
    },
  };
  return event as APIGatewayProxyEventV2;
}

export const BASKET: Principal = {
  keyId: 'test-basket',
  clientName: 'box-office',
  role: 'basket',
  organisations: ['demo-org'],
};
export const ADMIN: Principal = {
  keyId: 'test-admin',
  clientName: 'admin-screen',
  role: 'admin',
  organisations: ['demo-org'],
};

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `aws-${Math.random().toString(36).slice(2, 12)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A `PUT /v1/events/{eventId}` body: an UiTPAS event with one standard ticket at 10 EUR, mapped to `uitdatabankId`. */
export const uitpasEventBody = (
  organisationId: string,
  uitdatabankId: string,
  extra: Record<string, unknown> = {},
) => ({
  name: 'Voorstelling',
  startDate: '2027-03-01T20:00:00+01:00',
  organisationId,
  labels: ['UiTPAS'],
  ticketTypes: [{ id: 'base', name: 'Basistarief', price: 10, standard: true }],
  uitdatabankId,
  ...extra,
});
