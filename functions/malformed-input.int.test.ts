/**
 * Malformed input on every HTTP route of the README's routes table (and API Gateway's `$default` route), through the
 * functions' real composition roots against dynalite and the in-process sandbox. Every answer is a 4xx problem+json
 * with a type, a detail and the correlation id, never a 5xx (a 2xx only where the input is well-formed but names
 * nothing, or is ignored); a 400 that lists `invalidParams` names the field the case broke. And nothing changes:
 * not the table (every item, before and after each route) nor the sandbox (its ticket sales, events, organizers,
 * permissions and passes; no write request reaches it).
 *
 * The cases come from the tables in test-support/malformed.ts; each route's test lists every case that failed.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  OTHER_UITPAS_ORGANIZER_ID,
  PASSES,
  type Sandbox,
  startSandbox,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
  UNKNOWN_UITPAS_NUMBER,
} from '@uitpas-ticketing/sandbox';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { Principal } from '../lib/domain/access.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { seedDemoData } from '../local/seed.js';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import {
  bodyCases,
  bodyText,
  type Case,
  callerCases,
  type Field,
  fieldCases,
  ifMatchCases,
  ignoredHeaderCases,
  ignoredQueryCases,
  judge,
  NO_BODY,
  noBodyCases,
  pathCases,
  raw,
} from '../test-support/malformed.js';
import { loadRoots } from '../test-support/roots.js';

const TABLE = 'malformed-input-test';
const FUNCTIONS = [
  'health',
  'apiDocs',
  'validatePass',
  'lookupTariffs',
  'manageMappings',
  'registerTicketSales',
  'cancelTicketSales',
  'checkReadiness',
  'reportTicketSales',
  'reconcileSales',
] as const;
type FunctionName = (typeof FUNCTIONS)[number];
type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof lambdaContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** An admin of every organisation: whatever validation lets through would be carried out. */
const OPERATOR: Principal = { ...ADMIN, keyId: 'test-operator', organisations: ['*'] };
const OTHER_ADMIN: Principal = { ...ADMIN, keyId: 'other-admin', organisations: ['other-org'] };
const OTHER_BASKET: Principal = {
  ...BASKET,
  keyId: 'other-basket',
  clientName: 'webshop-other',
  organisations: ['other-org'],
};
const NO_ORGANISATIONS = (principal: Principal): Principal => ({
  ...principal,
  keyId: `${principal.keyId}-none`,
  organisations: [],
});

/** The order registered before the cases run (HELD), and an id no order has. */
const ORDER = 'malformed-order';
const NO_ORDER = 'no-such-order';
const SALE_LINE = {
  lineId: 'l1',
  eventId: 'demo-festival',
  uitpasNumber: PASSES.socialTariff,
  tariffId: 'SOCIALTARIFF',
  regularPrice: 10,
  regularPriceLabel: 'Basistarief',
  quantity: 1,
};
const SALE = { orderId: ORDER, lines: [SALE_LINE] };
const TARIFF_REQUEST = { eventId: 'demo-festival', uitpasNumber: PASSES.socialTariff, regularPrice: 10 };

/** A route, its caller and a valid request, and the cases sent to it. */
interface RouteUnderTest {
  fn: FunctionName;
  method: string;
  route: string;
  caller?: Principal;
  path?: Record<string, string>;
  /** Where a case that may be carried out (`handled`) is sent instead, on a route that changes what it names. */
  unknownPath?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  cases: Case[];
}

const eventBody = {
  name: 'Demo festival',
  startDate: '2027-09-01T20:00:00+02:00',
  organisationId: 'demo-org',
  labels: ['UiTPAS'],
  placeId: TEST_PLACE_ID,
  eventTypeId: '0.50.4.0.0',
  ticketTypes: [
    { id: 'base', name: 'Basistarief', price: 10, standard: true },
    { id: 'reduced', name: 'Reductie -26', price: 8, standard: false },
  ],
  hint: 'Kies eerst een ticket aan basistarief.',
  uitdatabankId: TEST_EVENT_ID,
};
const eventFields: Field[] = [
  { at: ['eventId'], kind: 'id', more: [['another id than the path', 'demo-limited']] },
  { at: ['name'], kind: 'text', required: true },
  { at: ['startDate'], kind: 'dateTime', required: true },
  { at: ['endDate'], kind: 'dateTime', more: [['before startDate', '2027-08-01T20:00:00+02:00']] },
  { at: ['organisationId'], kind: 'id', required: true, more: [['an unknown organisation', 'no-such-org']] },
  { at: ['promotorId'], kind: 'id', nullable: true, more: [['an unknown promotor', 'no-such-promotor']] },
  { at: ['labels', 0], kind: 'text' },
  { at: ['placeId'], kind: 'uitdatabankId', nullable: true },
  { at: ['eventTypeId'], kind: 'termId', nullable: true },
  {
    at: ['ticketTypes', 0, 'id'],
    kind: 'id',
    required: true,
  },
  { at: ['ticketTypes', 0, 'name'], kind: 'text', required: true },
  { at: ['ticketTypes', 0, 'price'], kind: 'price', required: true },
  { at: ['ticketTypes', 0, 'standard'], kind: 'boolean', required: true },
  { at: ['hint'], kind: 'multiline', nullable: true },
  {
    at: ['uitdatabankId'],
    kind: 'uitdatabankId',
    nullable: true,
    more: [['an id UiTdatabank does not know', '00000000-0000-4000-8000-000000000000']],
  },
  { at: ['version'], kind: 'version' },
];
const eventShapeCases: Case[] = [
  ['labels: not an array', { labels: 'UiTPAS' }],
  ['labels: 51 labels', { labels: Array.from({ length: 51 }, (_, i) => `l${i}`) }],
  ['labels: an array in an array', { labels: [['UiTPAS']] }],
  ['ticketTypes: not an array', { ticketTypes: { id: 'base' } }],
  [
    'ticketTypes: 101 types',
    {
      ticketTypes: Array.from({ length: 101 }, (_, i) => ({
        id: `t${i}`,
        name: 'T',
        price: 1,
        standard: i === 0,
      })),
    },
  ],
  ['ticketTypes: a duplicate id', { ticketTypes: [eventBody.ticketTypes[0], eventBody.ticketTypes[0]] }],
  ['ticketTypes: an unknown field', { ticketTypes: [{ ...eventBody.ticketTypes[0], vat: 6 }] }],
  ['ticketTypes: null in the list', { ticketTypes: [null] }],
].map(([name, change]) => ({
  name: name as string,
  expect: 'refused',
  body: { ...eventBody, ...(change as object) },
}));

const organisationBody = {
  name: 'Demo cultuurcentrum',
  uitdatabankOrganizerId: TEST_ORGANIZER_ID,
  defaultPlaceId: TEST_PLACE_ID,
};
const organisationFields: Field[] = [
  { at: ['organisationId'], kind: 'id', more: [['another id than the path', 'other-org']] },
  { at: ['name'], kind: 'text', required: true },
  {
    at: ['uitdatabankOrganizerId'],
    kind: 'uitdatabankId',
    nullable: true,
    more: [['an organizer UiTdatabank does not know', '22222222-2222-4222-8222-222222222222']],
  },
  { at: ['defaultPlaceId'], kind: 'uitdatabankId', nullable: true },
  { at: ['version'], kind: 'version' },
];

const promotorBody = {
  name: 'Demo gezelschap op bezoek',
  organisationId: 'demo-org',
  uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
};
const promotorFields: Field[] = [
  { at: ['promotorId'], kind: 'id', more: [['another id than the path', 'other-promotor']] },
  { at: ['name'], kind: 'text', required: true },
  { at: ['organisationId'], kind: 'id', required: true, more: [['an unknown organisation', 'no-such-org']] },
  {
    at: ['uitdatabankOrganizerId'],
    kind: 'uitdatabankId',
    nullable: true,
    more: [['an organizer UiTdatabank does not know', '22222222-2222-4222-8222-222222222222']],
  },
  { at: ['version'], kind: 'version' },
];

const saleFields: Field[] = [
  { at: ['orderId'], kind: 'id', required: true },
  { at: ['lines', 0, 'lineId'], kind: 'id', required: true },
  { at: ['lines', 0, 'eventId'], kind: 'id', required: true },
  { at: ['lines', 0, 'uitpasNumber'], kind: 'uitpasNumber', required: true },
  { at: ['lines', 0, 'tariffId'], kind: 'tariffId', required: true },
  { at: ['lines', 0, 'regularPrice'], kind: 'price', required: true },
  { at: ['lines', 0, 'regularPriceLabel'], kind: 'text' },
  { at: ['lines', 0, 'quantity'], kind: 'quantity' },
];
/** A new order: these are refused by the checks before anything is written. */
const newSale = (line: Record<string, unknown>) => ({
  orderId: 'malformed-new-order',
  lines: [{ ...SALE_LINE, ...line }],
});
const saleShapeCases: Case[] = [
  ['lines: none', { ...SALE, lines: [] }],
  [
    'lines: 51 lines',
    { ...SALE, lines: Array.from({ length: 51 }, (_, i) => ({ ...SALE_LINE, lineId: `l${i}` })) },
  ],
  ['lines: a duplicate lineId', { ...SALE, lines: [SALE_LINE, { ...SALE_LINE, tariffId: 'COUPON_1079' }] }],
  ['lines: null in the list', { ...SALE, lines: [null] }],
  ['lines: a line in an array', { ...SALE, lines: [[SALE_LINE]] }],
  ['lines: an object', { ...SALE, lines: SALE_LINE }],
  ['lines: an unknown field in a line', { ...SALE, lines: [{ ...SALE_LINE, discount: 100 }] }],
  [
    'lines: a __proto__ key in a line',
    raw(JSON.stringify(SALE).replace('{"lineId"', '{"__proto__":{},"lineId"')),
  ],
  [
    'the order again with another basket',
    { ...SALE, lines: [{ ...SALE_LINE, regularPriceLabel: 'Anders' }] },
  ],
  ['a new order: an unknown event', newSale({ eventId: 'no-such-event' })],
  ['a new order: not the standard price', newSale({ regularPrice: 9.99 })],
  ['a new order: more tickets than UiTPAS allows', newSale({ quantity: 2 })],
  ['a new order: an unknown pass, 2 tickets', newSale({ uitpasNumber: UNKNOWN_UITPAS_NUMBER, quantity: 2 })],
].map(([name, body]) => ({ name: name as string, expect: 'refused', body }));

/** A query parameter's bad values, from the id table: strings only (a query holds nothing else). */
const idQueryCases = (param: string): Case[] => [
  ...fieldCases({ [param]: 'x' }, [{ at: [param], kind: 'id' }])
    .filter((c) => typeof (c.body as Record<string, unknown>)[param] === 'string')
    .map(({ body, ...c }) => ({
      ...c,
      name: `query ${c.name.slice(1)}`,
      query: body as Record<string, string>,
      pointer: `query.${param}`,
    })),
  {
    name: `query ${param}: repeated`,
    expect: 'refused',
    query: { [param]: ['a', 'b'] },
    pointer: `query.${param}`,
  },
];
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const pageQueryCases = (): Case[] =>
  (
    [
      ['limit -1', { limit: '-1' }],
      ['limit 0', { limit: '0' }],
      ['limit 10^9', { limit: '1000000000' }],
      ['limit 1.5', { limit: '1.5' }],
      ['limit letters', { limit: 'ten' }],
      ['limit empty', { limit: '' }],
      ['limit repeated', { limit: ['1', '2'] }],
      ['limit NaN', { limit: 'NaN' }],
      ['limit Infinity', { limit: 'Infinity' }],
      ['cursor empty', { cursor: '' }],
      ['cursor garbage', { cursor: '%%%' }],
      ['cursor of 2001 characters', { cursor: 'a'.repeat(2001) }],
      ['cursor with control characters', { cursor: 'a\u0000\u001b' }],
      ['cursor: base64 of an array', { cursor: cursor([1, 2]) }],
      ['cursor: base64 of JSON null', { cursor: cursor(null) }],
      ['cursor: an unknown field', { cursor: cursor({ s: 'x', f: 'm=*;l=*', o: 'demo-org', admin: true }) }],
      ['cursor repeated', { cursor: ['a', 'b'] }],
    ] as const
  ).map(([name, query]) => ({ name: `query: ${name}`, expect: 'refused', query }));

const reconciliationWindowCases = (): Case[] =>
  (
    [
      ['from not a date', { from: 'yesterday', to: '2025-01-07' }],
      ['from a date-time', { from: '2025-01-01T00:00:00Z', to: '2025-01-07' }],
      ['to 30 February', { from: '2025-02-01', to: '2025-02-30' }],
      ['to before from', { from: '2025-06-02', to: '2025-06-01' }],
    ] as const
  ).map(([name, window]): Case => ({ name: `window: ${name}`, expect: 'refused', query: window }));

const scopeCases = (others: Principal[], expect: Case['expect'] = 'refused'): Case[] =>
  others.flatMap((other) => [
    { name: `caller: ${other.role} key of another organisation`, expect, principal: other },
    { name: `caller: ${other.role} key of no organisation`, expect, principal: NO_ORGANISATIONS(other) },
  ]);

const onlyRefused = (cases: Case[]) => cases.filter((c) => c.expect === 'refused');

function entityRoutes(
  collection: string,
  param: string,
  known: string,
  body: object,
  fields: Field[],
  extra: Case[] = [],
): RouteUnderTest[] {
  const one = `/v1/${collection}/{${param}}`;
  const base = { fn: 'manageMappings' as const, caller: OPERATOR };
  const path = { [param]: known };
  const unknownPath = { [param]: `no-such-${param}` };
  return [
    {
      ...base,
      method: 'PUT',
      route: one,
      path,
      body: body as Record<string, unknown>,
      cases: [
        ...bodyCases(body as Record<string, unknown>),
        ...fieldCases(body, fields),
        ...extra,
        // A well-formed id would be created: only the malformed ones.
        ...onlyRefused(pathCases(param)),
        ...ifMatchCases(),
        {
          name: 'If-Match and body version disagree',
          expect: 'refused',
          headers: { 'if-match': '"1"' },
          body: { ...body, version: 2 },
        },
        ...callerCases(BASKET),
        ...scopeCases([OTHER_ADMIN]),
      ],
    },
    {
      ...base,
      method: 'GET',
      route: one,
      path,
      cases: [
        ...noBodyCases({ [param]: known }),
        ...pathCases(param),
        ...ignoredQueryCases(),
        ...ignoredHeaderCases(),
        { name: 'header: If-Match garbage', expect: 'handled', headers: { 'if-match': 'garbage' } },
        ...callerCases(BASKET),
        ...scopeCases([OTHER_ADMIN]),
      ],
    },
    {
      ...base,
      method: 'DELETE',
      route: one,
      path,
      unknownPath,
      cases: [
        ...noBodyCases({ [param]: known }),
        ...pathCases(param),
        ...ifMatchCases(),
        ...ignoredQueryCases(),
        ...ignoredHeaderCases(),
        ...callerCases(BASKET),
        ...scopeCases([OTHER_ADMIN]),
      ],
    },
  ];
}

const listCases = (): Case[] => [
  ...noBodyCases({ label: 'UiTPAS' }),
  ...ignoredHeaderCases(),
  ...callerCases(BASKET),
  ...scopeCases([OTHER_ADMIN], 'handled'),
];

/** A registerTicketSales route of one order, with no body and no query of its own. */
function orderRoute(method: string, route: string, extra: Partial<RouteUnderTest> = {}): RouteUnderTest {
  return {
    fn: 'registerTicketSales',
    method,
    route,
    caller: BASKET,
    path: { orderId: ORDER },
    ...extra,
    cases: [
      ...noBodyCases({ orderId: ORDER }),
      ...pathCases('orderId'),
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(ADMIN),
      { name: 'caller: basket key of another client', expect: 'refused', principal: OTHER_BASKET },
    ],
  };
}

const ROUTES: RouteUnderTest[] = [
  {
    fn: 'health',
    method: 'GET',
    route: '/v1/health',
    cases: [
      ...noBodyCases({ status: 'ok' }),
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(BASKET, 'handled'),
    ],
  },
  ...['/v1/openapi.json', '/v1/docs'].map(
    (route): RouteUnderTest => ({
      fn: 'apiDocs',
      method: 'GET',
      route,
      cases: [
        ...noBodyCases({}),
        ...ignoredQueryCases(),
        ...ignoredHeaderCases(),
        ...callerCases(BASKET, 'handled'),
      ],
    }),
  ),
  {
    fn: 'apiDocs',
    method: 'GET',
    route: '/v1/docs/{asset}',
    path: { asset: 'init.js' },
    cases: [
      ...noBodyCases({}),
      ...pathCases('asset'),
      ...ignoredQueryCases(),
      ...callerCases(BASKET, 'handled'),
    ],
  },
  {
    fn: 'validatePass',
    method: 'POST',
    route: '/v1/passes/validate',
    caller: BASKET,
    body: { identifier: PASSES.socialTariff },
    cases: [
      ...bodyCases({ identifier: PASSES.socialTariff }),
      ...fieldCases({ identifier: PASSES.socialTariff }, [
        {
          at: ['identifier'],
          kind: 'uitpasNumber',
          required: true,
          more: [
            ['65 characters', '0'.repeat(65)],
            ['7 hex characters', 'ABCDEF1'],
            ['21 hex characters', 'A'.repeat(21)],
            ['not hex', 'GHIJKLMN'],
            ['an unknown UiTPAS number', UNKNOWN_UITPAS_NUMBER],
            ['an unknown chip number', 'DEADBEEF00'],
          ],
        },
      ]),
      ...ignoredQueryCases().map((c) => ({ ...c, query: { ...c.query, identifier: PASSES.socialTariff } })),
      ...callerCases(ADMIN),
    ],
  },
  {
    fn: 'lookupTariffs',
    method: 'POST',
    route: '/v1/tariffs',
    caller: BASKET,
    body: TARIFF_REQUEST,
    cases: [
      ...bodyCases(TARIFF_REQUEST),
      ...fieldCases(TARIFF_REQUEST, [
        { at: ['eventId'], kind: 'id', required: true, more: [['an unknown event', 'no-such-event']] },
        {
          at: ['uitpasNumber'],
          kind: 'uitpasNumber',
          required: true,
          more: [['an unknown UiTPAS number', UNKNOWN_UITPAS_NUMBER]],
        },
        { at: ['regularPrice'], kind: 'price', more: [['not the standard price', 9.99]] },
      ]),
      ...callerCases(ADMIN),
      ...scopeCases([OTHER_BASKET]),
    ],
  },
  {
    fn: 'lookupTariffs',
    method: 'GET',
    route: '/v1/events/{eventId}/uitpas-prices',
    caller: BASKET,
    path: { eventId: 'demo-festival' },
    cases: [
      ...noBodyCases({ eventId: 'demo-festival' }),
      ...pathCases('eventId'),
      { name: '{eventId}: an unknown event', expect: 'refused', path: { eventId: 'no-such-event' } },
      ...ignoredQueryCases(),
      { name: 'query: a regularPrice, which is not read', expect: 'handled', query: { regularPrice: '0' } },
      ...ignoredHeaderCases(),
      ...callerCases(ADMIN),
      ...scopeCases([OTHER_BASKET]),
    ],
  },
  ...entityRoutes('events', 'eventId', 'demo-festival', eventBody, eventFields, eventShapeCases),
  {
    fn: 'manageMappings',
    method: 'GET',
    route: '/v1/events',
    caller: OPERATOR,
    cases: [
      ...listCases(),
      ...pageQueryCases(),
      ...(
        [
          ['label unknown', { label: 'Foo' }],
          ['label empty', { label: '' }],
          ['label in lower case', { label: 'uitpas' }],
          ['label repeated with an unknown one', { label: ['UiTPAS', 'Foo'] }],
          ['label with control characters', { label: 'UiTPAS\u0000' }],
          ['mapped yes', { mapped: 'yes' }],
          ['mapped empty', { mapped: '' }],
          ['mapped repeated', { mapped: ['true', 'false'] }],
          ['cursor of another filter', { cursor: cursor({ f: 'm=true;l=*', o: 'demo-org' }) }],
          [
            'cursor with a position but no event',
            { cursor: cursor({ f: 'm=*;l=*', o: 'demo-org', s: 'x' }) },
          ],
          [
            'cursor with a forged position',
            { cursor: cursor({ f: 'm=*;l=*', o: 'demo-org', s: 'APIKEY#x', e: 'demo-festival' }) },
          ],
        ] as const
      ).map(([name, query]): Case => ({ name: `query: ${name}`, expect: 'refused', query })),
      ...idQueryCases('organisationId'),
      { name: 'query: an unknown parameter', expect: 'handled', query: { unexpected: 'x' } },
      { name: 'query: a __proto__ parameter', expect: 'handled', query: { ['__proto__']: 'x' } },
      { name: 'query: an unknown organisation', expect: 'handled', query: { organisationId: 'no-such-org' } },
    ],
  },
  ...entityRoutes('organisations', 'organisationId', 'demo-org', organisationBody, organisationFields),
  {
    fn: 'manageMappings',
    method: 'GET',
    route: '/v1/organisations',
    caller: OPERATOR,
    cases: [...listCases(), ...ignoredQueryCases()],
  },
  ...entityRoutes('promotors', 'promotorId', 'demo-guest', promotorBody, promotorFields),
  {
    fn: 'manageMappings',
    method: 'GET',
    route: '/v1/promotors',
    caller: OPERATOR,
    cases: [
      ...listCases(),
      ...idQueryCases('organisationId'),
      ...ignoredQueryCases(),
      { name: 'query: an unknown organisation', expect: 'handled', query: { organisationId: 'no-such-org' } },
    ],
  },
  {
    fn: 'manageMappings',
    method: 'GET',
    route: '/v1/audit',
    caller: OPERATOR,
    query: { entity: 'event', id: 'demo-festival' },
    cases: [
      ...listCases(),
      ...pageQueryCases(),
      ...(
        [
          ['entity missing', { entity: undefined }],
          ['entity unknown', { entity: 'apikey' }],
          ['entity in upper case', { entity: 'EVENT' }],
          ['entity repeated', { entity: ['event', 'promotor'] }],
          ['id missing', { id: undefined }],
          ['cursor with a sort key of 101 characters', { cursor: cursor({ s: 'a'.repeat(101) }) }],
        ] as const
      ).map(([name, query]): Case => ({ name: `query: ${name}`, expect: 'refused', query })),
      ...idQueryCases('id'),
      { name: 'query: an unknown parameter', expect: 'handled', query: { unexpected: 'x' } },
      { name: 'query: a __proto__ parameter', expect: 'handled', query: { ['__proto__']: 'x' } },
      { name: 'query: an id with no audit', expect: 'handled', query: { id: 'no-such-event' } },
    ],
  },
  {
    fn: 'registerTicketSales',
    method: 'POST',
    route: '/v1/ticket-sales',
    caller: BASKET,
    body: SALE,
    cases: [
      ...bodyCases(SALE),
      ...fieldCases(SALE, saleFields),
      ...saleShapeCases,
      ...callerCases(ADMIN),
      { name: 'caller: basket key of another client', expect: 'refused', principal: OTHER_BASKET },
    ],
  },
  orderRoute('POST', '/v1/ticket-sales/{orderId}/confirm', { unknownPath: { orderId: NO_ORDER } }),
  orderRoute('GET', '/v1/ticket-sales/{orderId}'),
  {
    fn: 'cancelTicketSales',
    method: 'DELETE',
    route: '/v1/ticket-sales/{orderId}',
    caller: BASKET,
    path: { orderId: ORDER },
    unknownPath: { orderId: NO_ORDER },
    cases: [
      ...noBodyCases({ lineId: 'l1' }),
      ...pathCases('orderId'),
      ...idQueryCases('lineId'),
      { name: 'query: a lineId the order does not have', expect: 'refused', query: { lineId: 'l2' } },
      { name: 'query: lineId misspelt (lineid)', expect: 'refused', query: { lineid: 'l1' } },
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(ADMIN),
      { name: 'caller: basket key of another client', expect: 'refused', principal: OTHER_BASKET },
    ],
  },
  {
    fn: 'checkReadiness',
    method: 'GET',
    route: '/v1/events/{eventId}/readiness',
    caller: OPERATOR,
    // A check of a known event stores its snapshot: every case names an event that does not exist.
    path: { eventId: 'no-such-event' },
    cases: [
      ...noBodyCases({ eventId: 'demo-festival' }),
      ...pathCases('eventId'),
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(BASKET),
      ...scopeCases([OTHER_ADMIN]).map((c) => ({ ...c, path: { eventId: 'demo-festival' } })),
    ],
  },
  {
    fn: 'checkReadiness',
    method: 'GET',
    route: '/v1/readiness',
    caller: OPERATOR,
    query: { organisationId: 'no-such-org' },
    cases: [
      ...noBodyCases({ organisationId: 'demo-org' }),
      { name: 'query: organisationId missing', expect: 'refused', query: { organisationId: undefined } },
      ...idQueryCases('organisationId'),
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(BASKET),
      ...scopeCases([OTHER_ADMIN]).map((c) => ({ ...c, query: { organisationId: 'demo-org' } })),
    ],
  },
  {
    fn: 'reportTicketSales',
    method: 'GET',
    route: '/v1/reports/ticket-sales',
    caller: OPERATOR,
    query: { organisationId: 'demo-org', from: '2025-01-01', to: '2025-12-31' },
    cases: [
      ...noBodyCases({ organisationId: 'demo-org' }),
      { name: 'query: organisationId missing', expect: 'refused', query: { organisationId: undefined } },
      ...idQueryCases('organisationId'),
      ...pageQueryCases(),
      ...(
        [
          ['from missing', { from: undefined }],
          ['to missing', { to: undefined }],
          ['from not a date', { from: 'yesterday' }],
          ['from a date-time', { from: '2025-01-01T00:00:00Z' }],
          ['from month 13', { from: '2025-13-01' }],
          ['to 30 February', { to: '2025-02-30' }],
          ['to before from', { from: '2025-06-02', to: '2025-06-01' }],
          ['367 days', { from: '2024-01-01', to: '2025-01-01' }],
          ['from repeated', { from: ['2025-01-01', '2025-02-01'] }],
          [
            'a cursor of another window',
            {
              cursor: cursor({
                o: 'demo-org',
                f: '2024-01-01',
                t: '2024-12-31',
                a: '2024-05-01T00:00:00.000Z#1',
              }),
            },
          ],
          [
            'a cursor outside its window',
            {
              cursor: cursor({
                o: 'demo-org',
                f: '2025-01-01',
                t: '2025-12-31',
                a: '2027-05-01T00:00:00.000Z#1',
              }),
            },
          ],
        ] as const
      ).map(([name, query]): Case => ({ name: `query: ${name}`, expect: 'refused', query })),
      { name: 'query: an unknown parameter', expect: 'handled', query: { unexpected: 'x' } },
      { name: 'header: Accept text/csv', expect: 'handled', headers: { accept: 'text/csv' } },
      ...ignoredHeaderCases(),
      ...callerCases(BASKET),
      ...scopeCases([OTHER_ADMIN]),
    ],
  },
  {
    fn: 'reconcileSales',
    method: 'POST',
    route: '/v1/reconciliation/runs',
    caller: OPERATOR,
    // An organisation without sales: a run that got through would store nothing and change nothing at UiTPAS.
    body: { organisationId: 'no-such-org', from: '2025-01-01', to: '2025-01-07' },
    cases: [
      ...bodyCases({ organisationId: 'no-such-org', from: '2025-01-01', to: '2025-01-07' }),
      ...fieldCases({ organisationId: 'no-such-org', eventId: 'no-such-event' }, [
        { at: ['organisationId'], kind: 'id', required: true },
        { at: ['eventId'], kind: 'id' },
      ]),
      ...(
        [
          ['from without to', { organisationId: 'no-such-org', from: '2025-01-01' }],
          ['to 30 February', { organisationId: 'no-such-org', from: '2025-02-01', to: '2025-02-30' }],
          ['to before from', { organisationId: 'no-such-org', from: '2025-06-02', to: '2025-06-01' }],
          ['93 days', { organisationId: 'no-such-org', from: '2025-01-01', to: '2025-04-03' }],
          ['an unknown field', { organisationId: 'no-such-org', unexpected: 'x' }],
        ] as const
      ).map(([name, body]): Case => ({ name: `body: ${name}`, expect: 'refused', body })),
      ...ignoredHeaderCases(),
      ...callerCases(BASKET),
      ...scopeCases([OTHER_ADMIN]),
    ],
  },
  {
    fn: 'reconcileSales',
    method: 'GET',
    route: '/v1/reconciliation',
    caller: OPERATOR,
    query: { organisationId: 'no-such-org' },
    cases: [
      ...noBodyCases({ organisationId: 'demo-org' }),
      { name: 'query: organisationId missing', expect: 'refused', query: { organisationId: undefined } },
      ...idQueryCases('organisationId'),
      ...reconciliationWindowCases(),
      ...ignoredQueryCases(),
      ...ignoredHeaderCases(),
      ...callerCases(BASKET),
      ...scopeCases([OTHER_ADMIN]),
    ],
  },
];

/** API Gateway's `$default` route (served by health): paths and methods the API does not have. */
const unknownRoute = (method: string, path: string): Case => ({
  name: `${method} ${path.length > 40 ? `${path.slice(0, 40)}…` : path}`,
  expect: 'refused',
  patch: (event) => {
    event.routeKey = '$default';
    event.rawPath = path;
    event.requestContext.routeKey = '$default';
    event.requestContext.http.method = method;
    event.requestContext.http.path = path;
  },
});
const DEFAULT_ROUTE: RouteUnderTest = {
  fn: 'health',
  method: 'GET',
  route: '/v1/health',
  cases: [
    ...[
      '/',
      '/v1',
      '/v1/',
      '/v1/nope',
      '/v1/health/x',
      '/v1/events/a/b',
      '/v1/ticket-sales/x/confirm/y',
      '/v1/%2e%2e/health',
      '/v1/health%00',
      '/v1/health\u0000',
      '/v1/health\u001b[2J',
      '/V1/HEALTH',
      '//v1/health',
      '/v1//health',
      '/v1/health;x=1',
      '/__proto__',
      '/constructor',
      '/hasOwnProperty',
      '/v1/__proto__/x',
      `/v1/${'a'.repeat(10_000)}`,
      '/v1/events/\u202e',
    ].map((path) => unknownRoute('GET', path)),
    ...['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'get', '__proto__', 'constructor'].map(
      (method) => unknownRoute(method, '/v1/health'),
    ),
  ],
};

let dynamo: LocalDynamo;
let sandbox: Sandbox;
let table: Table;
let handlers: Record<FunctionName, HttpHandler>;
/** The table and the sandbox once the order is registered, before any case. */
let before: Snapshot;

beforeAll(async () => {
  [dynamo, sandbox] = await Promise.all([startLocalDynamo(), startSandbox({ port: 0 })]);
  table = await createLocalTable(dynamo.endpoint, TABLE);
  await seedDemoData(table);
  handlers = (await loadRoots(FUNCTIONS, {
    sandboxUrl: sandbox.url,
    tableName: TABLE,
    dynamodbEndpoint: () => dynamo.endpoint,
    passHashKey: 'malformed-input-pass-hash-key',
  })) as Record<FunctionName, HttpHandler>;
  const registered = await handlers.registerTicketSales(
    apiEvent({ method: 'POST', route: '/v1/ticket-sales', body: SALE, principal: BASKET }),
    lambdaContext('registerTicketSales'),
  );
  expect(registered.statusCode).toBe(201);
  before = await snapshot();
}, 30_000);
afterAll(async () => {
  await Promise.all([sandbox?.close(), dynamo?.close()]);
});

interface Snapshot {
  /** Every item of the table, by its key. */
  items: Record<string, string>;
  sandbox: string;
}

/** Every item of the table and what the sandbox holds. */
async function snapshot(): Promise<Snapshot> {
  const items: Record<string, string> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({ TableName: table.name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items[`${item.pk} ${item.sk}`] = JSON.stringify(item);
    start = page.LastEvaluatedKey;
  } while (start);
  const state = sandbox.state;
  return {
    items,
    sandbox: JSON.stringify({
      ticketSales: state.ticketSales(),
      events: state.listEvents(),
      registrations: state.listEvents().map((event) => state.getUitpasRegistration(event.id) ?? null),
      organizers: state.listOrganizers(),
      permissions: state.listPermissions(),
      passes: state.listPasses(),
    }),
  };
}

/** What differs between two snapshots: the table items written, added or deleted, and the sandbox. */
function changes(from: Snapshot, to: Snapshot): string[] {
  const keys = [...new Set([...Object.keys(from.items), ...Object.keys(to.items)])].sort();
  return [
    ...keys
      .filter((key) => from.items[key] !== to.items[key])
      .map(
        (key) => `table item ${key} ${!from.items[key] ? 'added' : !to.items[key] ? 'deleted' : 'changed'}`,
      ),
    ...(from.sandbox === to.sandbox ? [] : ['the sandbox state changed']),
  ];
}

/** Requests that could change the sandbox: anything but a read or a token. */
const sandboxWrites = () =>
  sandbox.requests.count((entry) => entry.method !== 'GET' && !entry.path.endsWith('/token'));

/** The API Gateway event of a case: the route's valid request with what the case changes. */
function eventOf(route: RouteUnderTest, c: Case): APIGatewayProxyEventV2 {
  const body = 'body' in c ? c.body : (route.body ?? NO_BODY);
  const useUnknown = c.expect === 'handled' && route.unknownPath && !c.path;
  const query = Object.fromEntries(
    Object.entries({ ...route.query, ...c.query }).filter(([, value]) => value !== undefined),
  ) as Record<string, string | string[]>;
  const event = apiEvent({
    method: route.method,
    route: route.route,
    pathParameters: { ...(useUnknown ? route.unknownPath : route.path), ...c.path },
    query,
    ...(body === NO_BODY ? {} : { body: bodyText(body) }),
    headers: c.headers,
    principal: c.principal === null ? undefined : (c.principal ?? route.caller),
  });
  if (!route.path && !c.path) delete event.pathParameters;
  c.patch?.(event);
  return event;
}

/** Sends every case of the route; answers what went wrong, one line per case. */
async function run(route: RouteUnderTest): Promise<string[]> {
  const failures: string[] = [];
  const start = await snapshot();
  const writesBefore = sandboxWrites();
  for (const c of route.cases) {
    let response: APIGatewayProxyStructuredResultV2;
    try {
      response = await handlers[route.fn](eventOf(route, c), lambdaContext(route.fn));
    } catch (error) {
      failures.push(`${c.name}: threw ${String(error)}`);
      continue;
    }
    const wrong = judge(c, response);
    if (wrong)
      failures.push(`${c.name}: ${wrong} (${response.statusCode}) ${(response.body ?? '').slice(0, 300)}`);
  }
  if (sandboxWrites() !== writesBefore)
    failures.push(`${sandboxWrites() - writesBefore} write requests to the sandbox`);
  return [...failures, ...changes(start, await snapshot())];
}

const ALL_ROUTES: RouteUnderTest[] = [...ROUTES, DEFAULT_ROUTE];
const label = (route: RouteUnderTest) =>
  route === DEFAULT_ROUTE ? '$default' : `${route.method} ${route.route}`;
describe('malformed input changes nothing and is answered with a 4xx problem', () => {
  it.each(ALL_ROUTES.map((route) => [label(route), route] as const))('%s', async (_name, route) => {
    const { cases } = route;
    const kinds = new Set(cases.map((c) => c.name));
    expect(kinds.size, 'distinct kinds of malformed input').toBeGreaterThanOrEqual(30);
    expect(kinds.size, 'case names are unique').toBe(cases.length);
    expect(await run({ ...route, cases })).toEqual([]);
  });

  it('leaves the table, the sandbox and Object.prototype as they were', async () => {
    expect(changes(before, await snapshot())).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
