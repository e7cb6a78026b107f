import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { apiEvent, lambdaContext } from '../../test-support/api-event.js';
import type { Principal } from '../domain/access.js';
import type { AuditEntry } from '../domain/audit.js';
import { changedFields, type Organisation, type Promotor, type TicketingEvent } from '../domain/mappings.js';
import { toPassView } from '../domain/pass.js';
import { evaluateReadiness, type ReadinessFacts, UNAVAILABLE } from '../domain/readiness.js';
import { planTariffRequest, toTariffAnswer } from '../domain/tariffs.js';
import {
  decideReconciliation,
  newOrder,
  type Order,
  orderView,
  registered,
  requestCancellation,
  startCancelling,
} from '../domain/ticket-sales/index.js';
import { buyerHint, toUitpasPrices } from '../domain/uitpas-prices.js';
import { createHandler as health } from '../handlers/health.js';
import type { OrganisationReadinessReport } from '../use-cases/readiness/check.js';
import {
  auditPage,
  eventMapping,
  eventMappingPage,
  eventReadinessResponse,
  healthResponse,
  openApiDocumentResponse,
  orderResponse,
  organisationList,
  organisationReadinessResponse,
  passResponse,
  promotorList,
  RESPONSE_SCHEMAS,
  tariffsResponse,
  textBody,
  uitpasPricesResponse,
} from './responses.js';

// The document is checked the way a client would check an answer: against the JSON Schema, in output mode. zod's
// own parse strips unknown fields of a `z.object`, so an extra field is caught by the JSON Schema only.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const validators = new Map<z.ZodType, ReturnType<typeof ajv.compile>>();
const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });

/** The errors the answer's JSON gets from zod and from the rendered JSON Schema; none when both accept it. */
function problemsOf(schema: z.ZodType, body: unknown): string[] {
  const wire = JSON.parse(JSON.stringify(body));
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(jsonSchemaOf(schema));
    validators.set(schema, validate);
  }
  const parsed = schema.safeParse(wire);
  return [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `zod ${issue.path.join('.')}: ${issue.message}`)),
    ...(validate(wire)
      ? []
      : (validate.errors ?? []).map((error) => `json ${error.instancePath}: ${error.message}`)),
  ];
}

/** Which of the two refuse the body: `zod`, `json` (the rendered JSON Schema), both or neither. */
const refusedBy = (schema: z.ZodType, body: unknown) => [
  ...new Set(problemsOf(schema, body).map((problem) => problem.split(' ')[0])),
];

const NOW = new Date('2026-03-02T10:00:00.000Z');
const UDB_EVENT = '5a0967f9-cc06-4c3c-9206-30481a767434';
const ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const basket: Principal = { keyId: 'k1', clientName: 'box-office', role: 'basket', organisations: ['org-a'] };
const meta = {
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T08:30:00.000Z',
  updatedBy: 'admin-screen',
  version: 3,
};

const event: TicketingEvent = {
  eventId: 'ev-1',
  organisationId: 'org-a',
  promotorId: 'guest',
  name: 'Festival',
  startDate: '2026-09-01T20:00:00+02:00',
  endDate: '2026-09-01T23:00:00+02:00',
  labels: ['UiTPAS', 'uitDB'],
  placeId: 'c3f9278e-228b-4199-8f9a-b9716a17e58f',
  eventTypeId: '0.50.4.0.0',
  ticketTypes: [
    { id: 'base', name: 'Basistarief', price: 12.5, standard: true },
    { id: 'reduced', name: 'Reductie', price: 8, standard: false },
  ],
  hint: 'Bring your UiTPAS.',
  uitdatabankId: UDB_EVENT,
  uitdatabankIdSource: 'manual',
  organizerCheck: { status: 'match', uitdatabankId: UDB_EVENT, checkedAt: NOW.toISOString() },
  ...meta,
};

function heldOrder(): Order {
  const order = newOrder({
    request: {
      orderId: 'box-office/o-1',
      lines: [
        {
          lineId: 'a',
          eventId: 'ev-1',
          uitpasNumber: '0900000067513',
          tariffId: 'T1',
          regularPrice: 12.5,
          quantity: 1,
        },
        {
          lineId: 'g',
          eventId: 'ev-1',
          uitpasNumber: '0900000045410',
          tariffId: 'T1',
          regularPrice: 12.5,
          regularPriceLabel: 'Basistarief',
          quantity: 2,
        },
      ],
    },
    plan: ['a', 'g'].map((lineId) => ({
      lineId,
      eventId: 'ev-1',
      organisationId: 'org-a',
      uitdatabankId: UDB_EVENT,
    })),
    masked: ['0900******513', '0900******410'],
    principal: basket,
    attempt: {
      owner: 'x',
      startedAt: NOW.toISOString(),
      leaseUntil: new Date(NOW.getTime() + 30_000).toISOString(),
    },
    now: NOW,
    passKey: 'unit-test-key',
  });
  return registered(
    order,
    [
      { ticketSaleIds: ['101'], tariffName: 'Kansentarief', tariffPrice: 3 },
      { ticketSaleIds: ['102', '103'], tariffName: 'Kansentarief', tariffPrice: 3 },
    ],
    { now: NOW, heldUntil: new Date(NOW.getTime() + 15 * 60_000) },
  );
}

function readinessFacts(overrides: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    event,
    organisation: { organisationId: 'org-a', uitdatabankOrganizerId: ORGANIZER },
    promotor: { promotorId: 'guest', uitdatabankOrganizerId: undefined },
    uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'APPROVED', basePrice: 12.5, organizerId: ORGANIZER },
    permissions: [
      {
        organizerId: ORGANIZER,
        name: 'Test',
        permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
        cardSystemLimits: { TARIFFS_READ: [1] },
      },
    ],
    cardSystems: [
      { id: 1, name: 'UiTPAS Gent', enabled: true },
      { id: 3, enabled: true },
    ],
    now: NOW,
    ...overrides,
  };
}

describe('the response schemas', () => {
  it.each(Object.entries(RESPONSE_SCHEMAS))(
    '%s renders as a named JSON Schema of a closed object',
    (_, schema) => {
      const meta = z.globalRegistry.get(schema);
      expect(meta?.id).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(meta?.description).toBeTruthy();
      const rendered = jsonSchemaOf(schema) as {
        $ref: string;
        $defs: Record<string, { additionalProperties?: unknown }>;
      };
      expect(rendered.$ref).toBe(`#/$defs/${meta?.id}`);
      expect(rendered.$defs[meta?.id as string]?.additionalProperties).toBe(false);
    },
  );

  it('renders the bodies of the API’s own description too', () => {
    expect(() => jsonSchemaOf(openApiDocumentResponse)).not.toThrow();
    expect(jsonSchemaOf(textBody)).toMatchObject({ type: 'string' });
    expect(
      problemsOf(openApiDocumentResponse, {
        openapi: '3.1.0',
        info: { title: 't', version: '1' },
        paths: {},
      }),
    ).toEqual([]);
  });
});

describe('the bodies the code answers with', () => {
  it('health: what the route itself answers', async () => {
    const response = await health({ version: '1.4.2' })(
      apiEvent({ method: 'GET', route: '/v1/health' }),
      lambdaContext(),
    );
    expect(problemsOf(healthResponse, JSON.parse(response.body ?? ''))).toEqual([]);
  });

  it('pass: a pass found by INSZ, with UiTPAS’s messages, and one without a card system name', () => {
    const found = toPassView(
      {
        uitpasNumber: '0900000067513',
        passType: 'INDIVIDUAL',
        firstName: 'Anna',
        points: 12,
        cardSystem: { id: 1, name: 'UiTPAS Gent' },
        socialTariff: { status: 'ACTIVE', endDate: '2026-12-31' },
        messages: [{ level: 'INFO', text: 'Je kansentarief loopt tot 31 december.' }],
      },
      'insz',
    );
    expect(problemsOf(passResponse, found)).toEqual([]);
    const bare = toPassView({
      uitpasNumber: '0900000045410',
      passType: 'GROUP',
      firstName: 'Vzw',
      points: 0,
      cardSystem: { id: 2 },
      socialTariff: { status: 'NONE' },
    });
    expect(problemsOf(passResponse, bare)).toEqual([]);
  });

  it('tariffs: with tariffs, and with none but UiTPAS’s message why', () => {
    const plan = planTariffRequest('ev-1', event, basket, { regularPrice: 12.5 });
    const offered = toTariffAnswer(
      plan,
      {
        available: [
          { id: 'T1', name: 'Kansentarief', price: 3, type: 'SOCIALTARIFF', remaining: 1 },
          { id: 'C1', price: 5, remaining: 2 },
          { id: 'gone', price: 5, remaining: 0 },
        ],
      },
      'uitpas-ticket-type',
    );
    expect(offered.tariffs).toHaveLength(2);
    expect(problemsOf(tariffsResponse, offered)).toEqual([]);
    const none = toTariffAnswer(
      plan,
      { available: [], endUserMessage: { nl: 'Geen kansentarief.', en: 'None.' } },
      'x',
    );
    expect(problemsOf(tariffsResponse, none)).toEqual([]);
  });

  it('uitpas prices: a tariff with the default hint, and none with the event’s own hint', () => {
    const plan = planTariffRequest('ev-1', event, basket);
    const offered = toUitpasPrices(
      plan,
      { available: [{ id: 'SOCIALTARIFF-1', name: 'Kansentarief', price: 2.5, type: 'SOCIALTARIFF' }] },
      buyerHint({}),
    );
    expect(problemsOf(uitpasPricesResponse, offered)).toEqual([]);
    const none = toUitpasPrices(
      plan,
      { available: [{ id: 'no-price' }], endUserMessage: { nl: 'Geen kansentarief.' } },
      buyerHint(event),
    );
    expect(none).toMatchObject({ tariffs: [], lowestPrice: null, hint: { source: 'event' } });
    expect(problemsOf(uitpasPricesResponse, none)).toEqual([]);
    expect(refusedBy(uitpasPricesResponse, { ...offered, lowestPrice: -1 })).toEqual(['zod', 'json']);
  });

  it('orders: registering, held, with a cancellation asked meanwhile, cancelling, reconciled', () => {
    const held = heldOrder();
    const registering = newOrder({
      request: {
        orderId: 'o-2',
        lines: [
          {
            lineId: 'a',
            eventId: 'ev-1',
            uitpasNumber: '0900000067513',
            tariffId: 'T1',
            regularPrice: 1,
            quantity: 1,
          },
        ],
      },
      plan: [{ lineId: 'a', eventId: 'ev-1', organisationId: 'org-a', uitdatabankId: UDB_EVENT }],
      masked: ['0900******513'],
      principal: basket,
      attempt: { owner: 'y', startedAt: NOW.toISOString(), leaseUntil: NOW.toISOString() },
      now: NOW,
      passKey: 'k',
    });
    const reconciled: Order = {
      ...registering,
      status: 'UNKNOWN',
      reconciliation: decideReconciliation(registering, [], new Set(), NOW, 'k').record,
    };
    const bodies = [
      orderView(registering),
      orderView(held, 'uitpas-ticket-type'),
      orderView(requestCancellation(registering, 'a', NOW) ?? registering),
      orderView(startCancelling(held, new Set(['g']), NOW), 'uitpas-ticket-type'),
      orderView(reconciled),
      orderView({
        ...held,
        orphanedSales: [{ ticketSaleId: '900', lineId: 'a', foundAt: NOW.toISOString() }],
      }),
    ];
    expect(bodies.map((body) => problemsOf(orderResponse, body))).toEqual(bodies.map(() => []));
    expect(bodies[1]).toMatchObject({ status: 'HELD', heldUntil: '2026-03-02T10:15:00.000Z' });
    expect(bodies[2]).toHaveProperty('cancelRequested', { at: NOW.toISOString(), lineIds: ['a'] });
    expect(bodies[4]).toHaveProperty('reconciliation.outcome', 'none');
    expect(bodies[5]).toHaveProperty('orphanedSales');
  });

  it('mappings: an event page, organisations, promotors and the audit trail', () => {
    expect(
      problemsOf(eventMappingPage, {
        items: [event, { ...event, eventId: 'ev-2' }],
        nextCursor: 'eyJmIjoiIn0',
      }),
    ).toEqual([]);
    const bare: TicketingEvent = {
      eventId: 'ev-3',
      organisationId: 'org-a',
      name: 'Bare',
      startDate: '2026-09-01T18:00:00.000Z',
      labels: [],
      ticketTypes: [],
      ...meta,
    };
    expect(problemsOf(eventMappingPage, { items: [bare], nextCursor: null })).toEqual([]);
    const organisation: Organisation = {
      organisationId: 'org-a',
      name: 'CC',
      uitdatabankOrganizerId: ORGANIZER,
      ...meta,
    };
    expect(
      problemsOf(organisationList, {
        items: [organisation, { organisationId: 'org-b', name: 'B', ...meta }],
      }),
    ).toEqual([]);
    const promotor: Promotor = { promotorId: 'guest', name: 'Guest', organisationId: 'org-a', ...meta };
    expect(problemsOf(promotorList, { items: [promotor] })).toEqual([]);
    const entry: AuditEntry = {
      entity: 'event',
      entityId: 'ev-1',
      action: 'update',
      at: meta.updatedAt,
      version: 3,
      actor: { clientName: 'admin-screen', keyId: 'k2' },
      organisationIds: ['org-a'],
      changes: changedFields({ ...event, hint: undefined, name: 'Old' }, event),
    };
    expect(Object.keys(entry.changes)).toEqual(['name', 'hint']);
    expect(problemsOf(auditPage, { items: [entry], nextCursor: null })).toEqual([]);
  });

  it('readiness: a report with a card-system warning, one with an upstream unreachable, and an organisation’s', () => {
    const limited = evaluateReadiness(readinessFacts());
    expect(limited.organizerPermission?.cardSystems?.uncovered).toEqual([{ id: 3, name: null }]);
    expect(problemsOf(eventReadinessResponse, limited)).toEqual([]);
    const unreachable = evaluateReadiness(
      readinessFacts({ uitdatabankEvent: UNAVAILABLE, permissions: UNAVAILABLE }),
    );
    expect(unreachable.items.some((item) => item.unavailable)).toBe(true);
    expect(problemsOf(eventReadinessResponse, unreachable)).toEqual([]);
    const unmapped = evaluateReadiness(readinessFacts({ event: { ...event, uitdatabankId: undefined } }));
    expect(problemsOf(eventReadinessResponse, unmapped)).toEqual([]);
    const organisation: OrganisationReadinessReport = {
      organisationId: 'org-a',
      checkedAt: NOW.toISOString(),
      summary: { total: 2, ready: 1, notReady: 1 },
      events: [limited, unreachable],
    };
    expect(problemsOf(organisationReadinessResponse, organisation)).toEqual([]);
  });
});

describe('what the schemas refuse', () => {
  it('an undocumented field, at the top or deep inside', () => {
    const held = orderView(heldOrder());
    expect(problemsOf(orderResponse, { ...held, lastError: { status: 502 } })).toEqual([
      'json : must NOT have additional properties',
    ]);
    const [first, ...rest] = held.lines;
    const deep = { ...held, lines: [{ ...first, uitpasNumberHash: 'hmac-sha256:…' }, ...rest] };
    expect(problemsOf(orderResponse, deep)).toEqual(['json /lines/0: must NOT have additional properties']);
    expect(problemsOf(eventMapping, { ...event, readiness: {} })).toEqual([
      'json : must NOT have additional properties',
    ]);
  });

  it('a missing required field, a value outside its enum and a null where none is allowed', () => {
    const { heldUntil: _heldUntil, ...withoutHeldUntil } = orderView(heldOrder());
    expect(problemsOf(orderResponse, withoutHeldUntil)).toEqual([
      'zod heldUntil: Invalid input: expected string, received undefined',
      "json : must have required property 'heldUntil'",
    ]);
    expect(refusedBy(orderResponse, { ...orderView(heldOrder()), status: 'PAID' })).toEqual(['zod', 'json']);
    const { nextCursor: _nextCursor, ...withoutCursor } = { items: [event], nextCursor: null };
    expect(refusedBy(eventMappingPage, withoutCursor)).toEqual(['zod', 'json']);
    const report = evaluateReadiness(readinessFacts());
    expect(refusedBy(eventReadinessResponse, { ...report, checkedAt: 'yesterday' })).toEqual(['zod', 'json']);
    const answer = toTariffAnswer(planTariffRequest('ev-1', event, basket), { available: [] }, 'x');
    expect(refusedBy(tariffsResponse, { ...answer, uitpasTicketTypeId: null })).toEqual(['zod', 'json']);
  });
});
