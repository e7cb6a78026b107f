/**
 * checkReadiness through its handler, against dynalite and the in-process sandbox with the real UiTPAS and
 * UiTdatabank clients and the sandbox's test dataset.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  CARD_SYSTEMS_DISABLED_EVENT_ID,
  DELETED_EVENT_ID,
  DRAFT_EVENT_ID,
  NO_BASE_PRICE_EVENT_ID,
  NO_PERMISSION_EVENT_ID,
  NON_UITPAS_ORGANIZER_EVENT_ID,
  NON_UITPAS_ORGANIZER_ID,
  NOT_IN_UITPAS_EVENT_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  type Sandbox,
  startSandbox,
  TEST_CLIENT_PERMISSIONS,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMappingRepository, type MappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import { createEntryClient } from '../lib/adapters/uitdatabank/client.js';
import { createUitpasClient, type UitpasClient } from '../lib/adapters/uitpas/client.js';
import { createTokenProvider } from '../lib/adapters/uitpas/token.js';
import type { Principal } from '../lib/domain/access.js';
import type { Organisation, Promotor, TicketingEvent } from '../lib/domain/mappings.js';
import type { ReadinessItem, ReadinessReport } from '../lib/domain/readiness.js';
import { createHandler } from '../lib/handlers/check-readiness.js';
import type { ReadinessDeps } from '../lib/use-cases/readiness/assess.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { type ApiEventInput, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';

const UDB_MISSING = '00000000-0000-4000-8000-000000000000';
const PERMISSIONS_ROUTE = 'GET /uitpas/permissions';
const MINUTE = 60_000;

const admin = (keyId: string, organisations: string[]): Principal => ({
  keyId,
  clientName: `admin-${keyId}`,
  role: 'admin',
  organisations,
});
const KEY_A = admin('key-a', ['org-a']);
const KEY_B = admin('key-b', ['org-b']);
const KEY_ALL = admin('key-all', ['org-a', 'org-other', 'org-nonuitpas', 'org-noid']);

let dynamo: LocalDynamo;
let sandbox: Sandbox;
let table: Table;
let mappings: MappingRepository;
let uitpas: UitpasClient;
let baseDeps: Omit<ReadinessDeps, 'permissions'>;
let deps: ReadinessDeps;
const handler = createHandler(() => deps);

const meta = {
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'test',
};

function ticketingEvent(eventId: string, overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId,
    organisationId: 'org-a',
    name: eventId,
    startDate: '2026-09-01T20:00:00+02:00',
    labels: ['UiTPAS'],
    ticketTypes: [
      { id: 'base', name: 'Basistarief', price: 10, standard: true },
      { id: 'reduced', name: 'Reductie', price: 8, standard: false },
    ],
    uitdatabankId: TEST_EVENT_ID,
    uitdatabankIdSource: 'manual',
    ...meta,
    version: 1,
    ...overrides,
  };
}

const ORGANISATIONS: [string, string | undefined][] = [
  ['org-a', TEST_ORGANIZER_ID],
  ['org-b', TEST_ORGANIZER_ID],
  ['org-other', OTHER_UITPAS_ORGANIZER_ID],
  ['org-nonuitpas', NON_UITPAS_ORGANIZER_ID],
  ['org-noid', undefined],
];
const PROMOTORS: Promotor[] = [
  {
    promotorId: 'promo-test',
    name: 'Promotor',
    organisationId: 'org-other',
    uitdatabankOrganizerId: TEST_ORGANIZER_ID,
    ...meta,
    version: 1,
  },
];
const EVENTS: TicketingEvent[] = [
  ticketingEvent('ev-ready'),
  ticketingEvent('ev-no-id', { uitdatabankId: undefined, uitdatabankIdSource: undefined }),
  ticketingEvent('ev-no-label', { labels: ['uitDB'] }),
  ticketingEvent('ev-no-standard', {
    ticketTypes: [{ id: 'base', name: 'Basistarief', price: 10, standard: false }],
  }),
  ticketingEvent('ev-no-base-price', { uitdatabankId: NO_BASE_PRICE_EVENT_ID }),
  ticketingEvent('ev-draft', { uitdatabankId: DRAFT_EVENT_ID }),
  ticketingEvent('ev-deleted', { uitdatabankId: DELETED_EVENT_ID }),
  ticketingEvent('ev-udb-missing', { uitdatabankId: UDB_MISSING }),
  ticketingEvent('ev-not-in-uitpas', { uitdatabankId: NOT_IN_UITPAS_EVENT_ID }),
  ticketingEvent('ev-card-systems-disabled', { uitdatabankId: CARD_SYSTEMS_DISABLED_EVENT_ID }),
  ticketingEvent('ev-price-mismatch', {
    ticketTypes: [{ id: 'base', name: 'Basistarief', price: 12, standard: true }],
  }),
  ticketingEvent('ev-wrong-organizer', {
    uitdatabankId: NO_PERMISSION_EVENT_ID,
    uitdatabankIdSource: 'sync',
  }),
  ticketingEvent('ev-not-permitted', { organisationId: 'org-other', uitdatabankId: NO_PERMISSION_EVENT_ID }),
  ticketingEvent('ev-promotor-match', { organisationId: 'org-other', promotorId: 'promo-test' }),
  ticketingEvent('ev-promotor-mismatch', {
    organisationId: 'org-other',
    promotorId: 'promo-test',
    uitdatabankId: NO_PERMISSION_EVENT_ID,
  }),
  ticketingEvent('ev-non-uitpas-organizer', {
    organisationId: 'org-nonuitpas',
    uitdatabankId: NON_UITPAS_ORGANIZER_EVENT_ID,
  }),
  ticketingEvent('ev-organisation-without-id', { organisationId: 'org-noid' }),
  ticketingEvent('ev-b', { organisationId: 'org-b' }),
];
const ORG_A_UITPAS_EVENTS = EVENTS.filter((e) => e.organisationId === 'org-a' && e.labels.includes('UiTPAS'));

/** A permissions cache of its own, as a new container has; `offsetMs` moves its clock. */
const freshDeps = (offsetMs = 0): ReadinessDeps => ({
  ...baseDeps,
  permissions: createPermissionsCache({ table, uitpas, now: () => Date.now() + offsetMs }),
});

beforeAll(async () => {
  [dynamo, sandbox] = await Promise.all([startLocalDynamo(), startSandbox({ port: 0 })]);
  table = await createLocalTable(dynamo.endpoint, 'check-readiness-test');
  mappings = createMappingRepository(table);
  const tokens = createTokenProvider({
    tokenUrl: sandbox.urls.token,
    clientId: 'sandbox-client',
    getClientSecret: async () => 'sandbox-secret',
    timeoutMs: 2000,
    retries: 1,
  });
  const transport = { tokens, timeoutMs: 2000, retries: 1, backoff: { baseMs: 1, maxMs: 5 } };
  uitpas = createUitpasClient({ baseUrl: sandbox.urls.uitpas, ...transport });
  baseDeps = {
    mappings,
    snapshots: createReadinessRepository(table),
    uitdatabank: createEntryClient({ baseUrl: sandbox.urls.entry, ...transport }),
    uitpas,
  };
  deps = freshDeps();
  for (const [organisationId, uitdatabankOrganizerId] of ORGANISATIONS) {
    const organisation: Organisation = {
      organisationId,
      name: organisationId,
      ...(uitdatabankOrganizerId ? { uitdatabankOrganizerId } : {}),
      ...meta,
      version: 1,
    };
    await mappings.putOrganisation(organisation, undefined);
  }
  for (const promotor of PROMOTORS) await mappings.putPromotor(promotor, undefined);
  await Promise.all(EVENTS.map((event) => mappings.putEvent(event, undefined)));
});
afterAll(async () => {
  await Promise.all([dynamo?.close(), sandbox?.close()]);
});
beforeEach(() => {
  sandbox.reset();
});

async function call(principal: Principal | undefined, input: Omit<ApiEventInput, 'principal'>) {
  const response = await handler(apiEvent({ principal, ...input }), lambdaContext('checkReadiness'));
  return {
    statusCode: response.statusCode,
    headers: response.headers ?? {},
    body: response.body ? JSON.parse(response.body) : undefined,
  };
}

const eventReport = (principal: Principal, eventId: string) =>
  call(principal, { method: 'GET', route: '/v1/events/{eventId}/readiness', pathParameters: { eventId } });
const organisationReport = (principal: Principal, organisationId?: string) =>
  call(principal, {
    method: 'GET',
    route: '/v1/readiness',
    query: organisationId === undefined ? {} : { organisationId },
  });

async function report(eventId: string, principal: Principal = KEY_ALL): Promise<ReadinessReport> {
  const response = await eventReport(principal, eventId);
  expect(response.statusCode).toBe(200);
  return response.body;
}
const failing = (r: ReadinessReport) => r.items.filter((i) => !i.ok).map((i) => i.id);
const item = (r: ReadinessReport, id: string): ReadinessItem => {
  const found = r.items.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};

describe('GET /v1/events/{eventId}/readiness', () => {
  it('answers every item of the checklist for a ready event', async () => {
    const r = await report('ev-ready', KEY_A);
    expect(r).toMatchObject({ eventId: 'ev-ready', ready: true });
    expect(r.items.map((i) => i.id)).toEqual([
      'uitdatabank-id',
      'uitpas-label',
      'standard-ticket-type',
      'uitdatabank-event',
      'base-price',
      'organizer-match',
      'uitpas-permission',
      'uitpas-knows-event',
      'uitpas-ticket-sales-search',
    ]);
    expect(failing(r)).toEqual([]);
    expect(item(r, 'uitdatabank-id').observed).toEqual({ uitdatabankId: TEST_EVENT_ID, source: 'manual' });
    expect(item(r, 'uitdatabank-event').observed).toEqual({
      uitdatabankId: TEST_EVENT_ID,
      workflowStatus: 'APPROVED',
    });
    expect(item(r, 'uitpas-permission').observed).toMatchObject({
      organizerId: TEST_ORGANIZER_ID,
      missing: [],
    });
    expect(r.organizerPermission).toMatchObject({ organizerId: TEST_ORGANIZER_ID, permitted: true });
  });

  it.each([
    [
      'ev-no-id',
      ['uitdatabank-id', 'uitdatabank-event', 'base-price', 'organizer-match', 'uitpas-knows-event'],
    ],
    ['ev-no-label', ['uitpas-label']],
    ['ev-no-standard', ['standard-ticket-type', 'base-price']],
    ['ev-no-base-price', ['base-price']],
    ['ev-draft', ['uitdatabank-event', 'uitpas-knows-event']],
    ['ev-deleted', ['uitdatabank-event', 'uitpas-knows-event']],
    ['ev-udb-missing', ['uitdatabank-event', 'base-price', 'organizer-match', 'uitpas-knows-event']],
    ['ev-not-in-uitpas', ['uitpas-knows-event']],
    ['ev-card-systems-disabled', ['uitpas-knows-event']],
    ['ev-wrong-organizer', ['organizer-match']],
    ['ev-not-permitted', ['uitpas-permission', 'uitpas-ticket-sales-search']],
    ['ev-promotor-mismatch', ['organizer-match']],
    ['ev-non-uitpas-organizer', ['uitpas-permission', 'uitpas-knows-event', 'uitpas-ticket-sales-search']],
    ['ev-organisation-without-id', ['organizer-match', 'uitpas-permission', 'uitpas-ticket-sales-search']],
  ])('%s is not ready, failing exactly %j', async (eventId, expected) => {
    const r = await report(eventId);
    expect(r.ready).toBe(false);
    expect(failing(r)).toEqual(expected);
    for (const failed of r.items.filter((i) => !i.ok)) {
      expect(failed.fix?.nl).toEqual(expect.any(String));
      expect(failed.fix?.en).toEqual(expect.any(String));
    }
  });

  it('says which ticket type setting, UiTdatabank status or price is wrong', async () => {
    expect(item(await report('ev-draft'), 'uitdatabank-event')).toMatchObject({
      observed: { uitdatabankId: DRAFT_EVENT_ID, workflowStatus: 'DRAFT' },
      fix: { en: expect.stringMatching(/still a draft/) },
    });
    expect(item(await report('ev-deleted'), 'uitdatabank-event').observed).toMatchObject({
      workflowStatus: 'DELETED',
    });
    expect(item(await report('ev-udb-missing'), 'uitdatabank-event').observed).toBe(
      `UiTdatabank does not know event ${UDB_MISSING}`,
    );
    expect(item(await report('ev-no-base-price'), 'base-price')).toMatchObject({
      severity: 'error',
      observed: { basePrice: null, standardPrice: 10 },
    });
  });

  it('says plainly when UiTPAS does not know the event, and that it can lag right after creation', async () => {
    const knows = item(await report('ev-not-in-uitpas'), 'uitpas-knows-event');
    expect(knows.observed).toBe('UiTPAS does not know the event');
    expect(knows.fix?.en).toMatch(/lag a few seconds/);
    const disabled = item(await report('ev-card-systems-disabled'), 'uitpas-knows-event');
    expect(disabled.observed).toMatchObject({ cardSystems: [{ enabled: false }, { enabled: false }] });
  });

  it('tells to ask the servicedesk when our client has no permission for the organizer', async () => {
    const r = await report('ev-not-permitted');
    expect(item(r, 'uitpas-permission')).toMatchObject({
      observed: { organizerId: OTHER_UITPAS_ORGANIZER_ID, listed: false },
      fix: {
        en: expect.stringMatching(/Ask the servicedesk to add this organisation to the UiTPAS integration/),
      },
    });
    expect(r.organizerPermission).toMatchObject({ organizerId: OTHER_UITPAS_ORGANIZER_ID, permitted: false });
    const nonUitpas = await report('ev-non-uitpas-organizer');
    expect(item(nonUitpas, 'uitpas-permission').observed).toMatchObject({
      organizerId: NON_UITPAS_ORGANIZER_ID,
    });
  });

  it('takes the promotor’s organizer over the organisation’s, matched or not', async () => {
    const matched = await report('ev-promotor-match');
    expect(matched.ready).toBe(true);
    expect(item(matched, 'organizer-match').observed).toEqual({
      expectedOrganizerId: TEST_ORGANIZER_ID,
      expectedFrom: 'promotor',
      uitdatabankOrganizerId: TEST_ORGANIZER_ID,
    });

    // The organisation's organizer would match this UiTdatabank event; the promotor's does not, and wins.
    const mismatch = await report('ev-promotor-mismatch');
    expect(item(mismatch, 'organizer-match')).toMatchObject({
      observed: { expectedOrganizerId: TEST_ORGANIZER_ID, uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID },
      fix: { en: expect.stringMatching(/promotor promo-test/) },
    });
    // At the till UiTPAS checks the UiTdatabank event's organizer.
    expect(mismatch.organizerPermission).toMatchObject({
      organizerId: OTHER_UITPAS_ORGANIZER_ID,
      permitted: false,
    });
  });

  it('names the organisation to fix when no organizer resolves', async () => {
    const r = await report('ev-organisation-without-id');
    expect(item(r, 'organizer-match').fix?.en).toMatch(
      /Organisation org-noid has no UiTdatabank organizer id/,
    );
  });

  it('only warns about a base price that differs from the standard ticket price', async () => {
    const r = await report('ev-price-mismatch', KEY_A);
    expect(r.ready).toBe(true);
    expect(item(r, 'base-price')).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: { basePrice: 10, standardPrice: 12 },
    });
  });

  it('is not ready, and says UiTPAS is unreachable, when UiTPAS answers 503', async () => {
    sandbox.faults.add({ path: /^\/uitpas\/events\/[^/]+\/card-systems$/, kind: 'status', status: 503 });
    const r = await report('ev-ready', KEY_A);
    expect(r.ready).toBe(false);
    expect(failing(r)).toEqual(['uitpas-knows-event']);
    expect(item(r, 'uitpas-knows-event')).toMatchObject({
      severity: 'error',
      observed: 'UiTPAS unreachable',
    });
  });

  it('is not ready when UiTdatabank is unreachable', async () => {
    sandbox.faults.add({ path: /^\/entry\/events\//, kind: 'status', status: 503 });
    const r = await report('ev-ready', KEY_A);
    expect(r.ready).toBe(false);
    expect(failing(r)).toEqual(['uitdatabank-event', 'base-price', 'organizer-match']);
    expect(item(r, 'uitdatabank-event').observed).toBe('UiTdatabank unreachable');
  });

  it('answers 404 for an event of another organisation, as for a missing one', async () => {
    const other = await eventReport(KEY_B, 'ev-ready');
    expect(other.statusCode).toBe(404);
    expect(other.headers['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(other.body.type).toBe('urn:uitpas-ticketing:problem:event-not-found');
    const missing = await eventReport(KEY_B, 'ev-nowhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.body.detail).toBe(other.body.detail.replace('ev-ready', 'ev-nowhere'));
    expect((await eventReport(KEY_B, 'ev-b')).statusCode).toBe(200);
  });

  it('refuses bad ids with a 400 naming the parameter, before any upstream call', async () => {
    const response = await eventReport(KEY_A, 'bad id!');
    expect(response.statusCode).toBe(400);
    expect(response.body.invalidParams).toEqual([{ pointer: 'path.eventId', detail: expect.any(String) }]);
    expect(sandbox.requests.count(() => true)).toBe(0);
  });

  it('refuses keys without the admin role', async () => {
    expect((await eventReport(BASKET, 'ev-ready')).statusCode).toBe(403);
    expect((await call(undefined, { method: 'GET', route: '/v1/readiness' })).statusCode).toBe(401);
  });
});

describe('the readiness snapshot for the basket', () => {
  it('is stored with the event version, used by getEventForBasket, and ignored once the event changes', async () => {
    const eventId = 'ev-snapshot';
    const first = ticketingEvent(eventId, {
      organisationId: 'org-other',
      uitdatabankId: NO_PERMISSION_EVENT_ID,
    });
    await mappings.putEvent(first, undefined);

    const r = await report(eventId);
    expect(r.organizerPermission).toMatchObject({ organizerId: OTHER_UITPAS_ORGANIZER_ID, permitted: false });
    await expect(mappings.getEventForBasket(eventId)).resolves.toEqual({
      event: first,
      organizerPermission: r.organizerPermission,
      // org-other's organizer is that of the UiTdatabank event.
      organizerVerdict: { uitdatabankId: NO_PERMISSION_EVENT_ID, match: 'match', checkedAt: r.checkedAt },
    });

    await mappings.putEvent({ ...first, name: 'renamed', version: 2 }, 1);
    const after = await mappings.getEventForBasket(eventId);
    expect(after?.event.version).toBe(2);
    expect(after?.organizerPermission).toBeUndefined();
    // The organizer verdict is about the mapping, which the edit kept.
    expect(after?.organizerVerdict?.match).toBe('match');
  });
});

describe('the permissions cache', () => {
  it('asks UiTPAS for the permissions once for two reports in a row', async () => {
    // A new container, 20 minutes on: the stored permissions are stale.
    deps = freshDeps(20 * MINUTE);
    await report('ev-ready', KEY_A);
    await report('ev-not-permitted');
    expect(sandbox.requests.count(PERMISSIONS_ROUTE)).toBe(1);
  });

  it('asks once for a whole organisation report, checked concurrently', async () => {
    deps = freshDeps(40 * MINUTE);
    expect((await organisationReport(KEY_A, 'org-a')).statusCode).toBe(200);
    expect(sandbox.requests.count(PERMISSIONS_ROUTE)).toBe(1);
    expect(sandbox.requests.count(/^GET \/uitpas\/events\/.*\/card-systems$/)).toBeGreaterThan(5);
  });
});

describe('GET /v1/readiness?organisationId=', () => {
  it('reports every UiTPAS-labelled event of the organisation, with a summary', async () => {
    const response = await organisationReport(KEY_A, 'org-a');
    expect(response.statusCode).toBe(200);
    const body = response.body as {
      organisationId: string;
      checkedAt: string;
      summary: { total: number; ready: number; notReady: number };
      events: ReadinessReport[];
    };
    const ids = body.events.map((e) => e.eventId);
    expect(ids.sort()).toEqual(ORG_A_UITPAS_EVENTS.map((e) => e.eventId).sort());
    expect(ids).not.toContain('ev-no-label');
    const ready = body.events.filter((e) => e.ready).map((e) => e.eventId);
    expect(ready.sort()).toEqual(['ev-price-mismatch', 'ev-ready']);
    expect(body).toMatchObject({
      organisationId: 'org-a',
      summary: { total: ORG_A_UITPAS_EVENTS.length, ready: 2, notReady: ORG_A_UITPAS_EVENTS.length - 2 },
    });
    expect(body.events.every((e) => e.items.length === 9)).toBe(true);
  });

  it('answers 403 for an organisation the key may not act for, and 400 without or with a bad id', async () => {
    const forbidden = await organisationReport(KEY_B, 'org-a');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.body.type).toBe('urn:uitpas-ticketing:problem:organisation-not-allowed');
    const missing = await organisationReport(KEY_A);
    expect(missing.statusCode).toBe(400);
    expect(missing.body.invalidParams).toEqual([
      { pointer: 'query.organisationId', detail: expect.any(String) },
    ]);
    expect((await organisationReport(KEY_A, 'org a/..')).statusCode).toBe(400);
  });

  it('answers 404 for an organisation that does not exist', async () => {
    const response = await organisationReport(admin('key-ghost', ['org-ghost']), 'org-ghost');
    expect(response.statusCode).toBe(404);
    expect(response.body.type).toBe('urn:uitpas-ticketing:problem:organisation-not-found');
  });
});

// Last in the file: each check here starts a permissions cache further on than any above, so the table's cached list
// it leaves behind (the sandbox's own permissions again) is the newest.
describe('TICKETSALES_SEARCH for the event’s organizer', () => {
  const snapshotOf = async (eventId: string) => {
    const { Item } = await table.doc.send(
      new GetCommand({
        TableName: table.name,
        Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
        ConsistentRead: true,
      }),
    );
    return Item?.readiness as { ready: boolean; errors: string[]; warnings: string[] } | undefined;
  };

  it('without it: a warning saying what cannot be done and whom to ask, and the event stays ready', async () => {
    sandbox.state.setPermissions(
      TEST_ORGANIZER_ID,
      TEST_CLIENT_PERMISSIONS.filter((permission) => permission !== 'TICKETSALES_SEARCH'),
    );
    deps = freshDeps(60 * MINUTE);

    const r = await report('ev-ready', KEY_A);

    expect(r.ready).toBe(true);
    expect(failing(r)).toEqual(['uitpas-ticket-sales-search']);
    const search = item(r, 'uitpas-ticket-sales-search');
    expect(search).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: { organizerId: TEST_ORGANIZER_ID, listed: true, held: false },
      fix: {
        en: expect.stringMatching(/Ask publiq's servicedesk to grant TICKETSALES_SEARCH for this organizer/),
        nl: expect.stringMatching(/Vraag de servicedesk van publiq om TICKETSALES_SEARCH/),
      },
    });
    expect(search.fix?.en).toMatch(
      /answer from UiTPAS was lost cannot be settled.*reconciliation cannot compare/,
    );
    // The basket's snapshot: ready, the till's permission intact, the warning only among the warnings.
    expect(await snapshotOf('ev-ready')).toMatchObject({
      ready: true,
      errors: [],
      warnings: ['uitpas-ticket-sales-search'],
    });
    expect((await mappings.getEventForBasket('ev-ready'))?.organizerPermission).toMatchObject({
      organizerId: TEST_ORGANIZER_ID,
      permitted: true,
    });
  });

  it('with it: the item holds', async () => {
    expect(sandbox.state.getPermissions(TEST_ORGANIZER_ID)).toContain('TICKETSALES_SEARCH');
    deps = freshDeps(80 * MINUTE);

    const r = await report('ev-ready', KEY_A);

    expect(r.ready).toBe(true);
    expect(failing(r)).toEqual([]);
    expect(item(r, 'uitpas-ticket-sales-search')).toEqual({
      id: 'uitpas-ticket-sales-search',
      ok: true,
      severity: 'warning',
      observed: { organizerId: TEST_ORGANIZER_ID, listed: true, held: true },
    });
    expect(await snapshotOf('ev-ready')).toMatchObject({ ready: true, errors: [], warnings: [] });
  });
});
