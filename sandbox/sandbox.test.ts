import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CARD_SYSTEMS_DISABLED_EVENT_ID,
  CHIPS,
  COUPON_GROUP,
  COUPON_GUIDE,
  COUPON_GUIDE_COUPON_ONLY,
  DELETED_EVENT_ID,
  DRAFT_EVENT_ID,
  LATE_EVENT_ID,
  LEGACY_ID_EVENT_ID,
  LIMITED_EVENT_ID,
  MALFORMED_UITPAS_NUMBER,
  MEMBERS_ONLY_EVENT_ID,
  NO_BASE_PRICE_EVENT_ID,
  NO_PERMISSION_EVENT_ID,
  NON_UITPAS_ORGANIZER_EVENT_ID,
  NON_UITPAS_ORGANIZER_ID,
  NOT_IN_UITPAS_EVENT_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  PASSES,
  PAST_EVENT_ID,
  type Sandbox,
  startSandbox,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
  TEST_PLACE_ID,
  UNKNOWN_UITPAS_NUMBER,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
type Body = any;

const PROBS = 'https://api.publiq.be/probs';
const START = Date.parse('2026-03-02T10:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;

let clock = START;
let sandbox: Sandbox;
let token: string;

interface CallOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  signal?: AbortSignal;
}

async function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = {};
  const bearer = options.token === undefined ? token : options.token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body, signal: options.signal });
  const text = await res.text();
  let json: Body;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

const get = (path: string, options?: CallOptions) => call('GET', path, options);

function sale(uitpasNumber: string, eventId: string, tariffId = 'SOCIALTARIFF', regularPrice = 10) {
  return { uitpasNumber, eventId, regularPrice, regularPriceLabel: 'Basistarief', tariff: { id: tariffId } };
}

function tariffs(uitpasNumber: string, eventId = TEST_EVENT_ID, extra = '') {
  return get(`/uitpas/tariffs?regularPrice=10&eventId=${eventId}&uitpasNumber=${uitpasNumber}${extra}`);
}

function expectProblem(res: { status: number; headers: Headers; body: Body }, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.type).toBe(`${PROBS}/${type}`);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe('string');
}

function tokenRequest(body: string, contentType = 'application/x-www-form-urlencoded') {
  return fetch(sandbox.urls.token, { method: 'POST', headers: { 'content-type': contentType }, body });
}

const GOOD_CREDENTIALS =
  'grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret';

beforeAll(async () => {
  sandbox = await startSandbox({ now: () => new Date(clock) });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  clock = START;
  sandbox.reset();
  sandbox.state.uitpasRegistrationDelayMs = 0;
  token = sandbox.issueToken();
});

describe('token endpoint', () => {
  it('issues opaque bearer tokens for the configured client', async () => {
    const res = await tokenRequest(GOOD_CREDENTIALS);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(body.access_token).toMatch(/^[\w-]{40,}$/);
    const second = (await (await tokenRequest(GOOD_CREDENTIALS)).json()) as Body;
    expect(second.access_token).not.toBe(body.access_token);
    expect((await get('/uitpas/permissions', { token: body.access_token })).status).toBe(200);
    expect(sandbox.requests.count('POST /auth/realms/uitid/protocol/openid-connect/token')).toBe(2);
  });

  it('refuses bad credentials, other grants and non-form bodies', async () => {
    const wrong = await tokenRequest(
      'grant_type=client_credentials&client_id=sandbox-client&client_secret=nope',
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(((await wrong.json()) as Body).type).toBe(`${PROBS}/auth/unauthorized`);

    const grant = await tokenRequest(
      'grant_type=password&client_id=sandbox-client&client_secret=sandbox-secret',
    );
    expect(grant.status).toBe(400);

    const jsonBody = await tokenRequest(
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'sandbox-client',
        client_secret: 'sandbox-secret',
      }),
      'application/json',
    );
    expect(jsonBody.status).toBe(415);
    expect(((await jsonBody.json()) as Body).type).toBe(`${PROBS}/header/unsupported-media-type`);
  });

  it('rejects missing, unknown, revoked and expired tokens with 401 auth/unauthorized', async () => {
    expectProblem(await get('/uitpas/permissions', { token: null }), 401, 'auth/unauthorized');
    expectProblem(await get('/uitpas/permissions', { token: 'not-a-token' }), 401, 'auth/unauthorized');

    expect((await get('/uitpas/permissions')).status).toBe(200);
    sandbox.revokeTokens();
    expectProblem(await get('/uitpas/permissions'), 401, 'auth/unauthorized');

    const fresh = (await (await tokenRequest(GOOD_CREDENTIALS)).json()) as Body;
    expect((await get('/uitpas/permissions', { token: fresh.access_token })).status).toBe(200);
    clock += 3601 * 1000;
    expectProblem(await get('/uitpas/permissions', { token: fresh.access_token }), 401, 'auth/unauthorized');
  });
});

describe('GET /uitpas/passes', () => {
  it('returns an active social-tariff pass by number, chip (any case) and INSZ', async () => {
    const byNumber = await get(`/uitpas/passes?identifier=${PASSES.socialTariff}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.body).toMatchObject({
      uitpasNumber: PASSES.socialTariff,
      passType: 'INDIVIDUAL',
      postalCode: '9090',
      socialTariff: { status: 'ACTIVE' },
      cardSystem: { id: 1, name: 'UiTPAS Gent' },
    });
    expect(byNumber.body.socialTariff.endDate).toBeTypeOf('string');
    expect(byNumber.body.messages).toBeUndefined();

    const byChip = await get(`/uitpas/passes?identifier=${CHIPS.socialTariff.toLowerCase()}`);
    expect(byChip.body.passholderId).toBe(byNumber.body.passholderId);
    const byInsz = await get('/uitpas/passes?identifier=36051380284');
    expect(byInsz.body.uitpasNumber).toBe(PASSES.socialTariff);
  });

  it('answers 200 with a WARN message for an expired social tariff, and NONE without endDate', async () => {
    const expired = await get(`/uitpas/passes?identifier=${PASSES.socialTariffExpired}`);
    expect(expired.status).toBe(200);
    expect(expired.body.socialTariff.status).toBe('EXPIRED');
    expect(expired.body.messages).toEqual([{ level: 'WARN', text: expect.stringContaining('verlopen') }]);

    const none = await get(`/uitpas/passes?identifier=${PASSES.noSocialTariff}`);
    expect(none.body.socialTariff).toEqual({ status: 'NONE' });
    const group = await get(`/uitpas/passes?identifier=${PASSES.groupSocialTariff}`);
    expect(group.body.passType).toBe('GROUP');
  });

  it('refuses blocked and unregistered cards with invalid-card-status', async () => {
    const blocked = await get(`/uitpas/passes?identifier=${PASSES.blocked}`);
    expectProblem(blocked, 400, 'uitpas/invalid-card-status');
    expect(blocked.body).toMatchObject({ cardStatus: 'BLOCKED', passType: 'INDIVIDUAL' });
    expect(blocked.body.passholderId).toBeTypeOf('string');
    expect(blocked.body.endUserMessage.nl).toContain('geblokkeerd');

    const stock = await get(`/uitpas/passes?identifier=${CHIPS.unregisteredLocalStock}`);
    expectProblem(stock, 400, 'uitpas/invalid-card-status');
    expect(stock.body.cardStatus).toBe('LOCAL_STOCK');
    expect(stock.body.passholderId).toBeUndefined();
    const provisioned = await get(`/uitpas/passes?identifier=${PASSES.unregisteredProvisioned}`);
    expect(provisioned.body.cardStatus).toBe('PROVISIONED');
  });

  it('distinguishes unknown (404 pass-not-found) from malformed (400 invalid-uitpas-number)', async () => {
    expectProblem(
      await get(`/uitpas/passes?identifier=${UNKNOWN_UITPAS_NUMBER}`),
      404,
      'uitpas/pass-not-found',
    );
    expectProblem(
      await get(`/uitpas/passes?identifier=${MALFORMED_UITPAS_NUMBER}`),
      400,
      'uitpas/invalid-uitpas-number',
    );
    expectProblem(await get('/uitpas/passes'), 404, 'url/not-found');
  });

  it('serves the deprecated path form and needs PASSES_READ', async () => {
    const res = await get(`/uitpas/passes/${PASSES.noSocialTariff}`);
    expect(res.status).toBe(200);
    expect(res.body.uitpasNumber).toBe(PASSES.noSocialTariff);
    expectProblem(await get(`/uitpas/passes/${PASSES.blocked}`), 400, 'uitpas/card-blocked');

    sandbox.state.setPermissions(TEST_ORGANIZER_ID, ['TARIFFS_READ']);
    expectProblem(await get(`/uitpas/passes?identifier=${PASSES.noSocialTariff}`), 403, 'auth/forbidden');
  });
});

describe('GET /uitpas/tariffs', () => {
  it('gives the guide example: SOCIALTARIFF 2 and COUPON_1079 1 at regularPrice 10', async () => {
    const res = await tariffs(PASSES.guideSocialTariffAndCoupon);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      available: [
        { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF', remaining: 1 },
        { id: COUPON_GUIDE, name: 'Cultuurbon 9 euro', price: 1, type: 'COUPON', remaining: 1 },
      ],
    });
    const coupons = await tariffs(PASSES.guideSocialTariffAndCoupon, TEST_EVENT_ID, '&type=COUPON');
    expect(coupons.body.available.map((t: Body) => t.id)).toEqual([COUPON_GUIDE]);
    const social = await tariffs(PASSES.guideSocialTariffAndCoupon, TEST_EVENT_ID, '&type=SOCIALTARIFF');
    expect(social.body.available.map((t: Body) => t.id)).toEqual(['SOCIALTARIFF']);
  });

  it('computes the social tariff as 20% of the regular price', async () => {
    const res = await get(
      `/uitpas/tariffs?regularPrice=12.5&eventId=${TEST_EVENT_ID}&uitpasNumber=${PASSES.socialTariff}`,
    );
    expect(res.body.available).toEqual([
      { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2.5, type: 'SOCIALTARIFF', remaining: 1 },
    ]);
    expect(res.body.endUserMessage).toBeUndefined();
  });

  it('explains missing tariffs in a 200 endUserMessage (none, coupon only, other region)', async () => {
    const none = await tariffs(PASSES.noSocialTariff);
    expect(none.status).toBe(200);
    expect(none.body.available).toEqual([]);
    expect(none.body.endUserMessage.nl).toContain('geen recht op kansentarief');

    const couponOnly = await tariffs(PASSES.guideCouponOnly);
    expect(couponOnly.body.available).toEqual([
      { id: COUPON_GUIDE_COUPON_ONLY, name: '2 euro korting', price: 8, type: 'COUPON', remaining: 1 },
    ]);
    expect(couponOnly.body.endUserMessage.nl).toBeTypeOf('string');

    const otherRegion = await tariffs(PASSES.otherRegion);
    expect(otherRegion.body.available).toEqual([]);
    expect(otherRegion.body.endUserMessage.nl).toContain('UiTPAS Gent');
    expect(otherRegion.body.endUserMessage.en).toBeTypeOf('string');

    const disabled = await tariffs(PASSES.socialTariff, CARD_SYSTEMS_DISABLED_EVENT_ID);
    expect(disabled.body).toEqual({
      available: [],
      endUserMessage: expect.objectContaining({ nl: expect.any(String) }),
    });
  });

  it('answers 400 for expired social tariffs and unusable cards', async () => {
    const expired = await tariffs(PASSES.socialTariffExpired);
    expectProblem(expired, 400, 'uitpas/social-tariff-expired');
    expect(expired.body.endUserMessage.nl).toContain('verlopen');
    expectProblem(await tariffs(PASSES.blocked), 400, 'uitpas/invalid-card-status');
    expectProblem(await tariffs(PASSES.unregisteredLocalStock), 400, 'uitpas/invalid-card-status');
    expectProblem(await tariffs(UNKNOWN_UITPAS_NUMBER), 400, 'uitpas/passholder-not-found');
    expectProblem(await tariffs(MALFORMED_UITPAS_NUMBER), 400, 'uitpas/invalid-uitpasnumber');
  });

  it('knows which events UiTPAS knows and which organizers the client may act for', async () => {
    for (const eventId of [
      '0f0f0f0f-0000-4000-8000-000000000000',
      NOT_IN_UITPAS_EVENT_ID,
      DRAFT_EVENT_ID,
      DELETED_EVENT_ID,
    ]) {
      expectProblem(await tariffs(PASSES.socialTariff, eventId), 400, 'uitpas/event-not-found');
    }
    const forbidden = await tariffs(PASSES.socialTariff, NO_PERMISSION_EVENT_ID);
    expectProblem(forbidden, 403, 'auth/forbidden');
    expect(forbidden.body.detail).toContain(OTHER_UITPAS_ORGANIZER_ID);
    expect((await tariffs(PASSES.socialTariff, LEGACY_ID_EVENT_ID.toLowerCase())).status).toBe(200);
  });

  it('gives group passes their remaining quantity', async () => {
    // No limit of its own in the dataset: the festival's 100 per week is what caps it.
    expect((await tariffs(PASSES.groupSocialTariff)).body.available).toEqual([
      { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF', remaining: 100 },
    ]);
    const coupons = await tariffs(PASSES.groupCoupons);
    expect(coupons.body.available).toEqual([
      { id: COUPON_GROUP, name: 'Groepscoupon 50% korting', price: 5, type: 'COUPON', remaining: 50 },
    ]);
    expect((await tariffs(PASSES.guideGroup)).body.available[0].remaining).toBe(50);
    // The event's weekly limit caps a group pass too.
    expect((await tariffs(PASSES.groupSocialTariff, LIMITED_EVENT_ID)).body.available[0].remaining).toBe(1);
  });

  it('validates the query and serves static tariffs', async () => {
    expectProblem(
      await get(`/uitpas/tariffs?eventId=${TEST_EVENT_ID}&uitpasNumber=${PASSES.socialTariff}`),
      404,
      'url/not-found',
    );
    expectProblem(
      await get(
        `/uitpas/tariffs?regularPrice=-1&eventId=${TEST_EVENT_ID}&uitpasNumber=${PASSES.socialTariff}`,
      ),
      404,
      'url/not-found',
    );
    const staticTariffs = await get(`/uitpas/tariffs/static?regularPrice=10&eventId=${TEST_EVENT_ID}`);
    expect(staticTariffs.body.available).toEqual([
      { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF', remaining: 1 },
    ]);
    expectProblem(
      await get(`/uitpas/tariffs/static?regularPrice=10&eventId=${NOT_IN_UITPAS_EVENT_ID}`),
      400,
      'uitpas/event-not-found',
    );
    expectProblem(
      await get(`/uitpas/tariffs/static?regularPrice=10&eventId=${CARD_SYSTEMS_DISABLED_EVENT_ID}`),
      400,
      'uitpas/social-tariff-not-available',
    );
    expectProblem(
      await get(`/uitpas/tariffs/static?regularPrice=10&eventId=${NO_PERMISSION_EVENT_ID}`),
      403,
      'auth/forbidden',
    );
  });
});

describe('ticket sales', () => {
  it('registers a sale and refuses a second one on the 1-per-week event for a week', async () => {
    const first = await call('POST', '/uitpas/ticket-sales', {
      body: [sale(PASSES.socialTariff, LIMITED_EVENT_ID)],
    });
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(1);
    const [registered] = first.body;
    expect(registered).toMatchObject({
      regularPrice: 10,
      regularPriceLabel: 'Basistarief',
      tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF' },
      eventId: LIMITED_EVENT_ID,
      uitpasNumber: PASSES.socialTariff,
      eventTitle: 'Test event met beperkte aankoop',
    });
    expect(registered.id).toMatch(/^\d+$/);
    expect(registered.creationDate).toBe('2026-03-02T10:00:00Z');

    const after = await tariffs(PASSES.socialTariff, LIMITED_EVENT_ID);
    expect(after.body.available).toEqual([]);
    expect(after.body.endUserMessage.nl).toContain('maximaal 1 ticket per week');

    const second = await call('POST', '/uitpas/ticket-sales', {
      body: [sale(PASSES.socialTariff, LIMITED_EVENT_ID)],
    });
    expectProblem(second, 400, 'uitpas/maximum-reached');
    expect(second.body.endUserMessage.nl).toContain('per week');
    expect(second.body.schemaErrors).toEqual([{ jsonPointer: '/0/tariff/id', error: expect.any(String) }]);
    // publiq points at the sale with the pointer only; the detail is the problem's own.
    expect(second.body.detail).not.toMatch(/Ticket sale/);

    clock += 7 * DAY + 1000;
    token = sandbox.issueToken(); // the old one expired meanwhile
    expect(
      (await call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, LIMITED_EVENT_ID)] }))
        .status,
    ).toBe(200);
    expect(sandbox.state.activeTicketSales({ eventId: LIMITED_EVENT_ID })).toHaveLength(2);
  });

  it('restores remaining when a sale is cancelled, and 404s on a second cancel', async () => {
    const [registered] = (
      await call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, LIMITED_EVENT_ID)] })
    ).body;
    expect((await tariffs(PASSES.socialTariff, LIMITED_EVENT_ID)).body.available).toEqual([]);

    const cancel = await call('DELETE', `/uitpas/ticket-sales/${registered.id}`);
    expect(cancel.status).toBe(204);
    expect(cancel.text).toBe('');
    expect((await tariffs(PASSES.socialTariff, LIMITED_EVENT_ID)).body.available[0].remaining).toBe(1);
    expect(sandbox.state.cancelledTicketSales()).toHaveLength(1);

    expectProblem(
      await call('DELETE', `/uitpas/ticket-sales/${registered.id}`),
      404,
      'uitpas/ticket-sale-not-found',
    );
    expectProblem(await call('DELETE', '/uitpas/ticket-sales/123'), 404, 'uitpas/ticket-sale-not-found');
  });

  it('sells N identical items on a group pass only while remaining >= N', async () => {
    // The guide's group pass: remaining 50.
    const three = Array.from({ length: 3 }, () => sale(PASSES.guideGroup, TEST_EVENT_ID));
    const ok = await call('POST', '/uitpas/ticket-sales', { body: three });
    expect(ok.status).toBe(200);
    expect(new Set(ok.body.map((s: Body) => s.id)).size).toBe(3);
    expect((await tariffs(PASSES.guideGroup)).body.available[0].remaining).toBe(47);

    const tooManyItems = Array.from({ length: 48 }, () => sale(PASSES.guideGroup, TEST_EVENT_ID));
    const tooMany = await call('POST', '/uitpas/ticket-sales', { body: tooManyItems });
    expectProblem(tooMany, 400, 'uitpas/invalid-number-of-tickets');
    expect(tooMany.body.schemaErrors[0].jsonPointer).toBe('/47/tariff/id');
    expect(tooMany.body.endUserMessage.nl).toContain('47 tickets');
    expect(sandbox.state.activeTicketSales()).toHaveLength(3);

    // An individual pass gets one SOCIALTARIFF ticket per request.
    const two = [sale(PASSES.socialTariff, TEST_EVENT_ID), sale(PASSES.socialTariff, TEST_EVENT_ID)];
    const individual = await call('POST', '/uitpas/ticket-sales', { body: two });
    expectProblem(individual, 400, 'uitpas/invalid-number-of-tickets');
    expect(individual.body.schemaErrors[0].jsonPointer).toBe('/1/tariff/id');
  });

  it('is all-or-nothing: one bad item in a mixed array registers nothing', async () => {
    const body = [
      sale(PASSES.socialTariff, TEST_EVENT_ID),
      sale(PASSES.guideSocialTariffAndCoupon, TEST_EVENT_ID, COUPON_GUIDE),
      sale(PASSES.socialTariffExpired, TEST_EVENT_ID),
    ];
    const res = await call('POST', '/uitpas/ticket-sales', { body });
    expectProblem(res, 400, 'uitpas/social-tariff-expired');
    expect(res.body.schemaErrors).toEqual([{ jsonPointer: '/2/uitpasNumber', error: expect.any(String) }]);
    expect(res.body.endUserMessage.nl).toBeTypeOf('string');
    expect(sandbox.state.ticketSales()).toHaveLength(0);
    expect(sandbox.requests.count('POST /uitpas/ticket-sales')).toBe(1);

    const ok = await call('POST', '/uitpas/ticket-sales', { body: body.slice(0, 2) });
    expect(ok.status).toBe(200);
    expect(ok.body.map((s: Body) => s.tariff.price)).toEqual([2, 1]);
    // The coupon is single-use.
    const again = await call('POST', '/uitpas/ticket-sales', { body: [body[1]] });
    expectProblem(again, 400, 'uitpas/invalid-coupon');
  });

  it('maps each failing item to a pointer: event, pass, permission', async () => {
    const cases: [unknown, number, string, string][] = [
      [sale(PASSES.socialTariff, NOT_IN_UITPAS_EVENT_ID), 400, 'uitpas/event-not-found', '/1/eventId'],
      [sale(UNKNOWN_UITPAS_NUMBER, TEST_EVENT_ID), 400, 'uitpas/passholder-not-found', '/1/uitpasNumber'],
      [sale(MALFORMED_UITPAS_NUMBER, TEST_EVENT_ID), 400, 'uitpas/invalid-uitpasnumber', '/1/uitpasNumber'],
      [sale(PASSES.blocked, TEST_EVENT_ID), 400, 'uitpas/invalid-card-status', '/1/uitpasNumber'],
      [sale(PASSES.noSocialTariff, TEST_EVENT_ID), 400, 'body/invalid-data', '/1/tariff/id'],
      [sale(PASSES.otherRegion, TEST_EVENT_ID), 400, 'uitpas/invalid-card', '/1/tariff/id'],
      [sale(PASSES.socialTariff, NO_PERMISSION_EVENT_ID), 403, 'auth/forbidden', '/1/eventId'],
    ];
    for (const [item, status, type, pointer] of cases) {
      const res = await call('POST', '/uitpas/ticket-sales', {
        body: [sale(PASSES.familySocialTariff, TEST_EVENT_ID), item],
      });
      expectProblem(res, status, type);
      expect(res.body.schemaErrors[0].jsonPointer).toBe(pointer);
    }
    const forbidden = await call('POST', '/uitpas/ticket-sales', {
      body: [sale(PASSES.socialTariff, NO_PERMISSION_EVENT_ID)],
    });
    expect(forbidden.body.detail).toContain(OTHER_UITPAS_ORGANIZER_ID);
    expect(sandbox.state.ticketSales()).toHaveLength(0);
  });

  it('validates the body with body/* problems and schemaErrors', async () => {
    const invalid = await call('POST', '/uitpas/ticket-sales', {
      body: [
        { ...sale(PASSES.socialTariff, TEST_EVENT_ID), tariff: {} },
        { uitpasNumber: PASSES.socialTariff, regularPrice: 10, tariff: { id: 'SOCIALTARIFF' } },
      ],
    });
    expectProblem(invalid, 400, 'body/invalid-data');
    expect(invalid.body.schemaErrors.map((e: Body) => e.jsonPointer)).toEqual(['/0/tariff/id', '/1/eventId']);
    expectProblem(
      await call('POST', '/uitpas/ticket-sales', { body: { not: 'an array' } }),
      400,
      'body/invalid-data',
    );
    expectProblem(await call('POST', '/uitpas/ticket-sales', { rawBody: '[{' }), 400, 'body/invalid-syntax');
    expectProblem(await call('POST', '/uitpas/ticket-sales'), 400, 'body/missing');
    // The deprecated tariffId is still accepted.
    const legacy = await call('POST', '/uitpas/ticket-sales', {
      body: [
        {
          uitpasNumber: PASSES.socialTariff,
          eventId: TEST_EVENT_ID,
          regularPrice: 10,
          tariffId: 'SOCIALTARIFF',
        },
      ],
    });
    expect(legacy.status).toBe(200);
  });

  it('searches sales by event with paging limits', async () => {
    await call('POST', '/uitpas/ticket-sales', {
      body: Array.from({ length: 3 }, () => sale(PASSES.guideGroup, TEST_EVENT_ID)),
    });
    const page = await get(`/uitpas/ticket-sales?eventId=${TEST_EVENT_ID}&limit=2`);
    expect(page.body.totalItems).toBe(3);
    expect(page.body.member).toHaveLength(2);
    expect(page.body.member[0].creationDate).toBe('2026-03-02T10:00:00Z');
    const passholderId = sandbox.state.getPassByNumber(PASSES.guideGroup)?.passholderId;
    const byHolder = await get(
      `/uitpas/ticket-sales?passholderId=${passholderId}&organizerId=${TEST_ORGANIZER_ID}`,
    );
    expect(byHolder.body.totalItems).toBe(3);
    expectProblem(
      await get(`/uitpas/ticket-sales?eventId=${TEST_EVENT_ID}&limit=501`),
      400,
      'url/query-limit-exceeded',
    );
    expectProblem(await get('/uitpas/ticket-sales'), 404, 'url/not-found');
    expectProblem(await get(`/uitpas/ticket-sales?eventId=${NO_PERMISSION_EVENT_ID}`), 403, 'auth/forbidden');
  });
});

describe('UiTPAS permissions, organizers and card systems', () => {
  it('lists the test organizer with permissionDetails and the deprecated permissions', async () => {
    const res = await get('/uitpas/permissions');
    expect(res.body).toHaveLength(1);
    const [entry] = res.body;
    expect(entry.organizer.id).toBe(TEST_ORGANIZER_ID);
    expect(entry.organizer.cardSystems.map((c: Body) => c.name)).toEqual(['UiTPAS Gent', 'Paspartoe']);
    expect(entry.permissions).toEqual([
      'TARIFFS_READ',
      'TICKETSALES_REGISTER',
      'TICKETSALES_SEARCH',
      'PASSES_READ',
      'PASSES_INSZNUMBERS_READ',
      'PASSES_CHIPNUMBERS_READ',
      'ORGANIZERS_SEARCH',
    ]);
    expect(entry.permissionDetails[0]).toEqual({
      id: 'TARIFFS_READ',
      label: { nl: 'Tarieven opvragen', en: 'Read tariffs' },
      cardSystemIds: [1, 2],
    });
  });

  it('asks PASSES_INSZNUMBERS_READ and PASSES_CHIPNUMBERS_READ of a pass read by INSZ or chip number', async () => {
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'PASSES_READ']);
    expect((await get(`/uitpas/passes?identifier=${PASSES.socialTariff}`)).status).toBe(200);
    expectProblem(await get('/uitpas/passes?identifier=36051380284'), 403, 'auth/forbidden');
    expectProblem(await get(`/uitpas/passes?identifier=${CHIPS.socialTariff}`), 403, 'auth/forbidden');
  });

  it('limits a permission to card systems: listed, and 403 for a pass of another card system', async () => {
    const granted = ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'PASSES_READ'] as const;
    // Paspartoe (2) only: the Gent (1) passes are outside it.
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, [...granted], {
      TARIFFS_READ: [2],
      TICKETSALES_REGISTER: [2],
    });
    const [entry] = (await get('/uitpas/permissions')).body;
    expect(entry.permissionDetails.map((d: Body) => [d.id, d.cardSystemIds])).toEqual([
      ['TARIFFS_READ', [2]],
      ['TICKETSALES_REGISTER', [2]],
      ['PASSES_READ', [1, 2]],
    ]);
    expectProblem(await tariffs(PASSES.socialTariff), 403, 'auth/forbidden');
    const refused = await call('POST', '/uitpas/ticket-sales', {
      body: [sale(PASSES.socialTariff, TEST_EVENT_ID)],
    });
    expectProblem(refused, 403, 'auth/forbidden');
    expect(refused.body.schemaErrors).toEqual([
      { jsonPointer: '/0/uitpasNumber', error: expect.any(String) },
    ]);
    expect(sandbox.state.activeTicketSales({ eventId: TEST_EVENT_ID })).toHaveLength(0);
    // A pass of the card system the permission covers gets past the check (and on to its own problem).
    expectProblem(await tariffs(PASSES.socialTariffExpiredBrussels), 400, 'uitpas/social-tariff-expired');

    sandbox.state.setPermissions(TEST_ORGANIZER_ID, [...granted], { TARIFFS_READ: [1] });
    expect((await tariffs(PASSES.socialTariff)).status).toBe(200);
    // Replacing the permissions drops the limits; reset does too.
    sandbox.state.setPermissions(TEST_ORGANIZER_ID, [...granted]);
    expect((await get('/uitpas/permissions')).body[0].permissionDetails[0].cardSystemIds).toEqual([1, 2]);
  });

  it('takes a card-system limit over the control plane', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/permissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organizerId: TEST_ORGANIZER_ID,
        permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
        cardSystemIds: { TARIFFS_READ: [2] },
      }),
    });
    expect(res.status).toBe(204);
    expectProblem(await tariffs(PASSES.socialTariff), 403, 'auth/forbidden');
    sandbox.reset();
    expect((await tariffs(PASSES.socialTariff)).status).toBe(200);
  });

  it('tells UiTPAS organizers apart', async () => {
    expect((await get(`/uitpas/organizers/${TEST_ORGANIZER_ID}`)).body.cardSystems).toHaveLength(2);
    expect((await get(`/uitpas/organizers/${NON_UITPAS_ORGANIZER_ID}`)).status).toBe(404);
    expectProblem(await get(`/uitpas/organizers/${OTHER_UITPAS_ORGANIZER_ID}`), 403, 'auth/forbidden');
  });

  it('returns event card systems, 404 for unknown events, and learns late events later', async () => {
    expect((await get(`/uitpas/events/${TEST_EVENT_ID}/card-systems`)).body).toEqual([
      { id: 1, name: 'UiTPAS Gent', enabled: true },
      { id: 2, name: 'Paspartoe', enabled: true },
    ]);
    expectProblem(
      await get(`/uitpas/events/${NOT_IN_UITPAS_EVENT_ID}/card-systems`),
      404,
      'uitpas/event-not-found',
    );
    expect(
      (await get(`/uitpas/events/${CARD_SYSTEMS_DISABLED_EVENT_ID}/card-systems`)).body.every(
        (c: Body) => !c.enabled,
      ),
    ).toBe(true);

    expect((await get(`/uitpas/events/${LATE_EVENT_ID}/card-systems`)).status).toBe(404);
    const before = (await get(`/entry/events/${LATE_EVENT_ID}`)).body;
    expect(before.hiddenLabels).toBeUndefined();
    clock += 1001;
    expect((await get(`/uitpas/events/${LATE_EVENT_ID}/card-systems`)).status).toBe(200);
    const after = (await get(`/entry/events/${LATE_EVENT_ID}`)).body;
    expect(after.hiddenLabels).toEqual(['UiTPAS Gent', 'Paspartoe']);
    expect(Date.parse(after.modified)).toBeGreaterThan(Date.parse(before.modified));
  });
});

describe('Entry API', () => {
  it('serves events without a token: organizer, labels, base price, optional UiTPAS prices', async () => {
    const res = await get(`/entry/events/${TEST_EVENT_ID}`, { token: null });
    expect(res.status).toBe(200);
    expect(res.body['@id']).toBe(`${sandbox.url}/entry/events/${TEST_EVENT_ID}`);
    expect(res.body.workflowStatus).toBe('APPROVED');
    expect(res.body.hiddenLabels).toEqual(['UiTPAS Gent', 'Paspartoe']);
    expect(res.body.organizer['@id']).toBe(`${sandbox.url}/entry/organizers/${TEST_ORGANIZER_ID}`);
    expect(res.body.organizer.hiddenLabels).toEqual(['UiTPAS Gent', 'Paspartoe']);
    expect(res.body.priceInfo).toEqual([
      expect.objectContaining({ category: 'base', price: 10, priceCurrency: 'EUR' }),
    ]);

    const withPrices = await get(`/entry/events/${TEST_EVENT_ID}?embedUitpasPrices=true`, { token: null });
    expect(
      withPrices.body.priceInfo.filter((p: Body) => p.category === 'uitpas').map((p: Body) => p.price),
    ).toEqual([2, 2]);
    expect((await get(`/entry/events/${NO_BASE_PRICE_EVENT_ID}`)).body.priceInfo).toBeUndefined();
    expect((await get(`/entry/events/${LEGACY_ID_EVENT_ID.toLowerCase()}`)).body['@id']).toContain(
      LEGACY_ID_EVENT_ID,
    );
  });

  it('404s unknown events with url/not-found, and needs a token for organizers', async () => {
    const missing = await get('/entry/events/00000000-0000-4000-8000-000000000000', { token: null });
    expectProblem(missing, 404, 'url/not-found');
    expect(missing.body.detail).toBe(
      'The resource with id "00000000-0000-4000-8000-000000000000" was not found.',
    );
    expectProblem(
      await get(`/entry/organizers/${TEST_ORGANIZER_ID}`, { token: null }),
      401,
      'auth/unauthorized',
    );
    const plain = await get(`/entry/organizers/${NON_UITPAS_ORGANIZER_ID}`);
    expect(plain.status).toBe(200);
    expect(plain.body.hiddenLabels).toBeUndefined();
  });

  it('creates events (DRAFT by default); published ones of UiTPAS organizers reach UiTPAS', async () => {
    const invalid = await call('POST', '/entry/events', { body: { mainLanguage: 'nl' } });
    expectProblem(invalid, 400, 'body/invalid-data');
    expect(invalid.body.schemaErrors[0]).toEqual({
      jsonPointer: '/',
      error: 'The required properties (name, terms, location, calendarType) are missing.',
    });
    const noSubEvent = await call('POST', '/entry/events', {
      body: newEvent({ calendarType: 'single', subEvent: undefined }),
    });
    expect(noSubEvent.body.schemaErrors[0].error).toContain('subEvent');
    expectProblem(
      await call('POST', '/entry/events', { token: null, body: newEvent() }),
      401,
      'auth/unauthorized',
    );

    const draft = await call('POST', '/entry/events', { body: newEvent() });
    expect(draft.status).toBe(201);
    expect(draft.body.url).toBe(`${sandbox.url}/entry/events/${draft.body.id}`);
    expect((await get(`/entry/events/${draft.body.id}`)).body.workflowStatus).toBe('DRAFT');
    expect((await get(`/uitpas/events/${draft.body.id}/card-systems`)).status).toBe(404);

    sandbox.state.uitpasRegistrationDelayMs = 5000;
    const published = await call('POST', '/entry/events', {
      body: newEvent({ workflowStatus: 'READY_FOR_VALIDATION' }),
    });
    const id = published.body.id;
    expect((await get(`/uitpas/events/${id}/card-systems`)).status).toBe(404);
    clock += 5000;
    expect((await get(`/uitpas/events/${id}/card-systems`)).status).toBe(200);
    expect((await tariffs(PASSES.socialTariff, id)).body.available[0].price).toBe(2);
    const read = (await get(`/entry/events/${id}`)).body;
    expect(read.hiddenLabels).toEqual(['UiTPAS Gent', 'Paspartoe']);
    expect(read.subEvent[0]).toMatchObject({ id: 0, startDate: '2026-06-01T18:00:00+00:00' });
    expect(read.availableTo).toBe('2026-06-01T22:00:00.000+00:00');
  });

  it('updates name, calendar and price info with 204 and bumps modified on every write', async () => {
    const modified = () => get(`/entry/events/${TEST_EVENT_ID}`).then((r) => Date.parse(r.body.modified));
    const m0 = await modified();
    expect(
      (await call('PUT', `/entry/events/${TEST_EVENT_ID}/name/fr`, { body: { name: 'Festivité' } })).status,
    ).toBe(204);
    const m1 = await modified();
    expect(m1).toBeGreaterThan(m0);
    expect((await get(`/entry/events/${TEST_EVENT_ID}`)).body.name).toEqual({
      nl: 'Permanente UiTPAS Test Festiviteit',
      fr: 'Festivité',
    });
    expectProblem(
      await call('PUT', `/entry/events/${TEST_EVENT_ID}/name/xx`, { body: { name: 'x' } }),
      404,
      'url/not-found',
    );

    expectProblem(
      await call('PUT', `/entry/events/${TEST_EVENT_ID}/calendar`, { body: { calendarType: 'periodic' } }),
      400,
      'body/invalid-data',
    );
    const calendar = {
      calendarType: 'periodic',
      startDate: '2026-01-01T00:00:00+01:00',
      endDate: '2026-12-31T23:00:00+01:00',
    };
    expect((await call('PUT', `/entry/events/${TEST_EVENT_ID}/calendar`, { body: calendar })).status).toBe(
      204,
    );
    const m2 = await modified();
    expect(m2).toBeGreaterThan(m1);

    const twoBases = [
      { category: 'base', price: 10 },
      { category: 'base', price: 12 },
    ];
    expectProblem(
      await call('PUT', `/entry/events/${TEST_EVENT_ID}/price-info`, { body: twoBases }),
      400,
      'body/invalid-data',
    );
    const prices = [
      { category: 'base', price: 12, priceCurrency: 'EUR' },
      { category: 'tariff', price: 8, name: { nl: 'Kinderen' } },
    ];
    expect((await call('PUT', `/entry/events/${TEST_EVENT_ID}/price-info`, { body: prices })).status).toBe(
      204,
    );
    const read = (await get(`/entry/events/${TEST_EVENT_ID}`)).body;
    expect(read.priceInfo.map((p: Body) => [p.category, p.price])).toEqual([
      ['base', 12],
      ['tariff', 8],
    ]);
    expect(Date.parse(read.modified)).toBeGreaterThan(m2);
  });

  it('refuses to change the organizer once the event has UiTPAS ticket sales', async () => {
    expect(
      (await call('PUT', `/entry/events/${LIMITED_EVENT_ID}/organizer/${NON_UITPAS_ORGANIZER_ID}`)).status,
    ).toBe(204);
    expect((await get(`/entry/events/${LIMITED_EVENT_ID}`)).body.organizer['@id']).toContain(
      NON_UITPAS_ORGANIZER_ID,
    );

    await call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, TEST_EVENT_ID)] });
    const refused = await call('PUT', `/entry/events/${TEST_EVENT_ID}/organizer/${NON_UITPAS_ORGANIZER_ID}`);
    expectProblem(refused, 400, 'uitdatabank/event-has-uitpas-ticket-sales');
    expect(refused.body.endUserMessage.nl).toBeTypeOf('string');
    expect((await call('PUT', `/entry/events/${TEST_EVENT_ID}/organizer/${TEST_ORGANIZER_ID}`)).status).toBe(
      204,
    );
    expectProblem(
      await call('PUT', `/entry/events/${TEST_EVENT_ID}/organizer/unknown-organizer`),
      404,
      'url/not-found',
    );
  });

  it('soft-deletes events', async () => {
    expect((await call('DELETE', `/entry/events/${TEST_EVENT_ID}`)).status).toBe(204);
    expect((await get(`/entry/events/${TEST_EVENT_ID}`)).body.workflowStatus).toBe('DELETED');
    expect((await get(`/search/events?id=${TEST_EVENT_ID}`)).body.totalItems).toBe(0);
    expect((await get(`/search/events?id=${TEST_EVENT_ID}&disableDefaultFilters=true`)).body.totalItems).toBe(
      1,
    );
    expectProblem(await tariffs(PASSES.socialTariff), 400, 'uitpas/event-not-found');
  });
});

function newEvent(overrides: Record<string, unknown> = {}) {
  return {
    mainLanguage: 'nl',
    name: { nl: 'Nieuw evenement' },
    calendarType: 'single',
    subEvent: [{ startDate: '2026-06-01T18:00:00+00:00', endDate: '2026-06-01T22:00:00+00:00' }],
    location: { '@id': `${sandbox.urls.entry}/places/${TEST_PLACE_ID}` },
    organizer: { '@id': `${sandbox.urls.entry}/organizers/${TEST_ORGANIZER_ID}` },
    terms: [{ id: '0.50.4.0.0' }],
    priceInfo: [{ category: 'base', price: 10, priceCurrency: 'EUR' }],
    ...overrides,
  };
}

describe('Search API', () => {
  const ids = (body: Body) => body.member.map((m: Body) => m['@id'].split('/').at(-1));
  const search = (query: string) => get(`/search/events?${query}&clientId=sandbox-client`, { token: null });

  it('refuses a search that does not say which client it is, as search.json’s security does', async () => {
    expectProblem(await get('/search/events?limit=1', { token: null }), 401, 'auth/unauthorized');
    expectProblem(
      await get('/search/events?limit=1&clientId=someone-else', { token: null }),
      401,
      'auth/unauthorized',
    );
    const byHeader = await fetch(`${sandbox.url}/search/events?limit=1`, {
      headers: { 'x-client-id': 'sandbox-client' },
    });
    expect(byHeader.status).toBe(200);
    expect((await get('/search/organizers?name=zonder')).status).toBe(200); // with a token
  });

  it('applies the default filters unless disabled', async () => {
    const res = await search('limit=50');
    expect(res.body).toMatchObject({ '@type': 'PagedCollection', itemsPerPage: 50, totalItems: 9 });
    expect(res.body['@context']).toBeTypeOf('string');
    expect(res.body.member[0]).toEqual({
      '@id': `${sandbox.url}/entry/events/${TEST_EVENT_ID}`,
      '@type': 'Event',
    });
    for (const hidden of [DRAFT_EVENT_ID, DELETED_EVENT_ID, PAST_EVENT_ID, MEMBERS_ONLY_EVENT_ID]) {
      expect(ids(res.body)).not.toContain(hidden);
    }
    expect((await search('disableDefaultFilters=true&limit=50')).body.totalItems).toBe(13);
    expect(ids((await search('workflowStatus=DRAFT&disableDefaultFilters=true')).body)).toEqual([
      DRAFT_EVENT_ID,
    ]);
  });

  it('filters on uitpas, organizerId, id and q', async () => {
    expect(ids((await search('uitpas=true')).body)).toEqual([
      TEST_EVENT_ID,
      LIMITED_EVENT_ID,
      NO_PERMISSION_EVENT_ID,
      NO_BASE_PRICE_EVENT_ID,
      LEGACY_ID_EVENT_ID,
    ]);
    expect((await search('uitpas=false')).body.totalItems).toBe(4);
    expect(ids((await search(`organizerId=${OTHER_UITPAS_ORGANIZER_ID}`)).body)).toEqual([
      NO_PERMISSION_EVENT_ID,
    ]);
    expect(ids((await search(`id=${LEGACY_ID_EVENT_ID}`)).body)).toEqual([LEGACY_ID_EVENT_ID]);
    const q = encodeURIComponent(
      `organizer.id:${OTHER_UITPAS_ORGANIZER_ID} OR organizer.id:${NON_UITPAS_ORGANIZER_ID}`,
    );
    expect(ids((await search(`q=${q}`)).body)).toEqual([
      NO_PERMISSION_EVENT_ID,
      NON_UITPAS_ORGANIZER_EVENT_ID,
    ]);
    const range = encodeURIComponent('modified:[2025-01-06T18:30:00+00:00 TO *]');
    expect(ids((await search(`q=${range}&disableDefaultFilters=true`)).body)).toEqual([
      LEGACY_ID_EVENT_ID,
      NON_UITPAS_ORGANIZER_EVENT_ID,
      PAST_EVENT_ID,
      MEMBERS_ONLY_EVENT_ID,
    ]);
    expectProblem(await search('q=organizer.id:(unclosed'), 404, 'url/not-found');
  });

  it('filters on modifiedFrom (inclusive, %2B-encoded) and sorts by modified/created', async () => {
    const from = encodeURIComponent('2025-01-06T19:00:00+01:00'); // = 18:00Z, the 9th fixture hour
    const res = await search(`modifiedFrom=${from}&disableDefaultFilters=true&sort[modified]=desc`);
    expect(ids(res.body)).toEqual([
      MEMBERS_ONLY_EVENT_ID,
      PAST_EVENT_ID,
      NON_UITPAS_ORGANIZER_EVENT_ID,
      LEGACY_ID_EVENT_ID,
      LATE_EVENT_ID,
    ]);
    // An unencoded "+" arrives as a space and is not a date.
    expectProblem(await search('modifiedFrom=2025-01-06T19:00:00+01:00'), 404, 'url/not-found');
    const created = await search('sort[created]=asc&limit=2');
    expect(ids(created.body)).toEqual([TEST_EVENT_ID, LIMITED_EVENT_ID]);

    sandbox.state.updateEvent(TEST_EVENT_ID, { name: { nl: 'Gewijzigd' } });
    const changed = await search(`modifiedFrom=${encodeURIComponent('2026-03-02T10:00:00Z')}&embed=true`);
    expect(changed.body.totalItems).toBe(1);
    expect(changed.body.member[0].name).toEqual({ nl: 'Gewijzigd' });
  });

  it('pages with start/limit and rejects out-of-range values with url/not-found', async () => {
    const page = await search('start=2&limit=2');
    expect(page.body.itemsPerPage).toBe(2);
    expect(ids(page.body)).toEqual([NO_PERMISSION_EVENT_ID, NO_BASE_PRICE_EVENT_ID]);
    const tooMany = await search('limit=2001');
    expectProblem(tooMany, 404, 'url/not-found');
    expect(tooMany.body.detail).toBe('The "limit" parameter should be between 0 and 2000');
    expectProblem(await search('start=10001'), 404, 'url/not-found');
    expectProblem(await search('sort[modified]=up'), 404, 'url/not-found');
  });

  it('seeds 10,000 events fast and pages through them by modified', async () => {
    const started = performance.now();
    const seeded = sandbox.state.seedEvents({ count: 10_000, modifiedFrom: '2026-01-01T00:00:00Z' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(seeded).toHaveLength(10_000);
    const query = [
      `organizerId=${TEST_ORGANIZER_ID}`,
      'uitpas=true',
      'sort[modified]=asc',
      'limit=2000',
      'disableDefaultFilters=true',
    ].join('&');
    const first = await search(query);
    // + the 6 seeded UiTPAS events of the test organizer that survive disableDefaultFilters (not DELETED).
    expect(first.body.totalItems).toBe(10_000 + 6);
    expect(first.body.member).toHaveLength(2000);
    const last = await search(`${query}&start=9000`);
    expect(ids(last.body).at(-1)).toBe(seeded.at(-1));
  });

  it('searches organizers by website, name and id', async () => {
    const byWebsite = await get('/search/organizers?website=http://uitpas-test-organisatie.be/');
    expect(byWebsite.body.totalItems).toBe(1);
    expect(byWebsite.body.member[0]['@id']).toBe(`${sandbox.url}/entry/organizers/${TEST_ORGANIZER_ID}`);
    expect((await get('/search/organizers?name=zonder')).body.totalItems).toBe(2);
    const embedded = await get(`/search/organizers?id=${NON_UITPAS_ORGANIZER_ID}&embed=true`);
    expect(embedded.body.member[0].name.nl).toBe('Cultuurcentrum Zonder UiTPAS');
  });
});

describe('routing', () => {
  it('answers unknown routes with url/not-found and wrong methods with method/not-allowed', async () => {
    expectProblem(await get('/uitpas/nope'), 404, 'url/not-found');
    const wrong = await call('PATCH', '/uitpas/ticket-sales');
    expectProblem(wrong, 405, 'method/not-allowed');
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });
});

describe('faults', () => {
  it('adds latency', async () => {
    sandbox.faults.add({ path: '/uitpas/permissions', kind: 'latency', ms: 150 });
    const started = performance.now();
    expect((await get('/uitpas/permissions')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('injects status codes a limited number of times, matching method and RegExp paths', async () => {
    const handle = sandbox.faults.add({
      method: 'GET',
      path: /^\/uitpas\//,
      kind: 'status',
      status: 503,
      times: 1,
    });
    const unavailable = await get('/uitpas/permissions');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toBe('text/html');
    expect(handle.hits).toBe(1);
    expect((await get('/uitpas/permissions')).status).toBe(200);

    sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 7,
    });
    expect((await get(`/uitpas/ticket-sales?eventId=${TEST_EVENT_ID}`)).status).toBe(200);
    const limited = await call('POST', '/uitpas/ticket-sales', {
      body: [sale(PASSES.socialTariff, TEST_EVENT_ID)],
    });
    expectProblem(limited, 429, 'uitpas/rate-limited');
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(sandbox.state.ticketSales()).toHaveLength(0);

    sandbox.faults.clear();
    const server = sandbox.faults.add({ path: '/entry/events/x', kind: 'status', status: 500 });
    expect((await get('/entry/events/x')).body.status).toBe(500);
    server.remove();
    expect((await get('/entry/events/x')).status).toBe(404);
  });

  it('timeout: never answers (the client gives up) and applies nothing', async () => {
    sandbox.faults.add({ path: '/uitpas/ticket-sales', kind: 'timeout', times: 1 });
    await expect(
      call('POST', '/uitpas/ticket-sales', {
        body: [sale(PASSES.socialTariff, TEST_EVENT_ID)],
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(sandbox.state.ticketSales()).toHaveLength(0);
    expect(sandbox.requests.all().at(-1)).toMatchObject({
      path: '/uitpas/ticket-sales',
      status: null,
      fault: 'timeout',
    });
  });

  it('drop: destroys the socket before applying', async () => {
    sandbox.faults.add({ path: '/uitpas/ticket-sales', kind: 'drop', times: 1 });
    await expect(
      call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, TEST_EVENT_ID)] }),
    ).rejects.toThrow();
    expect(sandbox.state.ticketSales()).toHaveLength(0);
  });

  it('dropAfterApply: the client sees a network error but the sale exists', async () => {
    sandbox.faults.add({ path: '/uitpas/ticket-sales', kind: 'dropAfterApply', times: 1 });
    await expect(
      call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, TEST_EVENT_ID)] }),
    ).rejects.toThrow();
    expect(sandbox.state.activeTicketSales()).toHaveLength(1);
    const found = await get(`/uitpas/ticket-sales?eventId=${TEST_EVENT_ID}`);
    expect(found.body.member[0].uitpasNumber).toBe(PASSES.socialTariff);
  });

  it('delayAfterApply: a client timeout after the sale was registered', async () => {
    sandbox.faults.add({ path: '/uitpas/ticket-sales', kind: 'delayAfterApply', ms: 400, times: 1 });
    await expect(
      call('POST', '/uitpas/ticket-sales', {
        body: [sale(PASSES.socialTariff, TEST_EVENT_ID)],
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    expect(sandbox.state.activeTicketSales()).toHaveLength(1);
  });

  it('close() finishes while a request hangs on a timeout fault', async () => {
    const other = await startSandbox();
    other.faults.add({ path: '/uitpas/permissions', kind: 'timeout' });
    const hanging = fetch(`${other.url}/uitpas/permissions`).catch((error: unknown) => error);
    while (other.requests.count('GET /uitpas/permissions') === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});

describe('/__sandbox control routes', () => {
  it('manages faults, tokens, the request log, ticket sales and reset over HTTP', async () => {
    const added = await call('POST', '/__sandbox/faults', {
      token: null,
      body: { path: '^/uitpas/per', regex: true, kind: 'status', status: 502, times: 1 },
    });
    expect(added.status).toBe(201);
    expect((await get('/__sandbox/faults', { token: null })).body).toHaveLength(1);
    expect((await get('/uitpas/permissions')).status).toBe(502);
    expect((await get('/__sandbox/faults', { token: null })).body).toHaveLength(0);
    sandbox.faults.add({ path: '/uitpas/permissions', kind: 'status', status: 500 });
    expect((await call('DELETE', '/__sandbox/faults', { token: null })).status).toBe(204);
    expect((await get('/uitpas/permissions')).status).toBe(200);
    expectProblem(
      await call('POST', '/__sandbox/faults', { token: null, body: { path: '/x', kind: 'explode' } }),
      400,
      'body/invalid-data',
    );

    const [registered] = (
      await call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.socialTariff, TEST_EVENT_ID)] })
    ).body;
    await call('POST', '/uitpas/ticket-sales', { body: [sale(PASSES.familySocialTariff, TEST_EVENT_ID)] });
    await call('DELETE', `/uitpas/ticket-sales/${registered.id}`);
    const sales = await get('/__sandbox/ticket-sales', { token: null });
    expect(sales.body.member.map((s: Body) => s.status)).toEqual(['CANCELLED', 'ACTIVE']);

    const log = await get('/__sandbox/requests', { token: null });
    expect(log.body.counts['POST /uitpas/ticket-sales']).toBe(2);
    expect(log.body.member.some((r: Body) => r.path.startsWith('/__sandbox'))).toBe(false);
    expect(sandbox.requests.count('DELETE /uitpas/ticket-sales/{ticketSaleId}')).toBe(1);

    expect((await call('POST', '/__sandbox/revoke-tokens', { token: null })).status).toBe(204);
    expectProblem(await get('/uitpas/permissions'), 401, 'auth/unauthorized');

    expect((await call('POST', '/__sandbox/reset', { token: null })).status).toBe(204);
    expect(sandbox.state.ticketSales()).toHaveLength(0);
    expect(sandbox.requests.all()).toHaveLength(0);
  });
});
