/**
 * Every operation of the OpenAPI document (lib/api/document.ts), called with requests derived from the document
 * itself, through the functions' real composition roots against dynalite and the in-process sandbox: valid ones
 * (path, query and body generated from their schemas, biased to the demo data's ids so some get through) and
 * invalid ones (a valid one spoiled: a required field dropped, a wrong type, an unknown field, out of bounds, off
 * the pattern or the enum, bad JSON, no body, a body where none is read, another media type, too large).
 *
 * Properties, for each: never a 5xx; the answer is as documented (status, media type, schema, and so the problem
 * type among those of its status: test-support/openapi.ts); an invalid request is refused with a 4xx and changes
 * nothing, neither the table nor the sandbox. A valid request may well be refused (an unknown id, a price that is
 * not the standard one): so long as the refusal is documented.
 *
 * fast-check with a fixed seed, a few runs per operation; a failure names the operation, the request and why.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  COUPON_GUIDE,
  PASSES,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
  UNKNOWN_UITPAS_NUMBER,
} from '@uitpas-ticketing/sandbox';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../lib/adapters/http/handler.js';
import { DEMO_EVENT_TO_SYNC, DEMO_EVENTS, DEMO_ORGANISATION_ID, DEMO_PROMOTOR_ID } from '../local/seed.js';
import { DOCUMENT_ID, documentAjv, unescapePointerSegment } from '../test-support/ajv.js';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import {
  arbitraryOf,
  type JsonSchema,
  type SchemaContext,
  spoilers,
} from '../test-support/json-schema-arbitrary.js';
import { documentValidator } from '../test-support/openapi.js';
import { unvalidated } from '../test-support/response-log.js';
import { FUNCTION_FILES, type FunctionName, loadRoots } from '../test-support/roots.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

const SEED = 20_260_415;
const RUNS = 25;
const ORDER = 'properties-order';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  'x-function'?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Array<Record<string, string[]>>;
}

const validator = documentValidator();
const document = validator.document as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, JsonSchema>>;
};

// --- the document's schemas, as ajv and the generators read them -----------------------------------------------

const plain = documentAjv(document);
// Query and path values travel as strings: `limit=5` is the integer 5, as OpenAPI serialises parameters.
const coercing = documentAjv(document, { coerceTypes: true });

/** `#/components/...` as seen from outside the document. */
const rebased = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/', `"${DOCUMENT_ID}#/`));
const compiled = new Map<string, ValidateFunction>();
function compile(ajv: Ajv2020, schema: unknown): ValidateFunction {
  const key = `${ajv === coercing ? 'c' : 'p'}${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rebased(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}
const accepts = (schema: unknown, value: unknown) => compile(plain, schema)(structuredClone(value));

function resolveRef(ref: string): JsonSchema {
  if (!ref.startsWith('#/')) throw new Error(`a $ref out of the document: ${ref}`);
  let node: unknown = document;
  for (const segment of ref.slice(2).split('/'))
    node = (node as Record<string, unknown>)[unescapePointerSegment(segment)];
  if (!node) throw new Error(`a $ref to nothing: ${ref}`);
  return node as JsonSchema;
}

/** Values of the demo data (local/seed.ts, the sandbox's test dataset) a field of this name may take, by where. */
const HINTS: Record<'path' | 'query' | 'body', Record<string, readonly unknown[]>> = {
  path: {
    eventId: [
      DEMO_EVENTS.festival.eventId,
      DEMO_EVENTS.limited.eventId,
      DEMO_EVENTS.noPermission.eventId,
      DEMO_EVENT_TO_SYNC,
    ],
    organisationId: [DEMO_ORGANISATION_ID],
    promotorId: [DEMO_PROMOTOR_ID],
    orderId: [ORDER],
  },
  query: {
    organisationId: [DEMO_ORGANISATION_ID],
    lineId: ['l1'],
    entity: ['event'],
    id: [DEMO_EVENTS.festival.eventId],
  },
  // Not `orderId`: a new order is what gets registered.
  body: {
    eventId: [DEMO_EVENTS.festival.eventId, DEMO_EVENTS.limited.eventId, DEMO_EVENTS.noPermission.eventId],
    organisationId: [DEMO_ORGANISATION_ID],
    promotorId: [DEMO_PROMOTOR_ID],
    identifier: [
      PASSES.socialTariff,
      PASSES.guideSocialTariffAndCoupon,
      PASSES.blocked,
      UNKNOWN_UITPAS_NUMBER,
    ],
    uitpasNumber: [PASSES.socialTariff, PASSES.guideSocialTariffAndCoupon, PASSES.socialTariffExpired],
    tariffId: ['SOCIALTARIFF', COUPON_GUIDE],
    regularPrice: [10],
    quantity: [1],
    uitdatabankId: [TEST_EVENT_ID],
    uitdatabankOrganizerId: [TEST_ORGANIZER_ID],
    placeId: [TEST_PLACE_ID],
    defaultPlaceId: [TEST_PLACE_ID],
  },
};
const contextOf = (where: keyof typeof HINTS): SchemaContext => ({
  resolve: resolveRef,
  accepts,
  hints: (name) => HINTS[where][name],
});
const context = contextOf('body');

/**
 * What a schema cannot say, made to hold, so that more valid requests get past the routes' own checks: an id in the
 * body that the path also gives is the path's, ids in a list are unique, an end is not before its start.
 */
function coherent(body: unknown, path: Record<string, unknown>): unknown {
  if (Array.isArray(body)) {
    const items = body.map((item) => coherent(item, path));
    for (const key of ['lineId', 'id'])
      if (items.every((item) => item && typeof item === 'object' && key in item))
        return items.map((item, index) => ({
          ...(item as object),
          [key]: `${key === 'id' ? 't' : 'l'}${index + 1}`,
        }));
    return items;
  }
  if (!body || typeof body !== 'object') return body;
  const object = Object.fromEntries(Object.entries(body).map(([key, value]) => [key, coherent(value, path)]));
  for (const [name, value] of Object.entries(path)) if (name in object) object[name] = value;
  const { startDate, endDate } = object as { startDate?: unknown; endDate?: unknown };
  if (
    typeof startDate === 'string' &&
    typeof endDate === 'string' &&
    Date.parse(endDate) < Date.parse(startDate)
  )
    Object.assign(object, { startDate: endDate, endDate: startDate });
  return object;
}

// --- requests ----------------------------------------------------------------------------------------------------

type Query = Record<string, string | string[]>;
interface RequestCase {
  valid: boolean;
  /** What makes it invalid, or `valid`. */
  what: string;
  path: Record<string, string>;
  query: Query;
  /** The body as sent; undefined: none. */
  body?: string;
  contentType?: string;
}

interface OperationUnderTest {
  method: string;
  template: string;
  fn: FunctionName;
  roles: string[];
  path: Parameter[];
  query: Parameter[];
  body?: JsonSchema;
}

const operations: OperationUnderTest[] = Object.entries(document.paths)
  .flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      return {
        method: method.toUpperCase(),
        template,
        fn: operation['x-function'] as FunctionName,
        roles: operation.security?.flatMap((requirement) => requirement.apiKey ?? []) ?? [],
        path: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: operation.requestBody?.content?.['application/json']?.schema,
      };
    }),
  )
  // Deletes last: what they remove is what the others' valid requests name.
  .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

/** The parameters as one object schema, the way ajv checks them (strings coerced). */
const parametersSchema = (parameters: Parameter[]): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema ?? {}])),
  required: parameters.filter((p) => p.required).map((p) => p.name),
});
const serialise = (value: unknown): string | string[] =>
  Array.isArray(value) ? value.map((item) => String(item)) : String(value);
const serialiseAll = (values: Record<string, unknown>): Query =>
  Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, serialise(value)]),
  );
const parametersValid = (parameters: Parameter[], values: Query) =>
  compile(coercing, parametersSchema(parameters))(structuredClone(values));

function parametersArbitrary(parameters: Parameter[]): fc.Arbitrary<Record<string, unknown>> {
  // A path parameter is a segment of the path: never empty, whatever its schema says.
  const of = (p: Parameter) =>
    p.in === 'path'
      ? arbitraryOf(p.schema, contextOf('path'), p.name).filter((value) => String(value) !== '')
      : arbitraryOf(p.schema, contextOf('query'), p.name);
  const model = Object.fromEntries(parameters.map((p) => [p.name, of(p)]));
  return fc.record(model, {
    requiredKeys: parameters.filter((p) => p.required).map((p) => p.name),
    noNullPrototype: true,
  }) as fc.Arbitrary<Record<string, unknown>>;
}

interface Generated {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

function validArbitrary(op: OperationUnderTest): fc.Arbitrary<Generated> {
  return fc
    .record({
      path: parametersArbitrary(op.path),
      query: parametersArbitrary(op.query),
      body: op.body ? arbitraryOf(op.body, context) : fc.constant(undefined),
    })
    .map(({ path, query, body }) => ({
      path,
      query,
      body: body === undefined ? body : coherent(body, path),
    }));
}

const asCase = (op: OperationUnderTest, generated: Generated, what = 'valid', valid = true): RequestCase => ({
  valid,
  what,
  path: serialiseAll(generated.path) as Record<string, string>,
  query: serialiseAll(generated.query),
  ...(op.body && generated.body !== undefined ? { body: JSON.stringify(generated.body) } : {}),
});

/** Each way to make the valid request `generated` one the document refuses. */
function invalidCases(op: OperationUnderTest, generated: Generated): RequestCase[] {
  const valid = asCase(op, generated);
  const cases: RequestCase[] = [];
  const invalid = (what: string, change: Partial<RequestCase>) =>
    cases.push({ ...valid, ...change, valid: false, what });

  for (const [where, parameters] of [
    ['path', op.path],
    ['query', op.query],
  ] as const) {
    const values = generated[where];
    const candidates = spoilers(parametersSchema(parameters), values, context, { root: false }).map(
      ({ what, value }) => ({
        what: `${where} ${what}`,
        values: serialiseAll(value as Record<string, unknown>),
      }),
    );
    for (const p of parameters) {
      const own = values[p.name];
      if (where === 'path')
        for (const bad of ['a b', 'x'.repeat(101), 'ü', '<script>', '..'])
          candidates.push({
            what: `path /${p.name}: ${JSON.stringify(bad.slice(0, 12))}`,
            values: { ...valid.path, [p.name]: bad },
          });
      else if (own !== undefined && !Array.isArray(own))
        candidates.push({
          what: `query /${p.name}: repeated`,
          values: { ...valid.query, [p.name]: [String(own), String(own)] },
        });
    }
    for (const candidate of candidates)
      if (!parametersValid(parameters, candidate.values))
        invalid(candidate.what, { [where]: candidate.values });
  }

  if (op.body) {
    for (const { what, value } of spoilers(op.body, generated.body, context))
      invalid(`body ${what}`, { body: JSON.stringify(value) });
    const text = valid.body ?? '{}';
    invalid('bad JSON', { body: text.slice(0, -1) });
    invalid('no body', { body: undefined });
    invalid('another media type', { contentType: 'text/plain' });
    invalid('a body over 64 KiB', { body: JSON.stringify({ padding: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }) });
  } else {
    invalid('a body where none is read', { body: '{}' });
  }
  return cases;
}

function requestArbitrary(op: OperationUnderTest): fc.Arbitrary<RequestCase> {
  const valid = validArbitrary(op);
  return fc.oneof(
    valid.map((generated) => asCase(op, generated)),
    valid.chain((generated) => {
      const cases = invalidCases(op, generated);
      return cases.length ? fc.constantFrom(...cases) : fc.constant(asCase(op, generated));
    }),
  );
}

/** Whether the document takes the request as valid: path, query and body. */
function documentTakes(op: OperationUnderTest, request: RequestCase): boolean {
  if (!parametersValid(op.path, request.path) || !parametersValid(op.query, request.query)) return false;
  if (!op.body) return request.body === undefined;
  if (request.body === undefined) return false;
  try {
    return accepts(op.body, JSON.parse(request.body));
  } catch {
    return false;
  }
}

// --- the stack and what it holds ---------------------------------------------------------------------------------

let stack: TestStack;
let handlers: Record<string, Handler>;

beforeAll(async () => {
  stack = await startTestStack({ tableName: 'openapi-properties' });
  const names = [...new Set(operations.map((op) => op.fn))];
  const unknown = names.filter((name) => !(name in FUNCTION_FILES));
  if (unknown.length) throw new Error(`test-support/roots.ts has no root for ${unknown.join(', ')}`);
  const roots = await loadRoots(names, {
    sandboxUrl: stack.sandbox.url,
    tableName: stack.table.name,
    dynamodbEndpoint: () => stack.dynamo.endpoint,
    passHashKey: 'openapi-properties-pass-hash-key',
  });
  // These answers are checked here, request by request: not again by the integration project's setup file.
  handlers = Object.fromEntries(
    Object.entries(roots).map(([name, handler]) => [name, unvalidated(handler as Handler)]),
  );
  const registered = await handlers.registerTicketSales?.(
    apiEvent({
      method: 'POST',
      route: '/v1/ticket-sales',
      principal: BASKET,
      body: {
        orderId: ORDER,
        lines: [
          {
            lineId: 'l1',
            eventId: DEMO_EVENTS.festival.eventId,
            uitpasNumber: PASSES.socialTariff,
            tariffId: 'SOCIALTARIFF',
            regularPrice: 10,
            quantity: 1,
          },
        ],
      },
    }),
    lambdaContext('registerTicketSales'),
  );
  expect(registered?.statusCode).toBe(201);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

/** Every item of the table, and what the sandbox holds. */
async function snapshot(): Promise<string> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(
      new ScanCommand({ TableName: stack.table.name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item));
    start = page.LastEvaluatedKey;
  } while (start);
  const state = stack.sandbox.state;
  return JSON.stringify({
    items: items.sort(),
    ticketSales: state.ticketSales(),
    events: state.listEvents(),
    organizers: state.listOrganizers(),
    permissions: state.listPermissions(),
    passes: state.listPasses(),
  });
}

/** Requests that could change the sandbox: anything but a read or a token. */
const sandboxWrites = () =>
  stack.sandbox.requests.count((entry) => entry.method !== 'GET' && !entry.path.endsWith('/token'));

const principalOf = (op: OperationUnderTest) =>
  op.roles.includes('admin') ? ADMIN : op.roles.includes('basket') ? BASKET : undefined;

/** What is wrong with the answer to `request`; empty when nothing is. */
async function send(op: OperationUnderTest, request: RequestCase): Promise<string[]> {
  const handler = handlers[op.fn];
  if (!handler) return [`no handler for ${op.fn}`];
  const event = apiEvent({
    method: op.method,
    route: op.template,
    pathParameters: request.path,
    query: request.query,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.contentType ? { headers: { 'content-type': request.contentType } } : {}),
    principal: principalOf(op),
  });
  const [before, writesBefore] = request.valid ? [undefined, 0] : [await snapshot(), sandboxWrites()];
  let response: APIGatewayProxyStructuredResultV2;
  try {
    response = await handler(event, lambdaContext(op.fn));
  } catch (error) {
    return [`the handler threw: ${String(error)}`];
  }
  const status = response.statusCode ?? 200;
  const failures = [
    ...(status >= 500 ? [`a ${status}`] : []),
    ...validator.validateResponse({
      method: op.method,
      path: event.rawPath,
      status,
      headers: response.headers as Record<string, string>,
      body: response.body,
    }),
  ];
  if (!request.valid) {
    if (status < 400 || status >= 500) failures.push(`an invalid request answered ${status}, not a 4xx`);
    if ((await snapshot()) !== before) failures.push('an invalid request changed the table or the sandbox');
    if (sandboxWrites() !== writesBefore) failures.push('an invalid request wrote to the sandbox');
  }
  return failures.map(
    (failure) => `${failure}\n    answer: ${status} ${(response.body ?? '').slice(0, 400)}`,
  );
}

describe('every operation of the OpenAPI document, with requests derived from it', () => {
  it('covers every operation, each served by a function', () => {
    expect(operations.length).toBeGreaterThan(15);
    expect(operations.filter((op) => !op.fn).map((op) => `${op.method} ${op.template}`)).toEqual([]);
  });

  it.each(operations.map((op) => [`${op.method} ${op.template}`, op] as const))(
    '%s: no 5xx, answers as documented, invalid requests refused and changing nothing',
    async (_name, op) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), async (request) => {
          // A generated request the document would refuse is no valid one: the generator missed (rare).
          fc.pre(!request.valid || documentTakes(op, request));
          const failures = await send(op, request);
          if (failures.length)
            throw new Error(
              `${op.method} ${op.template}, ${request.valid ? 'a valid request' : `invalid: ${request.what}`}:\n  - ${failures.join('\n  - ')}`,
            );
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false },
      );
    },
    40_000,
  );
});
