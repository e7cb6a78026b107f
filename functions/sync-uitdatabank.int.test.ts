/**
 * The UiTdatabank sync against dynalite and the in-process sandbox, with the real UiTPAS, Entry and Search clients.
 * Every test gets a fresh table and a reset sandbox; the sandbox's request log is the evidence of what was called.
 */
import { readFileSync } from 'node:fs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  NON_UITPAS_ORGANIZER_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  type Sandbox,
  startSandbox,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository, type MappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import { createSyncStore } from '../lib/adapters/dynamodb/sync.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import {
  createEntryClient,
  createSearchClient,
  type EntryClient,
  type SearchClient,
} from '../lib/adapters/uitdatabank/client.js';
import { uitdatabankExistence } from '../lib/adapters/uitdatabank/existence.js';
import { createUitpasClient, type UitpasClient } from '../lib/adapters/uitpas/client.js';
import { createTokenProvider } from '../lib/adapters/uitpas/token.js';
import type { Principal } from '../lib/domain/access.js';
import { UpstreamUnavailable } from '../lib/domain/errors.js';
import type { Organisation, Promotor, TicketingEvent } from '../lib/domain/mappings.js';
import { EVENT_HAS_UITPAS_TICKET_SALES } from '../lib/domain/sync.js';
import { planTariffRequest } from '../lib/domain/tariffs.js';
import type { MappingDeps } from '../lib/use-cases/mapping-admin/deps.js';
import { deleteEvent, saveEvent } from '../lib/use-cases/mapping-admin/events.js';
import type { EventBody } from '../lib/use-cases/mapping-admin/schemas.js';
import { checkEventReadiness } from '../lib/use-cases/readiness/check.js';
import type { SyncDeps, SyncOptions } from '../lib/use-cases/sync/deps.js';
import type { SyncResult, SyncSummary } from '../lib/use-cases/sync/report.js';
import { runSync as run } from '../lib/use-cases/sync/run.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { lambdaContext } from '../test-support/api-event.js';

let dynamo: LocalDynamo;
let sandbox: Sandbox;
let clients: { entry: EntryClient; search: SearchClient; uitpas: UitpasClient };

beforeAll(async () => {
  [dynamo, sandbox] = await Promise.all([startLocalDynamo(), startSandbox({ port: 0 })]);
  const transport = { timeoutMs: 2000, retries: 2, backoff: { baseMs: 1, maxMs: 10 } };
  const tokens = createTokenProvider({
    tokenUrl: sandbox.urls.token,
    clientId: 'sandbox-client',
    getClientSecret: async () => 'sandbox-secret',
    ...transport,
  });
  clients = {
    entry: createEntryClient({ baseUrl: sandbox.urls.entry, tokens, ...transport }),
    search: createSearchClient({ baseUrl: sandbox.urls.search, clientId: 'sandbox-client', ...transport }),
    uitpas: createUitpasClient({ baseUrl: sandbox.urls.uitpas, tokens, ...transport }),
  };
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), dynamo?.close()]);
});

const ORG = 'org-a';
const CONCERT = '0.50.4.0.0';
const meta = {
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  updatedBy: 'test',
  version: 1,
};

interface Stack {
  table: Table;
  mappings: MappingRepository;
  deps: SyncDeps;
  run(options?: SyncOptions): Promise<SyncResult>;
  /** A run that must complete (not find the lease held). */
  sync(options?: SyncOptions): Promise<SyncSummary>;
}

let tables = 0;
/** A fresh table with organisation `org-a` (organizer: the UiTPAS test organizer) and a reset sandbox. */
async function freshStack(): Promise<Stack> {
  sandbox.reset();
  tables += 1;
  const table = await createLocalTable(dynamo.endpoint, `sync-test-${tables}`);
  const mappings = createMappingRepository(table);
  const deps: SyncDeps = {
    mappings,
    audit: createAuditRepository(table),
    store: createSyncStore(table),
    ...clients,
    permissions: createPermissionsCache({ table, uitpas: clients.uitpas }),
  };
  await putOrganisation(mappings, { organisationId: ORG, uitdatabankOrganizerId: TEST_ORGANIZER_ID });
  const stack: Stack = {
    table,
    mappings,
    deps,
    run: (options = {}) => run(deps, { orphanSearchDelayMs: 0, concurrency: 4, ...options }),
    async sync(options = {}) {
      const result = await stack.run(options);
      if (result.outcome === 'lease-held') throw new Error('unexpected: lease held');
      return result;
    },
  };
  return stack;
}

async function putOrganisation(
  mappings: MappingRepository,
  organisation: Partial<Organisation> & { organisationId: string },
) {
  const existing = await mappings.getOrganisation(organisation.organisationId, { consistent: true });
  await mappings.putOrganisation(
    {
      name: organisation.organisationId,
      defaultPlaceId: TEST_PLACE_ID,
      ...meta,
      ...existing,
      ...organisation,
      version: (existing?.version ?? 0) + 1,
    },
    existing?.version,
  );
}

async function putPromotor(mappings: MappingRepository, promotor: Omit<Promotor, keyof typeof meta>) {
  await mappings.putPromotor({ ...meta, ...promotor }, undefined);
}

function ticketingEvent(eventId: string, overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId,
    organisationId: ORG,
    name: `Concert ${eventId}`,
    startDate: '2030-03-01T20:00:00+01:00',
    endDate: '2030-03-01T22:30:00+01:00',
    labels: ['uitDB', 'UiTPAS'],
    eventTypeId: CONCERT,
    ticketTypes: [
      { id: 'base', name: 'Basistarief', price: 10, standard: true },
      { id: 'reduced', name: 'Reductie', price: 7.5, standard: false },
    ],
    ...meta,
    ...overrides,
  };
}

async function putEvents(mappings: MappingRepository, ...events: TicketingEvent[]) {
  for (const event of events) await mappings.putEvent(event, undefined);
}

/** An admin edit: the stored event with `changes`, at the next version. */
async function editEvent(mappings: MappingRepository, eventId: string, changes: Partial<TicketingEvent>) {
  const current = await mappings.getEvent(eventId, { consistent: true });
  if (!current) throw new Error(`no event ${eventId}`);
  await mappings.putEvent({ ...current, ...changes, version: current.version + 1 }, current.version);
}

async function uitdatabankIdOf(mappings: MappingRepository, eventId: string): Promise<string> {
  const event = await mappings.getEvent(eventId, { consistent: true });
  if (!event?.uitdatabankId) throw new Error(`${eventId} has no UiTdatabank id`);
  return event.uitdatabankId;
}

async function readinessOf(table: Table, eventId: string) {
  const { Item } = await table.doc.send(
    new GetCommand({
      TableName: table.name,
      Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
      ConsistentRead: true,
    }),
  );
  return Item?.readiness as { ready: boolean; errors: string[]; eventVersion: number } | undefined;
}

/**
 * Every DynamoDB call the stack's table makes from now on, as `Command <pk>` in order (the key read before the
 * document client marshals it; a Query names its partition, or its index and partition).
 */
function recordDynamoCalls(table: Table): { take(): string[] } {
  const calls: string[] = [];
  table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const key = (input.Key ?? input.Item) as { pk?: string } | undefined;
      const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
      const subject =
        key?.pk ?? `${input.IndexName ? `${String(input.IndexName)} ` : ''}${String(values?.[':pk'])}`;
      calls.push(`${(context.commandName ?? '?').replace(/Command$/, '')} ${subject}`);
      return next(args);
    },
    { step: 'initialize', name: 'testCallRecorder' },
  );
  /** The calls recorded so far; recording starts over. */
  return { take: () => calls.splice(0) };
}

/** The calls on the event's item and its audit trail. */
const callsOn = (calls: readonly string[], eventId: string) =>
  calls.filter((call) => call.endsWith(` EVENT#${eventId}`) || call.endsWith(` AUDIT#event#${eventId}`));

/** Requests to UiTdatabank (Entry and Search) as `METHOD /path`, in order. */
const uitdatabankRequests = () =>
  sandbox.requests
    .filter((request) => request.path.startsWith('/entry') || request.path.startsWith('/search'))
    .map((request) => `${request.method} ${request.path}`);

describe('push', () => {
  it('creates uitDB events in UiTdatabank, published, and stores their ids as synced', async () => {
    const stack = await freshStack();
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-a'),
      ticketingEvent('ev-b', { labels: ['uitDB'], placeId: 'c0ffee00-0000-4000-8000-000000000001' }),
      ticketingEvent('ev-uitpas-only', { labels: ['UiTPAS'] }),
    );

    const summary = await stack.sync();

    expect(summary).toMatchObject({ outcome: 'completed', pushed: 2, updated: 0, failed: [], skipped: [] });
    expect(sandbox.requests.count('POST /entry/events')).toBe(2);
    const a = await stack.mappings.getEvent('ev-a');
    expect(a).toMatchObject({ uitdatabankIdSource: 'sync', updatedBy: 'uitdatabank-sync', version: 2 });
    expect(sandbox.state.getEvent(a?.uitdatabankId ?? '')).toMatchObject({
      name: { nl: 'Concert ev-a' },
      workflowStatus: 'READY_FOR_VALIDATION',
      organizerId: TEST_ORGANIZER_ID,
      locationId: TEST_PLACE_ID,
      calendarType: 'single',
      priceInfo: [expect.objectContaining({ category: 'base', price: 10 })],
      terms: [expect.objectContaining({ id: CONCERT })],
    });
    expect(sandbox.state.getEvent(await uitdatabankIdOf(stack.mappings, 'ev-b'))?.locationId).toBe(
      'c0ffee00-0000-4000-8000-000000000001',
    );
    expect((await stack.mappings.getEvent('ev-uitpas-only'))?.uitdatabankId).toBeUndefined();
    const audit = await stack.deps.audit.list('event', 'ev-a', { limit: 10, organisationIds: 'all' });
    expect(audit.items[0]).toMatchObject({ actor: { clientName: 'uitdatabank-sync' }, version: 2 });
    // The UiTPAS event was assessed from the change feed: UiTPAS knows it, so it is ready.
    expect(await readinessOf(stack.table, 'ev-a')).toMatchObject({ ready: true, eventVersion: 2 });
  });

  it('creates an event with 3 DynamoDB writes, its first assessment included', async () => {
    const stack = await freshStack();
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-udb', { labels: ['uitDB'] }),
      ticketingEvent('ev-both', { labels: ['uitDB', 'UiTPAS'] }),
    );
    const dynamo = recordDynamoCalls(stack.table);

    const summary = await stack.sync();
    expect(summary).toMatchObject({ pushed: 2, refreshed: 1, failed: [] });
    const calls = dynamo.take();
    // Its assessment asked UiTPAS once and read nothing of UiTdatabank: the POST said what the event is.
    expect(summary.upstreamCalls).toMatchObject({
      'uitpas.getEventCardSystems': 1,
    });
    expect(summary.upstreamCalls['entry.getEvent']).toBeUndefined();

    // The claim, the id with the push state, the audit entry: a call added to the create makes this fail.
    const create = (eventId: string) => [
      `UpdateItem EVENT#${eventId}`,
      `UpdateItem EVENT#${eventId}`,
      `PutItem AUDIT#event#${eventId}`,
    ];
    expect(callsOn(calls, 'ev-udb')).toEqual(create('ev-udb'));
    // Labelled UiTPAS: assessed before its id is stored, the snapshot and the sync's record in that same write.
    expect(callsOn(calls, 'ev-both')).toEqual(create('ev-both'));
    // No other call names an event: the rest is the run's own (lease, listing, permissions, feed mark, sweep).
    expect(calls.filter((call) => / (EVENT#|AUDIT#event#)/.test(call))).toHaveLength(6);
    // The take-back look-up: one Query for the organisation, whatever the number of events it creates.
    expect(calls.filter((call) => call.includes('SYNCRETIRED'))).toEqual([
      expect.stringMatching(/^Query gsi1 ORG#.+#SYNCRETIRED$/),
    ]);
    expect(await readinessOf(stack.table, 'ev-both')).toMatchObject({ ready: true, eventVersion: 2 });
    const item = await stack.deps.store.getEventItem('ev-both');
    expect(item?.sync).toMatchObject({
      pushed: { uitdatabankId: item?.event.uitdatabankId },
      refreshed: { uitdatabankId: item?.event.uitdatabankId, version: 2 },
    });
    expect(item?.sync.claim).toBeUndefined();

    dynamo.take();
    await stack.sync();
    // A run without changes: nothing on either event. Its feed shows ev-both as created again (the overlap), which
    // the assessment at its create saw.
    expect(dynamo.take().filter((call) => / (EVENT#|AUDIT#event#)/.test(call))).toEqual([]);
  });

  it('calls UiTdatabank only for the change feed on a second run without changes', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-a'), ticketingEvent('ev-b'), ticketingEvent('ev-c'));
    await stack.sync();
    sandbox.requests.reset();

    const second = await stack.sync();

    expect(second).toMatchObject({ pushed: 0, updated: 0, refreshed: 0, failed: [], skipped: [] });
    expect(uitdatabankRequests()).toEqual(['GET /search/events']);
    expect(sandbox.requests.count((request) => request.path.endsWith('/card-systems'))).toBe(0);
    expect(second.upstreamCalls).toEqual({ 'uitpas.getPermissions': 1, 'search.searchEvents': 1 });
  });

  it('sends only what changed: the name, the base price, the organizer', async () => {
    const stack = await freshStack();
    await putPromotor(stack.mappings, {
      promotorId: 'promo-1',
      name: 'Promotor',
      organisationId: ORG,
      uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
    });
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-name'),
      ticketingEvent('ev-price'),
      ticketingEvent('ev-org'),
    );
    await stack.sync();
    const ids = {
      name: await uitdatabankIdOf(stack.mappings, 'ev-name'),
      price: await uitdatabankIdOf(stack.mappings, 'ev-price'),
      org: await uitdatabankIdOf(stack.mappings, 'ev-org'),
    };
    await editEvent(stack.mappings, 'ev-name', { name: 'Nieuwe naam' });
    await editEvent(stack.mappings, 'ev-price', {
      ticketTypes: [{ id: 'base', name: 'Basistarief', price: 12.5, standard: true }],
    });
    await editEvent(stack.mappings, 'ev-org', { promotorId: 'promo-1' });
    sandbox.requests.reset();

    const summary = await stack.sync();

    expect(summary).toMatchObject({ pushed: 0, updated: 3, failed: [] });
    const writes = uitdatabankRequests().filter((request) => !request.startsWith('GET'));
    expect(writes.sort()).toEqual(
      [
        `PUT /entry/events/${ids.name}/name/nl`,
        `PUT /entry/events/${ids.price}/price-info`,
        `PUT /entry/events/${ids.org}/organizer/${OTHER_UITPAS_ORGANIZER_ID}`,
      ].sort(),
    );
    expect(sandbox.state.getEvent(ids.name)?.name.nl).toBe('Nieuwe naam');
    expect(sandbox.state.getEvent(ids.price)?.priceInfo).toEqual([
      expect.objectContaining({ category: 'base', price: 12.5 }),
    ]);
    expect(sandbox.state.getEvent(ids.org)?.organizerId).toBe(OTHER_UITPAS_ORGANIZER_ID);

    sandbox.requests.reset();
    await stack.sync();
    expect(uitdatabankRequests().filter((request) => !request.startsWith('GET'))).toEqual([]);
  });

  it('never touches an event mapped by hand', async () => {
    const stack = await freshStack();
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-manual', {
        name: 'Not the UiTdatabank name',
        uitdatabankId: TEST_EVENT_ID,
        uitdatabankIdSource: 'manual',
      }),
    );
    const before = sandbox.state.getEvent(TEST_EVENT_ID)?.name;

    const summary = await stack.sync();

    expect(summary).toMatchObject({ pushed: 0, updated: 0, failed: [] });
    expect(
      sandbox.requests.count((request) => request.method !== 'GET' && request.path.startsWith('/entry')),
    ).toBe(0);
    expect(sandbox.state.getEvent(TEST_EVENT_ID)?.name).toEqual(before);
    expect(await stack.mappings.getEvent('ev-manual')).toMatchObject({
      uitdatabankId: TEST_EVENT_ID,
      uitdatabankIdSource: 'manual',
      version: 1,
    });
    // Its readiness is still kept fresh (first seen: read from Entry).
    expect(summary.refreshed).toBe(1);
    expect(await readinessOf(stack.table, 'ev-manual')).toMatchObject({ eventVersion: 1 });
  });

  it('skips events that cannot be pushed whole, with the reason, and pushes the rest', async () => {
    const stack = await freshStack();
    await putOrganisation(stack.mappings, { organisationId: 'org-none', uitdatabankOrganizerId: undefined });
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-ok'),
      ticketingEvent('ev-no-organizer', { organisationId: 'org-none' }),
      ticketingEvent('ev-two-standard', {
        ticketTypes: [
          { id: 'a', name: 'A', price: 10, standard: true },
          { id: 'b', name: 'B', price: 12, standard: true },
        ],
      }),
      ticketingEvent('ev-no-type', { eventTypeId: undefined }),
    );

    const summary = await stack.sync();

    expect(summary.pushed).toBe(1);
    expect(sandbox.requests.count('POST /entry/events')).toBe(1);
    expect(
      summary.skipped
        .map(({ eventId, code }) => ({ eventId, code }))
        .sort((x, y) => x.eventId.localeCompare(y.eventId)),
    ).toEqual([
      { eventId: 'ev-no-organizer', code: 'organizer-unresolved' },
      { eventId: 'ev-no-type', code: 'no-event-type' },
      { eventId: 'ev-two-standard', code: 'several-standard-ticket-types' },
    ]);
    expect(summary.skipped.find((entry) => entry.eventId === 'ev-no-organizer')?.reason).toContain(
      'org-none',
    );
  });
});

describe('failures', () => {
  it('reports a failed create without stopping the others, and creates it on the next run', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'), ticketingEvent('ev-2'), ticketingEvent('ev-3'));
    sandbox.faults.add({ method: 'POST', path: '/entry/events', kind: 'status', status: 503, times: 1 });

    const first = await stack.sync();

    expect(first.pushed).toBe(2);
    expect(first.failed).toEqual([expect.objectContaining({ phase: 'push', transient: true })]);
    const failedId = first.failed[0]?.eventId ?? '';
    expect((await stack.mappings.getEvent(failedId))?.uitdatabankId).toBeUndefined();

    const second = await stack.sync();

    // The 503 may have created it: Search is asked first, finds nothing, and the event is created.
    expect(second).toMatchObject({ pushed: 1, adopted: 0, failed: [] });
    expect(sandbox.requests.count('POST /entry/events')).toBe(4);
    const ids = await Promise.all(['ev-1', 'ev-2', 'ev-3'].map((id) => uitdatabankIdOf(stack.mappings, id)));
    expect(new Set(ids).size).toBe(3);
  });

  it('finds the event of a create whose answer was lost instead of creating it twice', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'), ticketingEvent('ev-2'));
    sandbox.faults.add({ method: 'POST', path: '/entry/events', kind: 'dropAfterApply', times: 1 });

    const first = await stack.sync();
    expect(first).toMatchObject({ pushed: 1, failed: [expect.objectContaining({ transient: true })] });
    const lostFor = first.failed[0]?.eventId ?? '';
    const orphans = sandbox.state.listEvents().filter((event) => event.name.nl === `Concert ${lostFor}`);
    expect(orphans).toHaveLength(1);

    const second = await stack.sync();

    expect(second).toMatchObject({ pushed: 0, adopted: 1, failed: [] });
    expect(sandbox.requests.count('POST /entry/events')).toBe(2);
    expect(await uitdatabankIdOf(stack.mappings, lostFor)).toBe(orphans[0]?.id);
  });

  it('records an organizer change refused for ticket sales, and tries again only for another organizer', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-sold'));
    await stack.sync();
    const id = await uitdatabankIdOf(stack.mappings, 'ev-sold');
    sandbox.state.addTicketSales([
      {
        id: sandbox.state.allocateTicketSaleId(),
        creationDate: new Date().toISOString(),
        createdAtMs: Date.now(),
        regularPrice: 10,
        tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF' },
        eventId: id,
        eventTitle: 'Concert ev-sold',
        uitpasNumber: '0900000067513',
        passholderId: 'passholder-1',
        cancelled: false,
      },
    ]);
    await putOrganisation(stack.mappings, {
      organisationId: ORG,
      uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
    });
    const organizerPuts = () =>
      sandbox.requests.count((request) => request.method === 'PUT' && request.path.includes('/organizer/'));

    const refused = await stack.sync();

    expect(refused.failed).toEqual([
      expect.objectContaining({ eventId: 'ev-sold', type: EVENT_HAS_UITPAS_TICKET_SALES, transient: false }),
    ]);
    expect(organizerPuts()).toBe(1);

    const again = await stack.sync();
    expect(again.failed).toEqual([]);
    expect(again.skipped).toEqual([expect.objectContaining({ eventId: 'ev-sold', code: 'refused' })]);
    expect(organizerPuts()).toBe(1);

    await putOrganisation(stack.mappings, {
      organisationId: ORG,
      uitdatabankOrganizerId: NON_UITPAS_ORGANIZER_ID,
    });
    const other = await stack.sync();
    expect(organizerPuts()).toBe(2);
    expect(other.failed).toEqual([expect.objectContaining({ type: EVENT_HAS_UITPAS_TICKET_SALES })]);
    expect(sandbox.state.getEvent(id)?.organizerId).toBe(TEST_ORGANIZER_ID);
  });

  it('stops starting work at the deadline; the next run does the rest', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'));

    const late = await stack.sync({ deadline: Date.now() - 1 });
    expect(late).toMatchObject({ outcome: 'incomplete', stopReason: 'deadline', pushed: 0 });

    expect(await stack.sync()).toMatchObject({ outcome: 'completed', pushed: 1 });
  });
});

describe('concurrent runs', () => {
  const events = () => ['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5'].map((id) => ticketingEvent(id));

  it('lets one run work while the other finds the lease held', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ...events());

    const results = await Promise.all([stack.run(), stack.run()]);

    expect(results.map((result) => result.outcome).sort()).toEqual(['completed', 'lease-held']);
    expect(results.find((result) => result.outcome === 'lease-held')).toMatchObject({
      skipped: 'another run holds the lease',
    });
    expect(sandbox.requests.count('POST /entry/events')).toBe(5);
  });

  it('creates each event once even without the lease, thanks to the push claims', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ...events());

    const results = await Promise.all([stack.sync({ lease: false }), stack.sync({ lease: false })]);

    expect(sandbox.requests.count('POST /entry/events')).toBe(5);
    expect(results.reduce((sum, result) => sum + result.pushed, 0)).toBe(5);
    const ids = await Promise.all(events().map((event) => uitdatabankIdOf(stack.mappings, event.eventId)));
    expect(new Set(ids).size).toBe(5);
  });
});

describe('refresh', () => {
  it('updates the readiness snapshot when the UiTdatabank event changes, from the feed alone', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-a'), ticketingEvent('ev-b'));
    await stack.sync();
    const id = await uitdatabankIdOf(stack.mappings, 'ev-a');
    expect(await readinessOf(stack.table, 'ev-a')).toMatchObject({ ready: true });
    sandbox.state.updateEvent(id, { priceInfo: [] });
    sandbox.requests.reset();

    const summary = await stack.sync();

    expect(summary).toMatchObject({ refreshed: 1, pushed: 0, updated: 0 });
    expect(await readinessOf(stack.table, 'ev-a')).toMatchObject({ ready: false, errors: ['base-price'] });
    expect(await readinessOf(stack.table, 'ev-b')).toMatchObject({ ready: true });
    // The feed brought the event: no Entry read, one UiTPAS card-systems call.
    expect(uitdatabankRequests()).toEqual(['GET /search/events']);
    expect(sandbox.requests.count(`GET /uitpas/events/${id}/card-systems`)).toBe(1);
  });

  it('reads a change feed longer than the start cap by moving the window', async () => {
    const stack = await freshStack();
    const ids = sandbox.state.seedEvents({ count: 7, stepMs: 3 });
    await putEvents(
      stack.mappings,
      ...ids.map((id, i) =>
        ticketingEvent(`ev-${i}`, { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
      ),
    );

    const summary = await stack.sync({ feedPageLimit: 2, feedStartMax: 4 });

    expect(summary).toMatchObject({ refreshed: 7, failed: [], warnings: [] });
    expect(summary.feed?.matched).toBe(7);
    // Every event came with the feed (no Entry read), over several small pages, never past the start cap.
    expect(sandbox.requests.count((request) => request.path.startsWith('/entry'))).toBe(0);
    const pages = sandbox.requests.filter('GET /search/events');
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.every((page) => Number(page.query.start ?? 0) <= 4 && page.query.limit === '2')).toBe(true);
  });

  it('stopped by the deadline within a page, keeps what it did and goes on from there next run', async () => {
    const stack = await freshStack();
    const ids = sandbox.state.seedEvents({ count: 6, stepMs: 5 });
    await putEvents(
      stack.mappings,
      ...ids.map((id, i) =>
        ticketingEvent(`ev-${i}`, { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
      ),
    );
    const assessed: string[] = [];
    let late = false;
    const deps: SyncDeps = {
      ...stack.deps,
      // The clock jumps past the deadline once two events are assessed.
      now: () => (late ? new Date(Date.now() + 3_600_000) : new Date()),
      assess: async (event, readinessDeps, prefetched) => {
        assessed.push(event.eventId);
        if (assessed.length === 2) late = true;
        const { assessEvent } = await import('../lib/use-cases/readiness/assess.js');
        return assessEvent(event, readinessDeps, prefetched);
      },
    };

    const first = await run(deps, { concurrency: 1, deadline: Date.now() + 60_000 });
    late = false;
    const second = await run(deps, { concurrency: 1 });

    expect(first).toMatchObject({ outcome: 'incomplete', stopReason: 'deadline', refreshed: 2 });
    expect(second).toMatchObject({ outcome: 'completed', refreshed: 4 });
    expect([...assessed].sort()).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5']);
  });

  it('pages with start through events that share one modified instant, up to the cap', async () => {
    const stack = await freshStack();
    const ids = sandbox.state.seedEvents({ count: 5, stepMs: 0 });
    await putEvents(
      stack.mappings,
      ...ids.map((id, i) =>
        ticketingEvent(`ev-${i}`, { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
      ),
    );

    const paged = await stack.sync({ feedPageLimit: 2, feedStartMax: 4 });

    expect(paged.feed?.matched).toBe(5);
    expect(sandbox.requests.filter('GET /search/events').map((page) => page.query.start)).toEqual(
      expect.arrayContaining(['0', '2', '4']),
    );
  });
});

const ADMIN: Principal = { keyId: 'k1', clientName: 'admin-a', role: 'admin', organisations: [ORG] };

/** The mapping use cases (the admin API) on the same table and sandbox. */
function mappingDeps(stack: Stack): MappingDeps {
  return {
    mappings: stack.mappings,
    audit: stack.deps.audit,
    uitdatabankEvents: uitdatabankExistence(clients.entry).events,
  };
}

/** The PUT body the admin API would get for the stored event, with `uitdatabankId` as given. */
function bodyOf(event: TicketingEvent, uitdatabankId?: string | null): EventBody {
  return {
    organisationId: event.organisationId,
    name: event.name,
    startDate: event.startDate,
    ...(event.endDate ? { endDate: event.endDate } : {}),
    labels: event.labels,
    ...(event.eventTypeId ? { eventTypeId: event.eventTypeId } : {}),
    ticketTypes: event.ticketTypes,
    ...(uitdatabankId === undefined ? {} : { uitdatabankId }),
  } as EventBody;
}

async function storedEvent(mappings: MappingRepository, eventId: string): Promise<TicketingEvent> {
  const event = await mappings.getEvent(eventId, { consistent: true });
  if (!event) throw new Error(`no event ${eventId}`);
  return event;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an event the sync created before is never created twice', () => {
  it('refuses to clear a manual mapping of an event the sync created, and adopts its own event if cleared anyway', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-a'));
    await stack.sync();
    const created = await uitdatabankIdOf(stack.mappings, 'ev-a');
    const admin = mappingDeps(stack);
    await saveEvent(
      {
        eventId: 'ev-a',
        body: bodyOf(await storedEvent(stack.mappings, 'ev-a'), TEST_EVENT_ID),
        principal: ADMIN,
      },
      admin,
    );

    await expect(
      saveEvent(
        { eventId: 'ev-a', body: bodyOf(await storedEvent(stack.mappings, 'ev-a'), null), principal: ADMIN },
        admin,
      ),
    ).rejects.toMatchObject({ slug: 'uitdatabank-id-from-sync', status: 422 });

    // Cleared anyway (a direct write, or a race): the sync takes back the event it created, it does not POST again.
    const {
      uitdatabankId: _id,
      uitdatabankIdSource: _source,
      ...unmapped
    } = await storedEvent(stack.mappings, 'ev-a');
    await stack.mappings.putEvent({ ...unmapped, version: unmapped.version + 1 }, unmapped.version);
    sandbox.requests.reset();

    const summary = await stack.sync();

    expect(summary).toMatchObject({ pushed: 0, adopted: 1, failed: [] });
    expect(sandbox.requests.count('POST /entry/events')).toBe(0);
    expect(await stack.mappings.getEvent('ev-a', { consistent: true })).toMatchObject({
      uitdatabankId: created,
      uitdatabankIdSource: 'sync',
    });
  });

  it('adopts the event it created before an admin deleted the ticketing event and saved it again', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-d'));
    await stack.sync();
    const created = await uitdatabankIdOf(stack.mappings, 'ev-d');
    const admin = mappingDeps(stack);
    const before = await storedEvent(stack.mappings, 'ev-d');
    await deleteEvent({ eventId: 'ev-d', principal: ADMIN }, admin);
    await saveEvent(
      { eventId: 'ev-d', body: { ...bodyOf(before), name: 'Concert ev-d (nieuwe zaal)' }, principal: ADMIN },
      admin,
    );
    sandbox.requests.reset();

    const summary = await stack.sync();

    expect(summary).toMatchObject({ pushed: 0, adopted: 1, failed: [] });
    expect(sandbox.requests.count('POST /entry/events')).toBe(0);
    expect(await uitdatabankIdOf(stack.mappings, 'ev-d')).toBe(created);
    // What was pushed before was kept with the delete: only the name changed, so only the name is sent.
    expect(sandbox.state.getEvent(created)?.name.nl).toBe('Concert ev-d (nieuwe zaal)');
    expect(uitdatabankRequests()).toContain(`PUT /entry/events/${created}/name/nl`);
    expect(uitdatabankRequests().filter((request) => request.startsWith('PUT '))).toHaveLength(1);
  });

  it('creates a new event when the one it created before was deleted in UiTdatabank', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-gone'));
    await stack.sync();
    const created = await uitdatabankIdOf(stack.mappings, 'ev-gone');
    sandbox.state.updateEvent(created, { workflowStatus: 'DELETED' });
    const {
      uitdatabankId: _id,
      uitdatabankIdSource: _source,
      ...unmapped
    } = await storedEvent(stack.mappings, 'ev-gone');
    await stack.mappings.putEvent({ ...unmapped, version: unmapped.version + 1 }, unmapped.version);

    const summary = await stack.sync();

    expect(summary).toMatchObject({ pushed: 1, adopted: 0, failed: [] });
    expect(await uitdatabankIdOf(stack.mappings, 'ev-gone')).not.toBe(created);
  });
});

describe('malformed UiTdatabank events', () => {
  it('do not block the change feed: the window moves past them, and one of ours is a failure of its own', async () => {
    const stack = await freshStack();
    const fine = sandbox.state.addEvent({ name: { nl: 'Fine' }, organizerId: TEST_ORGANIZER_ID }).id;
    const broken = sandbox.state.addEvent({ name: { nl: 'Broken' }, organizerId: TEST_ORGANIZER_ID }).id;
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-fine', { labels: ['UiTPAS'], uitdatabankId: fine, uitdatabankIdSource: 'manual' }),
      ticketingEvent('ev-broken', {
        labels: ['UiTPAS'],
        uitdatabankId: broken,
        uitdatabankIdSource: 'manual',
      }),
    );
    await stack.sync();
    await sleep(5);
    // Someone else's legacy events of the same organizer: a plain-string name, no calendarType.
    const legacy = sandbox.state.addEvent({ name: { nl: 'x' }, organizerId: TEST_ORGANIZER_ID }).id;
    Object.assign(sandbox.state.getEvent(legacy) ?? {}, { name: 'Legacy naam' });
    const noCalendar = sandbox.state.addEvent({ name: { nl: 'y' }, organizerId: TEST_ORGANIZER_ID }).id;
    Object.assign(sandbox.state.getEvent(noCalendar) ?? {}, { calendarType: undefined });
    await sleep(5);
    sandbox.state.updateEvent(broken, { name: { nl: 'Broken, changed' } });
    Object.assign(sandbox.state.getEvent(broken) ?? {}, { mainLanguage: undefined });
    await sleep(5);
    sandbox.state.updateEvent(fine, { workflowStatus: 'DELETED' });

    const summary = await stack.sync();

    expect(summary.failed).toEqual([
      expect.objectContaining({ eventId: 'ev-broken', phase: 'refresh', transient: false }),
    ]);
    expect(await readinessOf(stack.table, 'ev-fine')).toMatchObject({ ready: false });

    // Reported once, not on every run that reads it again.
    const again = await stack.sync();
    expect(again.failed).toEqual([]);
  });

  it('read from Entry for an assessment, are reported as invalid, not as unreachable to try again', async () => {
    const stack = await freshStack();
    const broken = sandbox.state.addEvent({
      name: { nl: 'Broken' },
      organizerId: NON_UITPAS_ORGANIZER_ID,
    }).id;
    // Changed long ago (outside the change feed's window), and not valid JSON-LD for us.
    Object.assign(sandbox.state.getEvent(broken) ?? {}, {
      calendarType: undefined,
      modified: '2026-01-01T00:00:00+00:00',
    });
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-broken', {
        labels: ['UiTPAS'],
        uitdatabankId: broken,
        uitdatabankIdSource: 'manual',
      }),
    );

    const first = await stack.sync();

    expect(first.failed).toEqual([
      expect.objectContaining({
        eventId: 'ev-broken',
        phase: 'assess',
        transient: false,
        error: expect.stringContaining('does not match'),
      }),
    ]);
    sandbox.requests.reset();
    const second = await stack.sync();
    expect(second.failed).toEqual([]);
    expect(sandbox.requests.count(`GET /entry/events/${broken}`)).toBe(0);
  });
});

describe('a permission snapshot the basket reads', () => {
  it('is corrected when permissions were granted after a run that could not refresh them', async () => {
    const stack = await freshStack();
    const id = sandbox.state.addEvent({ name: { nl: 'E' }, organizerId: TEST_ORGANIZER_ID }).id;
    const granted = sandbox.state.getPermissions(TEST_ORGANIZER_ID);
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, []);
    await stack.sync(); // fills the permissions cache: not permitted
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-a', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    const fault = sandbox.faults.add({ path: '/uitpas/permissions', kind: 'status', status: 500 });
    await stack.sync(); // refresh fails; the cached list says not permitted
    fault.remove();
    expect((await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission?.permitted).toBe(false);
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, granted);

    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    expect((await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission?.permitted).toBe(true);
  });

  it('is corrected when an admin check from a stale permissions cache wrote permitted: false', async () => {
    const stack = await freshStack();
    const id = sandbox.state.addEvent({ name: { nl: 'E' }, organizerId: TEST_ORGANIZER_ID }).id;
    const granted = sandbox.state.getPermissions(TEST_ORGANIZER_ID);
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, []);
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-a', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    await stack.sync();
    const adminDeps = {
      mappings: stack.mappings,
      snapshots: createReadinessRepository(stack.table),
      uitdatabank: clients.entry,
      uitpas: clients.uitpas,
      permissions: createPermissionsCache({ table: stack.table, uitpas: clients.uitpas }),
    };
    await checkEventReadiness('ev-a', ADMIN, adminDeps); // the admin container keeps the list in memory
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, granted);
    await stack.sync();
    expect((await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission?.permitted).toBe(true);
    await checkEventReadiness('ev-a', ADMIN, adminDeps); // from the stale memory: writes permitted false
    expect((await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission?.permitted).toBe(false);

    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    expect((await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission?.permitted).toBe(true);
  });

  it('is assessed again when publiq limits the permissions to other card systems', async () => {
    const stack = await freshStack();
    const id = sandbox.state.addEvent({ name: { nl: 'E' }, organizerId: TEST_ORGANIZER_ID }).id;
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-a', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    await stack.sync();
    const before = (await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission;
    expect(before?.cardSystems?.uncovered).toEqual([]);
    expect((await stack.sync()).refreshed).toBe(0);

    const granted = sandbox.state.getPermissions(TEST_ORGANIZER_ID);
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, granted, {
      TARIFFS_READ: [3],
      TICKETSALES_REGISTER: [3],
    });
    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    const after = (await stack.mappings.getEventForBasket('ev-a'))?.organizerPermission;
    expect(after).toMatchObject({ permitted: true, cardSystems: { covered: [] } });
    expect(after?.cardSystems?.uncovered.map((cardSystem) => cardSystem.id)).toEqual([1, 2]);
  });
});

describe('the organizer rule', () => {
  it('is checked again when UiTdatabank moves an event to another organizer, and the till then refuses it', async () => {
    const stack = await freshStack();
    await putOrganisation(stack.mappings, {
      organisationId: 'org-b',
      uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
    });
    const id = sandbox.state.addEvent({ name: { nl: 'E' }, organizerId: TEST_ORGANIZER_ID }).id;
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-a', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    await stack.sync();
    const before = await stack.mappings.getEventForBasket('ev-a');
    expect(before?.organizerVerdict?.match).toBe('match');
    expect(
      planTariffRequest('ev-a', before?.event, ADMIN, { organizerVerdict: before?.organizerVerdict })
        .uitdatabankId,
    ).toBe(id);

    // Someone in UiTdatabank gives the event to org-b's organizer.
    sandbox.state.updateEvent(id, { organizerId: OTHER_UITPAS_ORGANIZER_ID });
    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    const after = await stack.mappings.getEventForBasket('ev-a');
    expect(after?.event.version).toBe(before?.event.version);
    expect(after?.organizerVerdict?.match).toBe('mismatch');
    expect(() =>
      planTariffRequest('ev-a', after?.event, ADMIN, { organizerVerdict: after?.organizerVerdict }),
    ).toThrow(expect.objectContaining({ slug: 'organizer-mismatch', status: 422 }));
  });
});

describe('the change feed boundary', () => {
  it('sees a change that Search indexed after the high-water mark passed it', async () => {
    const stack = await freshStack();
    const id = sandbox.state.addEvent({ name: { nl: 'E1' }, organizerId: TEST_ORGANIZER_ID }).id;
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-1', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    await stack.sync();
    await sleep(5);
    const changedAt = new Date().toISOString().replace('Z', '+00:00');
    await sleep(5);
    sandbox.state.addEvent({ name: { nl: 'someone else' }, organizerId: TEST_ORGANIZER_ID });
    await stack.sync(); // the mark moves past `changedAt`
    // Only now does Search show the deletion that happened at `changedAt`.
    sandbox.state.updateEvent(id, { workflowStatus: 'DELETED' });
    Object.assign(sandbox.state.getEvent(id) ?? {}, { modified: changedAt });

    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    expect(await readinessOf(stack.table, 'ev-1')).toMatchObject({ ready: false });
  });

  it('processes a second change of an event with the same modified instant', async () => {
    const stack = await freshStack();
    const id = sandbox.state.addEvent({ name: { nl: 'E2' }, organizerId: TEST_ORGANIZER_ID }).id;
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-2', { labels: ['UiTPAS'], uitdatabankId: id, uitdatabankIdSource: 'manual' }),
    );
    await stack.sync();
    await sleep(5);
    sandbox.state.updateEvent(id, { name: { nl: 'E2 renamed' } });
    const modified = sandbox.state.getEvent(id)?.modified;
    await stack.sync();
    // Second precision upstream: a later change within the same second carries the same `modified`.
    sandbox.state.updateEvent(id, { workflowStatus: 'DELETED' });
    Object.assign(sandbox.state.getEvent(id) ?? {}, { modified });

    const summary = await stack.sync();

    expect(summary.refreshed).toBe(1);
    expect(await readinessOf(stack.table, 'ev-2')).toMatchObject({ ready: false });
  });
});

describe('the change feed cost', () => {
  it('reads only the changes of our organizers, in pages of 500', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-a'));
    await stack.sync();
    sandbox.state.seedEvents({ count: 300, organizerId: NON_UITPAS_ORGANIZER_ID, stepMs: 1 });
    sandbox.requests.reset();

    const summary = await stack.sync();

    expect(summary.feed?.items).toBeLessThan(10);
    const pages = sandbox.requests.filter('GET /search/events');
    expect(pages).toHaveLength(1);
    expect(pages[0]?.query).toMatchObject({ limit: '500', q: `organizer.id:(${TEST_ORGANIZER_ID})` });
  });

  it('still notices, in its daily sweep, an event of ours moved to another organizer', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-a'));
    await stack.sync();
    const id = await uitdatabankIdOf(stack.mappings, 'ev-a');
    sandbox.state.updateEvent(id, { organizerId: NON_UITPAS_ORGANIZER_ID });

    const summary = await stack.sync({ sweepIntervalMs: 0 });

    expect(summary.refreshed).toBe(1);
    expect(await readinessOf(stack.table, 'ev-a')).toMatchObject({ ready: false });
    expect(summary.sweep).toMatchObject({ checked: 1, assessed: 1 });
  });
});

describe('a create whose answer was lost', () => {
  it('is not repeated while Search may not have indexed it yet', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'));
    sandbox.faults.add({ method: 'POST', path: '/entry/events', kind: 'dropAfterApply', times: 1 });
    await stack.sync();
    // Search is slow to index: the orphan search finds nothing yet.
    const lagging: SyncDeps = {
      ...stack.deps,
      search: {
        searchEvents: (async (params: Parameters<SyncDeps['search']['searchEvents']>[0]) => {
          const page = await stack.deps.search.searchEvents(params);
          return params.q?.startsWith('name.') ? { ...page, member: [], totalItems: 0 } : page;
        }) as SyncDeps['search']['searchEvents'],
      },
      now: () => new Date(Date.now() + 5 * 60_000),
    };

    const later = await run(lagging, { concurrency: 4 });

    expect(later).toMatchObject({
      pushed: 0,
      skipped: [expect.objectContaining({ code: 'push-in-progress' })],
    });
    expect(sandbox.requests.count('POST /entry/events')).toBe(1);

    const muchLater = await run(
      { ...stack.deps, now: () => new Date(Date.now() + 16 * 60_000) },
      { concurrency: 4 },
    );
    expect(muchLater).toMatchObject({ pushed: 0, adopted: 1 });
    expect(sandbox.requests.count('POST /entry/events')).toBe(1);
  });
});

describe('a DynamoDB error outside one event', () => {
  it('while renewing the lease, stops the run with its summary', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'), ticketingEvent('ev-2'));
    const deps: SyncDeps = {
      ...stack.deps,
      store: {
        ...stack.deps.store,
        renewLease: async () => {
          throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        },
      },
    };

    const summary = await run(deps, { leaseTtlMs: 3 });

    expect(summary).toMatchObject({ outcome: 'incomplete', stopReason: 'lease-error' });
    expect(summary.outcome !== 'lease-held' && summary.failed).toEqual(
      expect.arrayContaining([expect.objectContaining({ eventId: '*', phase: 'lease' })]),
    );
    // The lease was released: the next run can start at once.
    expect(await stack.sync()).toMatchObject({ outcome: 'completed' });
  });

  it('while reading a promotor, fails that event and not the run', async () => {
    const stack = await freshStack();
    await putPromotor(stack.mappings, {
      promotorId: 'promo-1',
      name: 'Promotor',
      organisationId: ORG,
      uitdatabankOrganizerId: TEST_ORGANIZER_ID,
    });
    await putEvents(
      stack.mappings,
      ticketingEvent('ev-p', {
        labels: ['UiTPAS'],
        promotorId: 'promo-1',
        uitdatabankId: TEST_EVENT_ID,
        uitdatabankIdSource: 'manual',
      }),
      ticketingEvent('ev-q'),
    );
    await stack.sync();
    const deps: SyncDeps = {
      ...stack.deps,
      mappings: {
        ...stack.deps.mappings,
        getPromotor: async () => {
          throw new Error('DynamoDB throttled');
        },
      },
    };

    const summary = await run(deps, {});

    expect(summary.outcome).not.toBe('lease-held');
    expect(summary.outcome !== 'lease-held' && summary.failed).toEqual(
      expect.arrayContaining([expect.objectContaining({ eventId: 'ev-p' })]),
    );
  });

  it('while reading our events or the feed state, ends the run with its summary', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-1'));
    const failing = (name: string) => async () => {
      throw new Error(`${name}: DynamoDB throttled`);
    };

    const noLoad = await run({
      ...stack.deps,
      store: { ...stack.deps.store, listOrganisationEvents: failing('load') },
    });
    expect(noLoad).toMatchObject({ outcome: 'incomplete', pushed: 0 });
    expect(noLoad.outcome !== 'lease-held' && noLoad.failed).toEqual([
      expect.objectContaining({ eventId: '*', phase: 'load' }),
    ]);
    expect(sandbox.requests.count('POST /entry/events')).toBe(0);

    const noFeed = await run({ ...stack.deps, store: { ...stack.deps.store, getFeedMark: failing('feed') } });
    expect(noFeed).toMatchObject({ pushed: 1 });
    expect(noFeed.outcome !== 'lease-held' && noFeed.failed).toEqual([
      expect.objectContaining({ eventId: '*', phase: 'refresh' }),
    ]);
  });
});

describe('an event UiTPAS has not registered yet', () => {
  it('is checked again on the next run when it was created minutes ago', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-new'));
    let registered = false;
    const deps: SyncDeps = {
      ...stack.deps,
      // UiTPAS registers a new event a little after UiTdatabank published it: here, after the first run.
      uitpas: {
        getEventCardSystems: async (id: string) =>
          registered ? clients.uitpas.getEventCardSystems(id) : null,
      },
    };

    const dynamo = recordDynamoCalls(stack.table);
    const first = await run(deps, {});
    expect(callsOn(dynamo.take(), 'ev-new')).toHaveLength(3);
    expect(await readinessOf(stack.table, 'ev-new')).toMatchObject({ ready: false });
    // Asked once, when it was created; not again in the same run (the next run does).
    expect(first.outcome !== 'lease-held' && first.upstreamCalls['uitpas.getEventCardSystems']).toBe(1);
    registered = true;
    const second = await run(deps, {});

    expect(second).toMatchObject({ refreshed: 1 });
    expect(await readinessOf(stack.table, 'ev-new')).toMatchObject({ ready: true });
  });
});

describe('the first assessment of a created event', () => {
  it('is made again by the next run when UiTPAS cannot be reached just after the POST', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-first'));
    let calls = 0;
    const deps: SyncDeps = {
      ...stack.deps,
      uitpas: {
        getEventCardSystems: async (id: string) => {
          calls += 1;
          if (calls === 1) throw new UpstreamUnavailable('uitpas', 'timeout', false);
          return clients.uitpas.getEventCardSystems(id);
        },
      },
    };
    const dynamo = recordDynamoCalls(stack.table);

    const first = await run(deps, {});

    // Reported once, as the refresh reports an assessment it could not complete; not made twice in one run.
    expect(first).toMatchObject({ pushed: 1, refreshed: 0 });
    expect(first.outcome !== 'lease-held' && first.failed).toEqual([
      expect.objectContaining({ eventId: 'ev-first', phase: 'assess', transient: true }),
    ]);
    expect(calls).toBe(1);
    expect(callsOn(dynamo.take(), 'ev-first')).toEqual([
      'UpdateItem EVENT#ev-first',
      'UpdateItem EVENT#ev-first',
      'PutItem AUDIT#event#ev-first',
    ]);
    expect((await stack.deps.store.getEventItem('ev-first'))?.sync.refreshed).toMatchObject({
      version: 2,
      pending: true,
    });

    dynamo.take();
    const second = await run(deps, {});

    expect(callsOn(dynamo.take(), 'ev-first')).toEqual(['UpdateItem EVENT#ev-first']);
    expect(second).toMatchObject({ pushed: 0, refreshed: 1, failed: [] });
    expect(calls).toBe(2);
    expect(await readinessOf(stack.table, 'ev-first')).toMatchObject({ ready: true, eventVersion: 2 });
    expect((await stack.deps.store.getEventItem('ev-first'))?.sync.refreshed?.pending).toBeUndefined();
  });

  it('is left to the refresh when an admin saves the event while it is being created', async () => {
    const stack = await freshStack();
    await putEvents(stack.mappings, ticketingEvent('ev-raced'));
    let saved = false;
    const deps: SyncDeps = {
      ...stack.deps,
      store: {
        ...stack.deps.store,
        async storeSyncedId(input) {
          if (!saved) {
            saved = true;
            const current = await stack.mappings.getEvent('ev-raced', { consistent: true });
            if (current)
              await stack.mappings.putEvent(
                {
                  ...current,
                  name: 'Renamed',
                  version: current.version + 1,
                  updatedAt: new Date().toISOString(),
                },
                current.version,
              );
          }
          return stack.deps.store.storeSyncedId(input);
        },
      },
    };

    const summary = await run(deps, {});

    expect(summary).toMatchObject({ pushed: 1, refreshed: 1, failed: [] });
    const item = await stack.deps.store.getEventItem('ev-raced');
    // The id went onto the admin's version (2), as version 3; the assessment of version 2 was left out, and the
    // refresh assessed version 3.
    expect(item?.event).toMatchObject({ name: 'Renamed', version: 3, uitdatabankIdSource: 'sync' });
    expect(item?.sync.refreshed).toMatchObject({ version: 3 });
    expect(await readinessOf(stack.table, 'ev-raced')).toMatchObject({ eventVersion: 3 });
  });
});

describe('handler', () => {
  it('runs on the scheduled event with the configured table and sandbox', async () => {
    sandbox.reset();
    const tableName = 'sync-handler-test';
    const table = await createLocalTable(dynamo.endpoint, tableName);
    await putOrganisation(createMappingRepository(table), {
      organisationId: ORG,
      uitdatabankOrganizerId: TEST_ORGANIZER_ID,
    });
    await createMappingRepository(table).putEvent(ticketingEvent('ev-handler'), undefined);
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      PUBLIQ_ENV: 'sandbox',
      SANDBOX_URL: sandbox.url,
      // The basket's budget per upstream call, kept short here; the sync's own clients have their own.
      UPSTREAM_TIMEOUT_MS: '300',
    });
    const { handler } = await import('./sync-uitdatabank.js');
    const scheduled = JSON.parse(readFileSync('events/sync-uitdatabank/scheduled.json', 'utf8'));

    const result = await handler(scheduled, lambdaContext('syncUitdatabank'));

    expect(result).toMatchObject({ outcome: 'completed', pushed: 1 });
    expect(result.outcome !== 'lease-held' && result.owner.startsWith('lambda:')).toBe(true);
  });

  it('gives the sync its own, longer timeout on UiTdatabank than the basket has', async () => {
    // Same container as the test above (UPSTREAM_TIMEOUT_MS 300 ms); UiTdatabank now takes 600 ms to answer.
    await createMappingRepository(await createLocalTable(dynamo.endpoint, 'sync-handler-test')).putEvent(
      ticketingEvent('ev-slow'),
      undefined,
    );
    const slow = [
      sandbox.faults.add({ method: 'POST', path: '/entry/events', kind: 'latency', ms: 600 }),
      sandbox.faults.add({ method: 'GET', path: '/search/events', kind: 'latency', ms: 600 }),
    ];
    const { handler } = await import('./sync-uitdatabank.js');
    const scheduled = JSON.parse(readFileSync('events/sync-uitdatabank/scheduled.json', 'utf8'));

    const result = await handler(scheduled, lambdaContext('syncUitdatabank'));

    for (const fault of slow) fault.remove();
    expect(result).toMatchObject({ outcome: 'completed', pushed: 1, failed: [] });
  });
});
