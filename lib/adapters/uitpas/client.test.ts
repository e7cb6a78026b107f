import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test-support/upstream-test-server.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import { createUitpasClient, type UitpasClient } from './client.js';
import { createTokenProvider } from './token.js';

const TOKEN_PATH = '/auth/token';
const EVENT_ID = '5a0967f9-cc06-4c3c-9206-30481a767434';
const ORGANIZER_ID = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const PROBS = 'https://api.publiq.be/probs/uitpas/';

const pass = {
  passholderId: 'ph-1',
  passType: 'INDIVIDUAL',
  uitpasNumber: '0900000067513',
  firstName: 'Jan',
  points: 12,
  postalCode: '9090',
  cardSystem: {
    id: 1,
    name: 'UiTPAS Gent',
    cities: [{ postalCode: '9000', name: 'Gent' }],
    unknownField: true,
  },
  socialTariff: { status: 'ACTIVE', endDate: '2030-12-31T23:59:59+01:00' },
  messages: [{ level: 'WARN', text: 'Let op' }],
};
const sale = {
  id: '499853',
  creationDate: '2026-08-20T10:00:00+02:00',
  regularPrice: 10,
  regularPriceLabel: 'Base tariff',
  tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF' },
  eventId: EVENT_ID,
  uitpasNumber: '0900000067513',
};

let server: TestServer;
let client: UitpasClient;
let tokensIssued = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  tokensIssued = 0;
  server.on(`POST ${TOKEN_PATH}`, () => {
    tokensIssued += 1;
    return { json: { access_token: `tok-${tokensIssued}`, expires_in: 86400, token_type: 'Bearer' } };
  });
  client = makeClient();
});

function makeClient(timeoutMs = 300) {
  const tokens = createTokenProvider({
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    clientId: 'c',
    getClientSecret: async () => 's',
    timeoutMs,
    retries: 0,
  });
  return createUitpasClient({
    baseUrl: `${server.url}/uitpas/`,
    tokens,
    timeoutMs,
    retries: 2,
    backoff: { baseMs: 1, maxMs: 5 },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('UiTPAS client: happy paths', () => {
  it('validates a pass with GET /passes?identifier= and a bearer token, keeping unknown fields', async () => {
    server.on('GET /uitpas/passes', { json: pass });

    const result = await client.getPass('0900000067513');

    expect(result).toEqual(pass);
    expect(server.requests.at(-1)?.query.get('identifier')).toBe('0900000067513');
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer tok-1');
  });

  it('asks tariffs with eventId, uitpasNumber, regularPrice and type, and keeps the endUserMessage', async () => {
    const body = {
      available: [{ id: 'COUPON_1079', name: 'Coupon', price: 1, type: 'COUPON', remaining: 1 }],
      endUserMessage: { nl: 'Geen kansentarief buiten je regio' },
    };
    server.on('GET /uitpas/tariffs', { json: body });

    const result = await client.getTariffs({
      eventId: EVENT_ID,
      uitpasNumber: '0900000067513',
      regularPrice: 10.5,
      type: 'COUPON',
    });

    expect(result).toEqual(body);
    expect(Object.fromEntries(server.requests.at(-1)?.query ?? [])).toEqual({
      regularPrice: '10.5',
      eventId: EVENT_ID,
      uitpasNumber: '0900000067513',
      type: 'COUPON',
    });
  });

  it('passes on only the documented members of the messages it relays to the buyer', async () => {
    server.on('GET /uitpas/passes', {
      json: { ...pass, messages: [{ level: 'WARN', text: 'Verloopt binnenkort', code: 'X1' }] },
    });
    server.on('GET /uitpas/tariffs', {
      json: { available: [], endUserMessage: { nl: 'Geen kansentarief', es: 'No', style: 'bold' } },
    });

    const found = await client.getPass('0900000067513');
    const tariffs = await client.getTariffs({
      eventId: EVENT_ID,
      uitpasNumber: '0900000067513',
      regularPrice: 10,
    });

    expect(found.messages).toEqual([{ level: 'WARN', text: 'Verloopt binnenkort' }]);
    expect(tariffs.endUserMessage).toEqual({ nl: 'Geen kansentarief' });
  });

  it('treats a missing available list as empty', async () => {
    server.on('GET /uitpas/tariffs/static', { json: { endUserMessage: { nl: 'x' } } });

    const result = await client.getStaticTariffs({ eventId: EVENT_ID, regularPrice: 10 });

    expect(result.available).toEqual([]);
    expect(Object.fromEntries(server.requests.at(-1)?.query ?? [])).toEqual({
      regularPrice: '10',
      eventId: EVENT_ID,
    });
  });

  it('asks the static tariffs with the event and the price, and reads them without a remaining count', async () => {
    const tariff = { id: 'SOCIALTARIFF-1', name: 'Kansentarief', price: 1.5, type: 'SOCIALTARIFF' };
    server.on('GET /uitpas/tariffs/static', {
      json: { available: [tariff, { ...tariff, id: 'S2', remaining: 1 }] },
    });

    const result = await client.getStaticTariffs({ eventId: EVENT_ID, regularPrice: 7.5 });

    expect(result.available).toEqual([tariff, { ...tariff, id: 'S2', remaining: 1 }]);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer tok-1');
    expect(Object.fromEntries(server.requests.at(-1)?.query ?? [])).toEqual({
      regularPrice: '7.5',
      eventId: EVENT_ID,
    });
  });

  it('refuses a static tariff question without an event or with a negative price, without calling', async () => {
    await expect(client.getStaticTariffs({ eventId: '', regularPrice: 10 })).rejects.toThrow(/eventId/);
    await expect(client.getStaticTariffs({ eventId: EVENT_ID, regularPrice: -1 })).rejects.toThrow(
      RangeError,
    );
    expect(server.count('GET /uitpas/tariffs/static')).toBe(0);
  });

  it('registers ticket sales with only the writable fields and returns their ids', async () => {
    server.on('POST /uitpas/ticket-sales', { json: [sale, { ...sale, id: '499854' }] });

    const result = await client.registerTicketSales([
      {
        regularPrice: 10,
        regularPriceLabel: 'Base tariff',
        tariff: { id: 'SOCIALTARIFF' },
        eventId: EVENT_ID,
        uitpasNumber: '0900000067513',
      },
      {
        regularPrice: 10,
        tariff: { id: 'SOCIALTARIFF' },
        eventId: EVENT_ID,
        uitpasNumber: '0900000067513',
        id: 'x',
      } as never,
    ]);

    expect(result.map((s) => s.id)).toEqual(['499853', '499854']);
    const request = server.requests.at(-1);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual([
      {
        regularPrice: 10,
        regularPriceLabel: 'Base tariff',
        tariff: { id: 'SOCIALTARIFF' },
        eventId: EVENT_ID,
        uitpasNumber: '0900000067513',
      },
      { regularPrice: 10, tariff: { id: 'SOCIALTARIFF' }, eventId: EVENT_ID, uitpasNumber: '0900000067513' },
    ]);
  });

  it('warms up by fetching the token alone, and the first call then reuses it', async () => {
    server.on('GET /uitpas/passes', { json: pass });
    client.warmUp();
    await expect.poll(() => tokensIssued).toBe(1);
    expect(server.requests.filter((r) => r.path.startsWith('/uitpas'))).toHaveLength(0);
    await client.getPass('0900000067513');
    expect(tokensIssued).toBe(1);
  });

  it('refuses to register an empty list without calling', async () => {
    await expect(client.registerTicketSales([])).rejects.toThrow(RangeError);
    expect(server.count('POST /uitpas/ticket-sales')).toBe(0);
  });

  it('searches ticket sales with a repeated organizerId', async () => {
    server.on('GET /uitpas/ticket-sales', { json: { totalItems: 1, member: [sale] } });

    const page = await client.searchTicketSales({
      passholderId: 'ph-1',
      organizerId: [ORGANIZER_ID, 'other'],
      start: 0,
      limit: 500,
    });

    expect(page).toEqual({ totalItems: 1, member: [sale] });
    const query = server.requests.at(-1)?.query;
    expect(query?.getAll('organizerId')).toEqual([ORGANIZER_ID, 'other']);
    expect(query?.get('limit')).toBe('500');
  });

  it('takes a ticket-sale page without totalItems, and leaves out a sale without an id', async () => {
    const { id: _id, ...withoutId } = sale;
    server.on('GET /uitpas/ticket-sales', { json: { member: [sale, withoutId] } });
    const page = await client.searchTicketSales({ eventId: EVENT_ID });
    expect(page).toEqual({ totalItems: undefined, member: [sale] });
  });

  it('treats a registration answer without sale ids as an outcome to find out, never as refused', async () => {
    const { id: _id, ...withoutId } = sale;
    server.on('POST /uitpas/ticket-sales', { json: [withoutId] });
    const error = await client
      .registerTicketSales([
        {
          regularPrice: 10,
          tariff: { id: 'SOCIALTARIFF' },
          eventId: EVENT_ID,
          uitpasNumber: '0900000067513',
        },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ reason: 'invalid-response', mayHaveApplied: true });
    expect(server.count('POST /uitpas/ticket-sales')).toBe(1);
  });

  it('checks the ticket-sale search arguments before calling', async () => {
    await expect(client.searchTicketSales({})).rejects.toThrow(RangeError);
    await expect(client.searchTicketSales({ passholderId: 'ph-1' })).rejects.toThrow(/organizerId/);
    await expect(client.searchTicketSales({ eventId: EVENT_ID, limit: 501 })).rejects.toThrow(RangeError);
    expect(server.requests.filter((r) => r.path.startsWith('/uitpas'))).toHaveLength(0);
  });

  it('cancels a ticket sale with DELETE on the URL-encoded id', async () => {
    server.on('DELETE /uitpas/ticket-sales/a%2Fb%20c', { status: 204 });

    await client.cancelTicketSale('a/b c');

    expect(server.requests.at(-1)?.rawUrl).toBe('/uitpas/ticket-sales/a%2Fb%20c');
  });

  it('reports an already cancelled sale as the ticket-sale-not-found problem', async () => {
    server.on('DELETE /uitpas/ticket-sales/1', {
      status: 404,
      json: { type: `${PROBS}ticket-sale-not-found`, title: 'Not found', status: 404 },
    });

    const error = await failure(client.cancelTicketSale('1'));

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect((error as UpstreamProblem).is('ticket-sale-not-found')).toBe(true);
  });

  it('reads permissions with details, the deprecated list and linked organizers', async () => {
    const body = [
      {
        organizer: { id: ORGANIZER_ID, name: '[TEST] UiTPAS Organisatie' },
        permissions: ['TARIFFS_READ', 'SOME_NEW_PERMISSION'],
        permissionDetails: [{ id: 'TARIFFS_READ', label: { nl: 'Tarieven opvragen' }, cardSystemIds: [1] }],
        linkedOrganizers: [
          { organizer: { id: 'linked' }, permissionDetails: [{ id: 'TICKETSALES_REGISTER' }] },
        ],
      },
    ];
    server.on('GET /uitpas/permissions', { json: body });

    expect(await client.getPermissions()).toEqual(body);
  });

  it('returns the organizer, or null on 404', async () => {
    server.on(`GET /uitpas/organizers/${ORGANIZER_ID}`, {
      json: { id: ORGANIZER_ID, address: { city: 'Gent' } },
    });
    server.on('GET /uitpas/organizers/unknown', { status: 404, json: { title: 'Not Found', status: 404 } });

    expect(await client.getOrganizer(ORGANIZER_ID)).toMatchObject({ id: ORGANIZER_ID });
    expect(await client.getOrganizer('unknown')).toBeNull();
  });

  it('returns the event card systems, null on event-not-found, and throws other 404s', async () => {
    const systems = [
      { id: 1, name: 'UiTPAS Gent', enabled: true, manualDistributionKeys: [{ id: 3, enabled: false }] },
    ];
    server.on(`GET /uitpas/events/${EVENT_ID}/card-systems`, { json: systems });
    server.on('GET /uitpas/events/unknown/card-systems', {
      status: 404,
      json: { type: `${PROBS}event-not-found`, title: 'Event not found', status: 404 },
    });

    expect(await client.getEventCardSystems(EVENT_ID)).toEqual(systems);
    expect(await client.getEventCardSystems('unknown')).toBeNull();
    expect(await failure(client.getEventCardSystems('other'))).toMatchObject({
      status: 404,
      shortType: 'url/not-found',
    });
  });
});

describe('UiTPAS client: errors', () => {
  it.each(['invalid-uitpasnumber', 'invalid-uitpas-number'])(
    'recognises the %s spelling as one problem',
    async (suffix) => {
      server.on('GET /uitpas/tariffs', {
        status: 400,
        json: { type: `${PROBS}${suffix}`, title: 'Invalid', status: '400' },
      });

      const error = await failure(
        client.getTariffs({ eventId: EVENT_ID, uitpasNumber: '123', regularPrice: 10 }),
      );

      expect(error).toBeInstanceOf(UpstreamProblem);
      expect((error as UpstreamProblem).is('invalid-uitpas-number')).toBe(true);
      expect((error as UpstreamProblem).is('invalid-uitpasnumber')).toBe(true);
      expect((error as UpstreamProblem).status).toBe(400);
    },
  );

  it('keeps the endUserMessage and a string status of a social-tariff problem as a number', async () => {
    server.on('GET /uitpas/tariffs', {
      status: 400,
      json: {
        type: `${PROBS}social-tariff-expired`,
        title: 'Social tariff expired',
        status: '400',
        endUserMessage: { nl: 'Je kansentarief is verlopen' },
      },
    });

    const error = (await failure(
      client.getTariffs({ eventId: EVENT_ID, uitpasNumber: '0900000031618', regularPrice: 10 }),
    )) as UpstreamProblem;

    expect(error.status).toBe(400);
    expect(typeof error.status).toBe('number');
    expect(error.endUserMessage).toEqual({ nl: 'Je kansentarief is verlopen' });
  });

  it('reports an event without social tariff as the social-tariff-not-available problem of the static call', async () => {
    server.on('GET /uitpas/tariffs/static', {
      status: 400,
      json: {
        type: `${PROBS}social-tariff-not-available`,
        title: 'Social tariff not available',
        status: 400,
        endUserMessage: { nl: 'Geen kansentarief voor dit evenement' },
      },
    });

    const error = (await failure(
      client.getStaticTariffs({ eventId: EVENT_ID, regularPrice: 10 }),
    )) as UpstreamProblem;

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(error.is('social-tariff-not-available')).toBe(true);
    expect(error.endpoint).toBe('GET /uitpas/tariffs/static');
    expect(error.endUserMessage).toEqual({ nl: 'Geen kansentarief voor dit evenement' });
  });

  it("stops asking the static tariffs at the call's deadline, retries included", async () => {
    server.on('GET /uitpas/tariffs/static', { hang: true });
    const started = Date.now();

    const error = await failure(
      client.getStaticTariffs({ eventId: EVENT_ID, regularPrice: 10 }, { deadline: started + 150 }),
    );

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    // Without the deadline: three attempts of 300 ms.
    expect(server.count('GET /uitpas/tariffs/static')).toBe(1);
  });

  it('reports a pass that does not match the schema as an invalid response naming the path', async () => {
    server.on('GET /uitpas/passes', { json: { ...pass, points: '12' } });

    const error = await failure(client.getPass('0900000067513'));

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ service: 'uitpas', reason: 'invalid-response', mayHaveApplied: false });
    expect((error as Error).message).toContain('points');
  });

  it('says a registration with an unreadable answer may have been applied', async () => {
    server.on('POST /uitpas/ticket-sales', { json: [{ ...sale, id: undefined }] });

    const error = await failure(
      client.registerTicketSales([
        { regularPrice: 10, tariff: { id: 'SOCIALTARIFF' }, eventId: EVENT_ID, uitpasNumber: '1' },
      ]),
    );

    expect(error).toMatchObject({ reason: 'invalid-response', mayHaveApplied: true });
  });

  it('renews the token once on a 401 and retries the POST once', async () => {
    server.on('POST /uitpas/ticket-sales', (req) =>
      req.headers.authorization === 'Bearer tok-1'
        ? { status: 401, json: { type: 'https://api.publiq.be/probs/auth/unauthorized', status: 401 } }
        : { json: [sale] },
    );

    const result = await client.registerTicketSales([
      { regularPrice: 10, tariff: { id: 'SOCIALTARIFF' }, eventId: EVENT_ID, uitpasNumber: '0900000067513' },
    ]);

    expect(result).toHaveLength(1);
    expect(server.count('POST /uitpas/ticket-sales')).toBe(2);
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });

  it('throws the 401 problem when the fresh token is refused too', async () => {
    server.on('GET /uitpas/permissions', {
      status: 401,
      json: { type: 'https://api.publiq.be/probs/auth/unauthorized', title: 'Unauthorized', status: 401 },
    });

    const error = await failure(client.getPermissions());

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(error).toMatchObject({ status: 401 });
    expect(server.count('GET /uitpas/permissions')).toBe(2);
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });

  it('reuses the token across calls', async () => {
    server.on('GET /uitpas/permissions', { json: [] });

    await Promise.all([client.getPermissions(), client.getPermissions(), client.getPermissions()]);
    await client.getPermissions();

    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(1);
  });

  it('retries a GET on 503 and 429 but not on 500', async () => {
    server.on('GET /uitpas/permissions', [{ status: 503 }, { status: 429 }, { json: [] }]);
    expect(await client.getPermissions()).toEqual([]);
    expect(server.count('GET /uitpas/permissions')).toBe(3);

    server.on('GET /uitpas/passes', { status: 500 });
    await expect(client.getPass('x')).rejects.toMatchObject({ reason: 'status', status: 500 });
    expect(server.count('GET /uitpas/passes')).toBe(1);
  });

  it('never retries POST /ticket-sales on a timeout and says it may have been applied', async () => {
    const slowClient = makeClient(150);
    server.on('POST /uitpas/ticket-sales', { hang: true });

    const error = await failure(
      slowClient.registerTicketSales([
        { regularPrice: 10, tariff: { id: 'SOCIALTARIFF' }, eventId: EVENT_ID, uitpasNumber: '1' },
      ]),
    );

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ reason: 'timeout', mayHaveApplied: true });
    expect(server.count('POST /uitpas/ticket-sales')).toBe(1);
  });

  it('never retries POST /ticket-sales on a 500 and says it may have been applied', async () => {
    server.on('POST /uitpas/ticket-sales', { status: 500 });

    const error = await failure(
      client.registerTicketSales([
        { regularPrice: 10, tariff: { id: 'SOCIALTARIFF' }, eventId: EVENT_ID, uitpasNumber: '1' },
      ]),
    );

    expect(error).toMatchObject({
      name: 'UpstreamUnavailable',
      reason: 'status',
      status: 500,
      mayHaveApplied: true,
    });
    expect(server.count('POST /uitpas/ticket-sales')).toBe(1);
  });

  it('retries a DELETE on 502 and then succeeds', async () => {
    server.on('DELETE /uitpas/ticket-sales/7', [{ status: 502 }, { status: 204 }]);

    await client.cancelTicketSale('7');

    expect(server.count('DELETE /uitpas/ticket-sales/7')).toBe(2);
  });
});
