/**
 * The OpenAPI 3.1 document of this API, built from the routes themselves: each handler's routes carry the zod
 * schemas they validate with and the roles they admit (lib/adapters/http/handler.ts `routes`), lib/api/operations.ts
 * adds what a reader needs besides (names, answers, problem types), and zod-openapi turns the zod schemas into JSON
 * Schema. Nothing of the request side is written twice, so the document cannot say other than the route checks.
 */
import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { DeclaredRoute } from '../adapters/http/handler.js';
import { createHandler as apiDocs } from '../handlers/api-docs.js';
import { createHandler as cancelTicketSales } from '../handlers/cancel-ticket-sales.js';
import { createHandler as checkReadiness } from '../handlers/check-readiness.js';
import { createHandler as health } from '../handlers/health.js';
import { createHandler as lookupTariffs } from '../handlers/lookup-tariffs.js';
import { createHandler as manageMappings } from '../handlers/manage-mappings.js';
import { createHandler as reconcileSales } from '../handlers/reconcile-sales.js';
import { createHandler as registerTicketSales } from '../handlers/register-ticket-sales.js';
import { createHandler as reportTicketSales } from '../handlers/report-ticket-sales.js';
import { createHandler as validatePass } from '../handlers/validate-pass.js';
import { type Header, OPERATIONS, type Operation } from './operations.js';
import { PROBLEMS, type ProblemSlug, problemSchema, problemTypeUri } from './problems.js';

/** The document only reads the routes' declarations; a route that ran with these would say so. */
const noDeps = (): never => {
  throw new Error('The OpenAPI document reads the routes; it does not serve them.');
};

/**
 * Every HTTP function's routes, keyed `METHOD /path` as the function declares them, under the function's name in
 * serverless.yml: the document says which function serves an operation from here, and deploy/stack.test.ts holds
 * each function's routes to the httpApi events serverless.yml gives it.
 */
export function declaredRoutes(): Record<string, Record<string, DeclaredRoute>> {
  return {
    health: health({ version: 'document' }).routes,
    apiDocs: apiDocs({ document: () => ({}), assets: {} }).routes,
    validatePass: validatePass(noDeps).routes,
    lookupTariffs: lookupTariffs(noDeps).routes,
    registerTicketSales: registerTicketSales(noDeps).routes,
    cancelTicketSales: cancelTicketSales(noDeps).routes,
    manageMappings: manageMappings(noDeps).routes,
    checkReadiness: checkReadiness(noDeps).routes,
    reportTicketSales: reportTicketSales(noDeps).routes,
    reconcileSales: reconcileSales(noDeps).routes,
  };
}

const correlationHeader = z.object({
  'X-Correlation-Id': z.string().meta({
    description:
      'The id of this request in our logs: yours when you sent a well-formed `X-Correlation-Id`, otherwise ours. Quote it when you report a problem.',
  }),
});

const headersWith = (headers: Record<string, Header> = {}) =>
  correlationHeader.extend(
    Object.fromEntries(
      Object.entries(headers).map(([name, { description, required }]) => [
        name,
        required ? z.string().meta({ description }) : z.string().optional().meta({ description }),
      ]),
    ),
  );

const statusOf = (slug: ProblemSlug): readonly number[] => {
  const status = PROBLEMS[slug].status;
  return typeof status === 'number' ? [status] : status;
};

/** What the HTTP stack itself answers for a route declared so (lib/adapters/http/handler.ts), besides the 500. */
export function stackProblems(route: DeclaredRoute): ProblemSlug[] {
  return [
    'about:blank',
    ...(route.auth === 'public' ? [] : (['unauthenticated', 'forbidden'] as const)),
    ...(route.body
      ? ([
          'invalid-request',
          'invalid-json',
          'body-missing',
          'body-too-large',
          'unsupported-media-type',
        ] as const)
      : (['body-not-allowed'] as const)),
    ...(route.path || route.query ? (['invalid-request'] as const) : []),
  ];
}

/** The problem answers of an operation, one per status, each listing and explaining its types. */
function problemAnswers(slugs: readonly ProblemSlug[]): ZodOpenApiOperationObject['responses'] {
  const byStatus = new Map<number, ProblemSlug[]>();
  for (const slug of new Set<ProblemSlug>(slugs))
    for (const status of statusOf(slug)) byStatus.set(status, [...(byStatus.get(status) ?? []), slug]);
  return Object.fromEntries(
    [...byStatus].map(([status, types]) => [
      String(status),
      {
        description: types.map((slug) => `\`${slug}\`: ${PROBLEMS[slug].explanation}`).join('\n\n'),
        headers: headersWith(
          status === 503
            ? { 'Retry-After': { description: 'Seconds to wait before asking again.', required: true } }
            : {},
        ),
        content: {
          'application/problem+json': {
            // The shared Problem, narrowed to the types this answer can carry (loose: Problem says what else).
            schema: z.intersection(
              problemSchema,
              z.looseObject({
                type: z.enum(types.map(problemTypeUri) as [string, ...string[]]).meta({
                  description: 'The types this answer can carry: branch on `type`, never on `title`.',
                }),
              }),
            ),
          },
        },
      },
    ]),
  );
}

function operationObject(
  route: DeclaredRoute,
  servedBy: string,
  operation: Operation,
): ZodOpenApiOperationObject {
  const roles = route.auth === 'public' ? [] : [...route.auth.roles];
  const params = {
    ...(route.path ? { path: route.path as z.ZodObject } : {}),
    ...(route.query ? { query: route.query as z.ZodObject } : {}),
  };
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: `${operation.description}\n\n${roles.length ? `Role: ${roles.join(' or ')}.` : 'No API key needed.'} Served by the \`${servedBy}\` function.`,
    tags: [operation.tag],
    security: roles.length ? [{ apiKey: roles }] : [],
    'x-function': servedBy,
    ...(Object.keys(params).length ? { requestParams: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.answers).map(([status, answer]) => [
          status,
          {
            description: answer.description,
            headers: headersWith(answer.headers),
            ...(answer.content
              ? {
                  content: Object.fromEntries(
                    Object.entries(answer.content).map(([type, schema]) => [type, { schema }]),
                  ),
                }
              : {}),
          },
        ]),
      ),
      ...problemAnswers([...stackProblems(route), ...operation.problems]),
    },
  };
}

/**
 * `/v1/events/{eventId}` as OpenAPI writes it: the same as the route key's path. Fails when a route has no entry in
 * lib/api/operations.ts or an entry has no route (lib/api/document.test.ts holds the rest: one function per route, no
 * operation restating a problem of the HTTP stack).
 */
function pathsOf(byFunction: Record<string, Record<string, DeclaredRoute>>): ZodOpenApiPathsObject {
  const served = Object.entries(byFunction).flatMap(([name, routes]) =>
    Object.entries(routes).map(([key, route]) => ({ key, name, route })),
  );
  const keys = served.map(({ key }) => key);
  const missing = keys.filter((key) => !OPERATIONS[key]);
  const stale = Object.keys(OPERATIONS).filter((key) => !keys.includes(key));
  if (missing.length || stale.length)
    throw new Error(
      `lib/api/operations.ts does not match the routes: ${[
        ...missing.map((key) => `${key} is not described`),
        ...stale.map((key) => `${key} is no route`),
      ].join('; ')}`,
    );
  const paths: ZodOpenApiPathsObject = {};
  for (const { key, name, route } of served) {
    const [method = '', path = ''] = key.split(' ');
    const operation = OPERATIONS[key] as Operation;
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationObject(route, name, operation) };
  }
  return paths;
}

export interface DocumentOptions {
  /** The build's version (APP_VERSION). */
  version: string;
}

/** The OpenAPI 3.1 document, as JSON-ready data. */
export function openApiDocument({ version }: DocumentOptions): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'UiTPAS ticketing integration',
      version,
      description:
        "What a ticketing system's box office, webshop and administrators call to validate an UiTPAS, find the tariffs a passholder may pay, register and cancel discounted sales at UiTPAS, and map events, organisations and promotors to UiTdatabank.\n\nEvery error is `application/problem+json` with a stable `type` (`urn:uitpas-ticketing:problem:…`): branch on `type`, show `endUserMessage` to the buyer when there is one. A path or method that is no route gets a 404 `route-not-found`. UiTPAS, INSZ and chip numbers travel in bodies only, never in a URL.\n\nAn API key has one role (`basket` for tills and webshops, `admin` for administrators) and acts for a list of organisations: anything of another organisation is answered as if it did not exist.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      { url: '/', description: 'The deployment that serves this document (GET /v1/openapi.json)' },
      { url: 'http://localhost:3000', description: 'The local stack (npm start)' },
    ],
    tags: [
      { name: 'basket', description: 'At the till and in the webshop: the pass and its tariffs.' },
      {
        name: 'ticket sales',
        description: 'Registering, confirming and cancelling discounted sales at UiTPAS.',
      },
      { name: 'mappings', description: 'Events, organisations and promotors, and their UiTdatabank ids.' },
      { name: 'readiness', description: 'Why an event is or is not ready to sell with UiTPAS.' },
      { name: 'service', description: 'The API itself.' },
    ],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'An API key from the operator (`npm run apikey`). The security requirement of each operation names the role it needs.',
        },
      },
    },
    paths: pathsOf(declaredRoutes()),
  });
}
