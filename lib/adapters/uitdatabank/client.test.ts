import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test-support/upstream-test-server.js';
import { UpstreamProblem } from '../../domain/errors.js';
import type { AccessTokens } from '../http-client/upstream.js';
import {
  createEntryClient,
  createSearchClient,
  type EntryClient,
  type SearchClient,
  searchEventsQuery,
} from './client.js';

const EVENT_ID = '5a0967f9-cc06-4c3c-9206-30481a767434';
const ORGANIZER_ID = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const PLACE_ID = 'c3f9278e-228b-4199-8f9a-b9716a17e58f';

let server: TestServer;
let entry: EntryClient;
let search: SearchClient;
const tokens: AccessTokens = { get: async () => 'entry-token', invalidate: () => {} };

function event(overrides: Record<string, unknown> = {}) {
  return {
    '@id': `https://io-test.uitdatabank.be/events/${EVENT_ID}`,
    '@type': 'Event',
    mainLanguage: 'nl',
    name: { nl: 'Permanente UiTPAS Test Festiviteit' },
    calendarType: 'permanent',
    workflowStatus: 'APPROVED',
    priceInfo: [{ category: 'base', price: 10, priceCurrency: 'EUR', name: { nl: 'Basistarief' } }],
    organizer: { '@id': `https://io-test.uitdatabank.be/organizers/${ORGANIZER_ID}`, name: { nl: 'Org' } },
    hiddenLabels: ['UiTPAS Gent', 'Paspartoe'],
    location: { '@id': `https://io-test.uitdatabank.be/places/${PLACE_ID}` },
    terms: [{ id: '0.50.4.0.0', label: 'Concert', domain: 'eventtype' }],
    modified: '2026-08-20T10:00:00+02:00',
    ...overrides,
  };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  const transport = { timeoutMs: 300, retries: 2, backoff: { baseMs: 1, maxMs: 5 } };
  entry = createEntryClient({ baseUrl: `${server.url}/entry`, tokens, ...transport });
  search = createSearchClient({ baseUrl: `${server.url}/search`, clientId: 'client-1', ...transport });
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('Entry client', () => {
  it('reads an event with the token and embedUitpasPrices, tolerating a dummy organizer', async () => {
    const body = event({ organizer: { name: 'Dummy' } });
    server.on(`GET /entry/events/${EVENT_ID}`, { json: body });

    const result = await entry.getEvent(EVENT_ID, { embedUitpasPrices: true });

    expect(result).toEqual(body);
    expect(server.requests[0]?.query.get('embedUitpasPrices')).toBe('true');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer entry-token');
  });

  it('returns null for an unknown event or organizer', async () => {
    expect(await entry.getEvent(EVENT_ID)).toBeNull();
    expect(await entry.getOrganizer(ORGANIZER_ID)).toBeNull();
  });

  it('refuses an unsafe id before calling', async () => {
    await expect(entry.getEvent('../admin')).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('names an event or organizer read without an @id by the id it was asked for', async () => {
    // The OpenAPI does not require `@id` on Entry's own read; the id we asked for is what it is.
    server.on(`GET /entry/events/${EVENT_ID}`, { json: event({ '@id': undefined }) });
    server.on(`GET /entry/organizers/${ORGANIZER_ID}`, { json: { name: { nl: 'Org' } } });

    expect((await entry.getEvent(EVENT_ID))?.['@id']).toBe(`${server.url}/entry/events/${EVENT_ID}`);
    expect((await entry.getOrganizer(ORGANIZER_ID))?.['@id']).toBe(
      `${server.url}/entry/organizers/${ORGANIZER_ID}`,
    );
  });

  it('reads an organizer', async () => {
    const body = {
      '@id': `https://io-test.uitdatabank.be/organizers/${ORGANIZER_ID}`,
      name: { nl: '[TEST] UiTPAS Organisatie' },
      mainLanguage: 'nl',
      url: 'https://example.org',
      hiddenLabels: ['UiTPAS Gent'],
      workflowStatus: 'ACTIVE',
    };
    server.on(`GET /entry/organizers/${ORGANIZER_ID}`, { json: body });

    expect(await entry.getOrganizer(ORGANIZER_ID)).toEqual(body);
  });

  it('creates a single-date event with the OpenAPI body and returns the bare id', async () => {
    server.on('POST /entry/events', {
      status: 201,
      json: { id: EVENT_ID, eventId: EVENT_ID, url: `https://io-test.uitdatabank.be/events/${EVENT_ID}` },
    });

    const id = await entry.createEvent({
      mainLanguage: 'nl',
      name: { nl: 'Concert' },
      calendar: {
        calendarType: 'single',
        startDate: '2026-09-01T20:00:00+02:00',
        endDate: '2026-09-01T22:00:00+02:00',
      },
      locationId: PLACE_ID,
      terms: [{ id: '0.50.4.0.0' }],
      organizerId: ORGANIZER_ID,
      priceInfo: [{ category: 'base', price: 10 }],
    });

    expect(id).toBe(EVENT_ID);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      mainLanguage: 'nl',
      name: { nl: 'Concert' },
      calendarType: 'single',
      startDate: '2026-09-01T20:00:00+02:00',
      endDate: '2026-09-01T22:00:00+02:00',
      subEvent: [{ startDate: '2026-09-01T20:00:00+02:00', endDate: '2026-09-01T22:00:00+02:00' }],
      location: { '@id': `${server.url}/entry/places/${PLACE_ID}` },
      terms: [{ id: '0.50.4.0.0' }],
      organizer: { '@id': `${server.url}/entry/organizers/${ORGANIZER_ID}` },
      priceInfo: [{ category: 'base', price: 10, priceCurrency: 'EUR' }],
    });
  });

  it('never retries creating an event', async () => {
    server.on('POST /entry/events', { status: 503 });

    const error = await failure(
      entry.createEvent({
        mainLanguage: 'nl',
        name: { nl: 'x' },
        calendar: { calendarType: 'permanent' },
        locationId: PLACE_ID,
        terms: [{ id: 't' }],
      }),
    );

    expect(error).toMatchObject({ reason: 'status', status: 503, mayHaveApplied: true });
    expect(server.count('POST /entry/events')).toBe(1);
  });

  it('checks the create input before calling', async () => {
    const base = {
      mainLanguage: 'fr' as const,
      name: { nl: 'x' },
      calendar: { calendarType: 'permanent' as const },
      locationId: PLACE_ID,
      terms: [{ id: 't' }],
    };
    await expect(entry.createEvent(base)).rejects.toThrow(/main language/);
    await expect(
      entry.createEvent({
        ...base,
        name: { fr: 'x' },
        priceInfo: [{ category: 'tariff', price: 1, name: { nl: 'a' } }],
      }),
    ).rejects.toThrow(/exactly one base/);
    expect(server.requests).toHaveLength(0);
  });

  it('updates name, calendar, price info and organizer with PUTs', async () => {
    server.on(`PUT /entry/events/${EVENT_ID}/name/fr`, { status: 204 });
    server.on(`PUT /entry/events/${EVENT_ID}/calendar`, { status: 204 });
    server.on(`PUT /entry/events/${EVENT_ID}/price-info`, { status: 204 });
    server.on(`PUT /entry/events/${EVENT_ID}/organizer/${ORGANIZER_ID}`, { status: 204 });

    await entry.updateName(EVENT_ID, 'fr', 'Le concert');
    await entry.updateCalendar(EVENT_ID, {
      calendarType: 'periodic',
      startDate: '2026-09-01T00:00:00+02:00',
      endDate: '2026-12-31T23:59:59+01:00',
    });
    await entry.updatePriceInfo(EVENT_ID, [
      { category: 'base', price: 12 },
      { category: 'tariff', price: 8, name: { nl: 'Student' } },
    ]);
    await entry.updateOrganizer(EVENT_ID, ORGANIZER_ID);

    expect(server.requests.map((r) => [r.method, r.path, r.body ? JSON.parse(r.body) : undefined])).toEqual([
      ['PUT', `/entry/events/${EVENT_ID}/name/fr`, { name: 'Le concert' }],
      [
        'PUT',
        `/entry/events/${EVENT_ID}/calendar`,
        {
          calendarType: 'periodic',
          startDate: '2026-09-01T00:00:00+02:00',
          endDate: '2026-12-31T23:59:59+01:00',
        },
      ],
      [
        'PUT',
        `/entry/events/${EVENT_ID}/price-info`,
        [
          { category: 'base', price: 12, priceCurrency: 'EUR' },
          { category: 'tariff', price: 8, priceCurrency: 'EUR', name: { nl: 'Student' } },
        ],
      ],
      ['PUT', `/entry/events/${EVENT_ID}/organizer/${ORGANIZER_ID}`, undefined],
    ]);
  });

  it('passes the event-has-uitpas-ticket-sales problem on', async () => {
    const type = 'https://api.publiq.be/probs/uitdatabank/event-has-uitpas-ticket-sales';
    server.on(`PUT /entry/events/${EVENT_ID}/organizer/${ORGANIZER_ID}`, {
      status: 400,
      json: { type, title: 'Event has UiTPAS ticket sales', status: 400 },
    });

    const error = await failure(entry.updateOrganizer(EVENT_ID, ORGANIZER_ID));

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(error).toMatchObject({ service: 'uitdatabank-entry', type, status: 400 });
  });
});

describe('Search client', () => {
  const page = (member: unknown[]) => ({
    '@context': 'http://www.w3.org/ns/hydra/context.jsonld',
    '@type': 'PagedCollection',
    itemsPerPage: 30,
    totalItems: member.length,
    member,
  });

  it('sends x-client-id and no token, and encodes + in date-times as %2B', async () => {
    server.on('GET /search/events', { json: page([event()]) });

    const result = await search.searchEvents({
      organizerId: ORGANIZER_ID,
      uitpas: true,
      modifiedFrom: '2026-08-20T10:00:00+02:00',
      sort: { modified: 'asc' },
      embed: true,
      disableDefaultFilters: true,
      limit: 2000,
    });

    expect(result.member[0]?.name).toEqual({ nl: 'Permanente UiTPAS Test Festiviteit' });
    const request = server.requests[0];
    expect(request?.headers['x-client-id']).toBe('client-1');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.rawUrl).toContain('modifiedFrom=2026-08-20T10%3A00%3A00%2B02%3A00');
    expect(request?.query.get('modifiedFrom')).toBe('2026-08-20T10:00:00+02:00');
    expect(request?.rawUrl).toContain('sort%5Bmodified%5D=asc');
  });

  it('keeps the given sort order, joins workflow statuses and writes dates in UTC', () => {
    const query = searchEventsQuery({
      sort: { created: 'desc', modified: 'asc' },
      workflowStatus: ['APPROVED', 'DELETED'],
      modifiedTo: new Date('2026-08-20T08:00:00Z'),
      q: 'organizer.id:a OR organizer.id:b',
      id: EVENT_ID,
      start: 10_000,
    });

    expect([...query.keys()]).toEqual([
      'q',
      'id',
      'modifiedTo',
      'workflowStatus',
      'sort[created]',
      'sort[modified]',
      'start',
    ]);
    expect(query.get('workflowStatus')).toBe('APPROVED,DELETED');
    expect(query.get('modifiedTo')).toBe('2026-08-20T08:00:00.000Z');
  });

  it.each([{ start: 10_001 }, { start: -1 }, { limit: 2001 }, { limit: 1.5 }, { embedUitpasPrices: true }])(
    'refuses %o before calling',
    async (params) => {
      await expect(search.searchEvents(params)).rejects.toThrow(RangeError);
      expect(server.requests).toHaveLength(0);
    },
  );

  it('parses embedded events one by one: a malformed one is set aside with its place, id and modified', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    server.on('GET /search/events', {
      json: page([
        event({ name: 'Legacy naam' }),
        event({
          '@id': `https://io-test.uitdatabank.be/events/${other}`,
          calendarType: undefined,
          modified: '2026-08-20T11:00:00+02:00',
        }),
        { modified: '2026-08-20T12:00:00+02:00' },
        event({ modified: '2026-08-20T13:00:00+02:00' }),
      ]),
    });

    const result = await search.searchEvents({ embed: true, disableDefaultFilters: true });

    // A plain-string name (legacy items) is valid.
    expect(result.member.map((member) => member.name)).toEqual([
      'Legacy naam',
      { nl: 'Permanente UiTPAS Test Festiviteit' },
    ]);
    expect(result.invalid).toEqual([
      {
        index: 1,
        '@id': `https://io-test.uitdatabank.be/events/${other}`,
        modified: '2026-08-20T11:00:00+02:00',
        detail: expect.stringContaining('calendarType'),
      },
      { index: 2, modified: '2026-08-20T12:00:00+02:00', detail: expect.stringContaining('@id') },
    ]);
  });

  it('still refuses a page that is not a page', async () => {
    server.on('GET /search/events', { json: { member: 'no' } });

    await expect(search.searchEvents({ embed: true })).rejects.toMatchObject({
      name: 'UpstreamUnavailable',
      reason: 'invalid-response',
    });
  });

  it('accepts bare references when not embedding', async () => {
    server.on('GET /search/events', {
      json: page([{ '@id': `https://io-test.uitdatabank.be/events/${EVENT_ID}`, '@type': 'Event' }]),
    });

    const result = await search.searchEvents({ id: EVENT_ID });

    expect(result.totalItems).toBe(1);
    expect(result.member[0]?.['@id']).toContain(EVENT_ID);
  });

  it('retries a 503 and then returns the page', async () => {
    server.on('GET /search/events', [{ status: 503 }, { json: page([]) }]);

    expect((await search.searchEvents({ q: '*' })).totalItems).toBe(0);
    expect(server.count('GET /search/events')).toBe(2);
  });

  it('passes an out-of-range problem on as UpstreamProblem', async () => {
    server.on('GET /search/events', {
      status: 404,
      json: {
        type: 'https://api.publiq.be/probs/url/not-found',
        title: 'Not Found',
        status: 404,
        detail: 'limit',
      },
    });

    await expect(search.searchEvents({ q: '*' })).rejects.toMatchObject({
      name: 'UpstreamProblem',
      status: 404,
    });
  });
});
