/**
 * The UiTdatabank Entry and Search clients against the local sandbox (sandbox) over real HTTP.
 */

import {
  LEGACY_ID_EVENT_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  PASSES,
  PAST_EVENT_ID,
  type Sandbox,
  startSandbox,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamProblem } from '../../domain/errors.js';
import { createUitpasClient, type UitpasClient } from '../uitpas/client.js';
import { createTokenProvider } from '../uitpas/token.js';
import { createEntryClient, createSearchClient, type EntryClient, type SearchClient } from './client.js';
import { idFromUri } from './ids.js';

let sandbox: Sandbox;
let entry: EntryClient;
let search: SearchClient;
let uitpas: UitpasClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  const transport = { timeoutMs: 2000, retries: 2, backoff: { baseMs: 1, maxMs: 10 } };
  const tokens = createTokenProvider({
    tokenUrl: sandbox.urls.token,
    clientId: 'sandbox-client',
    getClientSecret: async () => 'sandbox-secret',
    ...transport,
  });
  entry = createEntryClient({ baseUrl: sandbox.urls.entry, tokens, ...transport });
  search = createSearchClient({ baseUrl: sandbox.urls.search, clientId: 'sandbox-client', ...transport });
  uitpas = createUitpasClient({ baseUrl: sandbox.urls.uitpas, tokens, ...transport });
});

const concert = {
  mainLanguage: 'nl' as const,
  name: { nl: 'Integratietest concert' },
  calendar: {
    calendarType: 'single' as const,
    startDate: '2030-03-01T20:00:00+01:00',
    endDate: '2030-03-01T22:00:00+01:00',
  },
  locationId: TEST_PLACE_ID,
  terms: [{ id: '0.50.4.0.0' }],
  organizerId: TEST_ORGANIZER_ID,
  priceInfo: [{ category: 'base' as const, price: 12 }],
};

describe('Entry against the sandbox', () => {
  it('reads the test event with its UiTPAS prices, organizer and hidden labels', async () => {
    const event = await entry.getEvent(TEST_EVENT_ID, { embedUitpasPrices: true });

    expect(idFromUri(event?.['@id'] ?? '', 'event')).toBe(TEST_EVENT_ID);
    expect(event?.priceInfo?.map((p) => p.category)).toEqual(expect.arrayContaining(['base', 'uitpas']));
    expect(idFromUri(event?.organizer?.['@id'] ?? '', 'organizer')).toBe(TEST_ORGANIZER_ID);
    expect(event?.hiddenLabels?.length).toBeGreaterThan(0);
  });

  it('reads an event with a legacy id', async () => {
    const event = await entry.getEvent(LEGACY_ID_EVENT_ID);

    expect(idFromUri(event?.['@id'] ?? '')).toBe(LEGACY_ID_EVENT_ID);
  });

  it('returns null for an unknown event and organizer', async () => {
    expect(await entry.getEvent('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await entry.getOrganizer('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('reads the test organizer', async () => {
    const organizer = await entry.getOrganizer(TEST_ORGANIZER_ID);

    expect(idFromUri(organizer?.['@id'] ?? '', 'organizer')).toBe(TEST_ORGANIZER_ID);
    expect(organizer?.hiddenLabels).toEqual(expect.arrayContaining(['UiTPAS Gent']));
  });

  it('creates a single-date event that reads back as sent', async () => {
    const id = await entry.createEvent(concert);

    const event = await entry.getEvent(id);
    expect(event).toMatchObject({
      name: { nl: 'Integratietest concert' },
      calendarType: 'single',
      workflowStatus: 'DRAFT',
      priceInfo: [expect.objectContaining({ category: 'base', price: 12 })],
    });
    expect(Date.parse(event?.startDate ?? '')).toBe(Date.parse('2030-03-01T20:00:00+01:00'));
    expect(idFromUri(event?.location?.['@id'] ?? '', 'place')).toBe(TEST_PLACE_ID);
    expect(idFromUri(event?.organizer?.['@id'] ?? '', 'organizer')).toBe(TEST_ORGANIZER_ID);
  });

  it('creates a published event that UiTPAS then knows', async () => {
    const id = await entry.createEvent({ ...concert, workflowStatus: 'READY_FOR_VALIDATION' });

    expect(await uitpas.getEventCardSystems(id)).not.toBeNull();
  });

  it('never retries creating an event', async () => {
    sandbox.faults.add({ method: 'POST', path: '/entry/events', kind: 'status', status: 503, times: 1 });

    await expect(entry.createEvent(concert)).rejects.toMatchObject({
      name: 'UpstreamUnavailable',
      status: 503,
    });
    expect(sandbox.requests.count('POST /entry/events')).toBe(1);
  });

  it('updates the name, calendar and prices of an event', async () => {
    const id = await entry.createEvent(concert);

    await entry.updateName(id, 'fr', 'Concert de test');
    await entry.updateCalendar(id, {
      calendarType: 'periodic',
      startDate: '2030-03-01T00:00:00+01:00',
      endDate: '2030-06-30T23:59:59+02:00',
    });
    await entry.updatePriceInfo(id, [
      { category: 'base', price: 15 },
      { category: 'tariff', price: 9, name: { nl: 'Student' } },
    ]);

    const event = await entry.getEvent(id);
    expect(event?.name).toEqual({ nl: 'Integratietest concert', fr: 'Concert de test' });
    expect(event?.calendarType).toBe('periodic');
    expect(event?.priceInfo?.map((p) => [p.category, p.price])).toEqual([
      ['base', 15],
      ['tariff', 9],
    ]);
  });

  it('changes the organizer of an event without sales', async () => {
    const id = await entry.createEvent(concert);

    await entry.updateOrganizer(id, OTHER_UITPAS_ORGANIZER_ID);

    expect(idFromUri((await entry.getEvent(id))?.organizer?.['@id'] ?? '')).toBe(OTHER_UITPAS_ORGANIZER_ID);
  });

  it('refuses to change the organizer of an event with UiTPAS ticket sales', async () => {
    await uitpas.registerTicketSales([
      {
        regularPrice: 10,
        tariff: { id: 'SOCIALTARIFF' },
        eventId: TEST_EVENT_ID,
        uitpasNumber: PASSES.socialTariff,
      },
    ]);

    const error = await entry
      .updateOrganizer(TEST_EVENT_ID, OTHER_UITPAS_ORGANIZER_ID)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(error).toMatchObject({
      service: 'uitdatabank-entry',
      type: 'https://api.publiq.be/probs/uitdatabank/event-has-uitpas-ticket-sales',
      status: 400,
    });
  });
});

describe('Search against the sandbox', () => {
  it('finds the UiTPAS events of the test organizer for a sync, sorted by modified, with %2B offsets', async () => {
    const page = await search.searchEvents({
      organizerId: TEST_ORGANIZER_ID,
      uitpas: true,
      modifiedFrom: '2020-01-01T00:00:00+01:00',
      sort: { modified: 'asc' },
      embed: true,
      disableDefaultFilters: true,
      limit: 2000,
    });

    const ids = page.member.map((event) => idFromUri(event['@id'], 'event'));
    expect(ids).toEqual(expect.arrayContaining([TEST_EVENT_ID, PAST_EVENT_ID]));
    const modified = page.member.map((event) => Date.parse(event.modified ?? ''));
    expect(modified).toEqual([...modified].sort((a, b) => a - b));
    const logged = sandbox.requests.all().find((r) => r.path === '/search/events');
    expect(logged?.query.modifiedFrom).toBe('2020-01-01T00:00:00+01:00');
  });

  it('hides past events unless the default filters are off', async () => {
    const page = await search.searchEvents({ organizerId: TEST_ORGANIZER_ID, limit: 100 });

    expect(page.member.map((ref) => idFromUri(ref['@id']))).not.toContain(PAST_EVENT_ID);
    expect(page.member.map((ref) => idFromUri(ref['@id']))).toContain(TEST_EVENT_ID);
  });

  it('retries a search answered 503', async () => {
    sandbox.faults.add({ method: 'GET', path: '/search/events', kind: 'status', status: 503, times: 1 });

    const page = await search.searchEvents({ id: TEST_EVENT_ID, embed: true, disableDefaultFilters: true });

    expect(page.totalItems).toBe(1);
    expect(sandbox.requests.count('GET /search/events')).toBe(2);
  });
});
