/**
 * registerTicketSales through its handler, against dynalite and the in-process sandbox with the real UiTPAS client
 * (300 ms timeouts). Every test counts the registrations that reached the sandbox: exactly the expected number.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { LIMITED_EVENT_ID, PASSES, TEST_EVENT_ID } from '@uitpas-ticketing/sandbox';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../lib/domain/access.js';
import { type Order, type OrderRequest, orderKey, requestHash } from '../lib/domain/ticket-sales/index.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler } from '../lib/handlers/register-ticket-sales.js';
import { logger } from '../lib/logger.js';
import type { TicketSalesDeps } from '../lib/use-cases/ticket-sales/deps.js';
import { apiEvent, lambdaContext } from '../test-support/api-event.js';
import {
  EVENTS,
  faultNextPost,
  KEY_DEMO,
  KEY_OTHER,
  minutesAhead,
  outcomeUnknown,
  type SaleLine,
  saleLine,
  searchDown,
  stalledRegistrations,
  startTicketSalesStack,
  TEST_PASS_HASH_KEY,
  type TicketSalesStack,
  ticketSalesApi,
  until,
} from '../test-support/ticket-sales-stack.js';

const SEARCH_SALES = 'GET /uitpas/ticket-sales';
const PROBLEM = 'urn:uitpas-ticketing:problem:';

let stack: TicketSalesStack;
let deps: Partial<TicketSalesDeps> = {};
const handler = createHandler(() => stack.deps(deps));
const {
  nextOrderId,
  register,
  get: getOrder,
  confirm,
  cancel,
} = ticketSalesApi({ register: handler, cancel: createCancelHandler(() => stack.deps(deps)) });

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'register' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  deps = {};
  await stack.fresh();
});

const line = (overrides: Partial<SaleLine> = {}) =>
  saleLine({ lineId: 'line-1', regularPriceLabel: 'Basistarief', quantity: 1, ...overrides });

const active = (filter: { eventId?: string; uitpasNumber?: string } = {}) =>
  stack.sandbox.state.activeTicketSales(filter);

describe('registering', () => {
  it('registers a social-tariff sale once and holds it, with the tariff UiTPAS gave and a masked pass', async () => {
    const orderId = nextOrderId();
    const started = Date.now();

    const response = await register({ orderId, lines: [line()] });

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({
      orderId,
      status: 'HELD',
      uitpasTicketTypeId: 'uitpas-kansentarief',
      lines: [
        {
          lineId: 'line-1',
          eventId: EVENTS.festival,
          status: 'HELD',
          uitpasNumber: '0900******513',
          tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2 },
          regularPrice: 10,
          quantity: 1,
          cancelledTicketSaleIds: [],
        },
      ],
    });
    const heldUntil = Date.parse(response.body.heldUntil);
    expect(heldUntil).toBeGreaterThanOrEqual(started + 30 * 60_000 - 1000);
    expect(heldUntil).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
    const sales = active({ uitpasNumber: PASSES.socialTariff });
    expect(sales.map((sale) => sale.id)).toEqual(response.body.lines[0].ticketSaleIds);
    expect(JSON.stringify(await stack.stored(orderId))).not.toContain(PASSES.socialTariff);
    expect((await getOrder(orderId)).body).toEqual(response.body);
  });

  it('answers the stored result to the same request again, without calling UiTPAS', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    const first = await register(body);

    const again = await register(body);
    // The same body with its keys in another order and the number written with spaces is the same request.
    const reordered = await register({
      lines: [{ ...line(), uitpasNumber: '0900 0000 67513' }].map((l) =>
        Object.fromEntries(Object.entries(l).reverse()),
      ),
      orderId,
    });

    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(reordered.statusCode).toBe(200);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('refuses the same orderId with another body with a 409, registering nothing more', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    const other = await register({ orderId, lines: [line({ regularPriceLabel: 'Ander label' })] });

    expect(other.statusCode).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}order-conflict`);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('registers once when five identical requests arrive at the same moment, and answers all the same order', async () => {
    const orderId = nextOrderId();
    faultNextPost(stack.sandbox, { kind: 'latency', ms: 100 });
    const body = { orderId, lines: [line()] };

    const responses = await Promise.all(Array.from({ length: 5 }, () => register(body)));

    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    for (const response of responses) expect(response.body).toEqual(responses[0]?.body);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('registers a group pass with quantity 3 as three sales, after checking what remains', async () => {
    const orderId = nextOrderId();

    const response = await register({
      orderId,
      lines: [line({ uitpasNumber: PASSES.groupSocialTariff, quantity: 3 })],
    });

    expect(response.statusCode).toBe(201);
    expect(response.body.lines[0]).toMatchObject({ quantity: 3, status: 'HELD' });
    expect(response.body.lines[0].ticketSaleIds).toHaveLength(3);
    expect(stack.sandbox.requests.count('GET /uitpas/tariffs')).toBe(1);
    expect(active({ uitpasNumber: PASSES.groupSocialTariff })).toHaveLength(3);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 3 });
  });

  it('refuses a quantity above 1 for an individual pass before registering anything', async () => {
    const response = await register({ orderId: nextOrderId(), lines: [line({ quantity: 2 })] });

    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}quantity-not-available`,
      lineId: 'line-1',
      requested: 2,
      remaining: 1,
      invalidParams: [{ pointer: '/lines/0/quantity' }],
    });
    expect(stack.counts()).toEqual({ posts: 0, total: 0, active: 0 });
  });

  it('registers a basket of several lines in one POST and maps the sales back to their lines', async () => {
    const orderId = nextOrderId();

    const response = await register({
      orderId,
      lines: [
        line({ lineId: 'a', uitpasNumber: PASSES.socialTariff }),
        line({ lineId: 'b', uitpasNumber: PASSES.groupSocialTariff, quantity: 2 }),
        line({ lineId: 'c', uitpasNumber: PASSES.socialTariffGentbrugge, eventId: EVENTS.limited }),
      ],
    });

    expect(response.statusCode).toBe(201);
    const [a, b, c] = response.body.lines;
    expect(active({ uitpasNumber: PASSES.socialTariff }).map((s) => s.id)).toEqual(a.ticketSaleIds);
    expect(active({ uitpasNumber: PASSES.groupSocialTariff }).map((s) => s.id)).toEqual(b.ticketSaleIds);
    expect(active({ eventId: LIMITED_EVENT_ID }).map((s) => s.id)).toEqual(c.ticketSaleIds);
    expect(b.ticketSaleIds).toHaveLength(2);
    expect(stack.counts()).toEqual({ posts: 1, total: 4, active: 4 });
  });
});

describe('refusals name the line', () => {
  it('the weekly-limit event refuses a second sale, with UiTPAS’s message and the lineId', async () => {
    const first = await register({
      orderId: nextOrderId(),
      lines: [line({ eventId: EVENTS.limited })],
    });
    const orderId = nextOrderId();

    const second = await register({
      orderId,
      lines: [
        line({ lineId: 'x', uitpasNumber: PASSES.socialTariffGentbrugge }),
        line({ lineId: 'limited', eventId: EVENTS.limited }),
      ],
    });

    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(422);
    expect(second.body).toMatchObject({
      type: `${PROBLEM}maximum-reached`,
      lineId: 'limited',
      invalidParams: [{ pointer: '/lines/1/tariffId' }],
      upstreamType: 'https://api.publiq.be/probs/uitpas/maximum-reached',
    });
    expect(second.body.endUserMessage.nl).toBeTruthy();
    expect(stack.counts()).toEqual({ posts: 2, total: 1, active: 1 });
    expect(active({ eventId: LIMITED_EVENT_ID })).toHaveLength(1);
    expect(active({ uitpasNumber: PASSES.socialTariffGentbrugge })).toHaveLength(0);
    expect((await getOrder(orderId)).body.status).toBe('REFUSED');
  });

  it.each([
    ['an id UiTPAS does not know', { tariffId: 'FREE' }],
    ['the social tariff for a pass without one', { uitpasNumber: PASSES.noSocialTariff }],
  ])(
    'a tariff UiTPAS does not offer (%s) is a 422 naming the line; the corrected order then goes through',
    async (_name, wrong) => {
      const orderId = nextOrderId();
      const good = line({ lineId: 'good', uitpasNumber: PASSES.socialTariffGentbrugge });

      const refused = await register({ orderId, lines: [good, line({ lineId: 'wrong', ...wrong })] });

      expect(refused.statusCode).toBe(422);
      expect(refused.body).toMatchObject({
        type: `${PROBLEM}tariff-not-offered`,
        lineId: 'wrong',
        invalidParams: [{ pointer: '/lines/1/tariffId' }],
        upstreamType: 'https://api.publiq.be/probs/body/invalid-data',
      });
      expect(refused.body.detail).toMatch(/POST \/v1\/tariffs/);
      expect((await getOrder(orderId)).body.status).toBe('REFUSED');
      expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });

      const corrected = await register({ orderId, lines: [good, line({ lineId: 'wrong' })] });

      expect(corrected.statusCode).toBe(201);
      expect(corrected.body).toMatchObject({
        orderId,
        status: 'HELD',
        lines: [{ lineId: 'good' }, { lineId: 'wrong', tariff: { id: 'SOCIALTARIFF' } }],
      });
      expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 2 });
      // The order now holds the corrected request: sending it again changes nothing, the first one is a conflict.
      expect((await register({ orderId, lines: [good, line({ lineId: 'wrong' })] })).statusCode).toBe(200);
      expect(
        (await register({ orderId, lines: [good, line({ lineId: 'wrong', ...wrong })] })).statusCode,
      ).toBe(409);
      expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 2 });
    },
  );

  it('keeps the request of an order whose outcome is unknown: another body is still a conflict', async () => {
    const orderId = nextOrderId();
    faultNextPost(stack.sandbox, { kind: 'timeout' });
    expect((await register({ orderId, lines: [line()] })).body.outcome).toBe('unknown');

    const other = await register({ orderId, lines: [line({ tariffId: 'FREE' })] });

    expect(other.statusCode).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}order-conflict`);
  });

  it('a refused order is tried again by the same request, since nothing was registered', async () => {
    const orderId = nextOrderId();
    const blocker = await register({ orderId: nextOrderId(), lines: [line({ eventId: EVENTS.limited })] });
    const body = { orderId, lines: [line({ eventId: EVENTS.limited })] };
    expect((await register(body)).statusCode).toBe(422);
    // The buyer of the first order walks away: its sale is cancelled at UiTPAS.
    stack.sandbox.state.cancelTicketSale(blocker.body.lines[0].ticketSaleIds[0]);

    const retried = await register(body);

    expect(retried.statusCode).toBe(201);
    expect(retried.body.status).toBe('HELD');
    // The blocker's sale (cancelled) and the retry's.
    expect(stack.counts()).toEqual({ posts: 3, total: 2, active: 1 });
    expect(active({ eventId: LIMITED_EVENT_ID })).toHaveLength(1);
  });

  it('a basket with one line our rules refuse registers nothing and names that line', async () => {
    const orderId = nextOrderId();

    const response = await register({
      orderId,
      lines: [
        line({ lineId: 'ok' }),
        line({ lineId: 'bad', eventId: EVENTS.notUitpas, uitpasNumber: PASSES.familySocialTariff }),
      ],
    });

    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}event-not-uitpas`,
      lineId: 'bad',
      invalidParams: [{ pointer: '/lines/1/eventId' }],
    });
    expect(stack.counts()).toEqual({ posts: 0, total: 0, active: 0 });
    expect((await getOrder(orderId)).statusCode).toBe(404);
  });

  it('a basket with one line UiTPAS refuses registers nothing (all or nothing) and names that line', async () => {
    const orderId = nextOrderId();
    const response = await register({
      orderId,
      lines: [line({ lineId: 'ok' }), line({ lineId: 'expired', uitpasNumber: PASSES.socialTariffExpired })],
    });

    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}social-tariff-expired`,
      lineId: 'expired',
      invalidParams: [{ pointer: '/lines/1/uitpasNumber' }],
    });
    expect(response.body.endUserMessage.nl).toBeTruthy();
    expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
    // UiTPAS's detail names the pass; what is stored of it is masked.
    const stored = await stack.stored(orderId);
    expect(stored?.lastError).toMatchObject({
      lineId: 'expired',
      detail: expect.stringContaining('0900******618'),
    });
    expect(JSON.stringify(stored)).not.toContain(PASSES.socialTariffExpired);
  });

  it('a price that is not the standard price, and a malformed pass, are refused per line before UiTPAS', async () => {
    const price = await register({
      orderId: nextOrderId(),
      lines: [line(), line({ lineId: 'two', regularPrice: 12 })],
    });
    const pass = await register({
      orderId: nextOrderId(),
      lines: [line({ lineId: 'p', uitpasNumber: '12-34' })],
    });
    const duplicate = await register({ orderId: nextOrderId(), lines: [line(), line()] });

    expect(price.statusCode).toBe(422);
    expect(price.body).toMatchObject({ type: `${PROBLEM}regular-price-mismatch`, lineId: 'two' });
    expect(price.body.invalidParams[0].pointer).toBe('/lines/1/regularPrice');
    expect(pass.statusCode).toBe(400);
    expect(pass.body).toMatchObject({ lineId: 'p', invalidParams: [{ pointer: '/lines/0/uitpasNumber' }] });
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.body.invalidParams.map((p: { pointer: string }) => p.pointer)).toContain(
      '/lines/1/lineId',
    );
    expect(stack.counts()).toEqual({ posts: 0, total: 0, active: 0 });
  });
});

describe('free text in a registration', () => {
  it.each([
    ['a NUL in the price label', { regularPriceLabel: 'Basis\u0000tarief' }, '/lines/0/regularPriceLabel'],
    ['an ESC in the price label', { regularPriceLabel: '\u001b[31mBasis' }, '/lines/0/regularPriceLabel'],
    ['a NUL after the tariff id', { tariffId: 'SOCIALTARIFF\u0000' }, '/lines/0/tariffId'],
  ])(
    'refuses %s before UiTPAS sees it, and the corrected order then goes through',
    async (_name, bad, pointer) => {
      const orderId = nextOrderId();
      const refused = await register({ orderId, lines: [line(bad)] });
      expect(refused.statusCode).toBe(400);
      expect(refused.body.invalidParams.map((param: { pointer: string }) => param.pointer)).toEqual([
        pointer,
      ]);
      expect(stack.counts().posts).toBe(0);
      expect((await getOrder(orderId)).statusCode).toBe(404);

      expect((await register({ orderId, lines: [line()] })).statusCode).toBe(201);
    },
  );
});

describe('lost answers', () => {
  it.each([
    ['a timeout', { kind: 'delayAfterApply', ms: 1000 }],
    ['a dropped connection', { kind: 'dropAfterApply' }],
  ] as const)(
    'after UiTPAS registered the sale (%s), reconciliation finds it: HELD, no second sale',
    async (_name, fault) => {
      const orderId = nextOrderId();
      faultNextPost(stack.sandbox, fault);

      const response = await register({
        orderId,
        lines: [line({ uitpasNumber: PASSES.groupSocialTariff, quantity: 2 })],
      });
      const replay = await register({
        orderId,
        lines: [line({ uitpasNumber: PASSES.groupSocialTariff, quantity: 2 })],
      });

      expect(response.statusCode).toBe(201);
      expect(response.body.status).toBe('HELD');
      expect(response.body.reconciliation).toMatchObject({ outcome: 'found' });
      expect(response.body.lines[0].ticketSaleIds).toEqual(active().map((sale) => sale.id));
      expect(replay.statusCode).toBe(200);
      expect(stack.counts()).toEqual({ posts: 1, total: 2, active: 2 });
      expect(stack.sandbox.requests.count(SEARCH_SALES)).toBeGreaterThanOrEqual(1);
    },
  );

  it.each([
    ['never answered', { kind: 'timeout' }],
    ['dropped before it was applied', { kind: 'drop' }],
  ] as const)(
    'when the POST was %s, nothing found is no proof until the grace is over; then the retry registers exactly once',
    async (_name, fault) => {
      const orderId = nextOrderId();
      const body = { orderId, lines: [line()] };
      faultNextPost(stack.sandbox, fault);

      const lost = await register(body);
      const tooEarly = await register(body);

      expect(lost.statusCode).toBe(503);
      expect(Number(lost.headers['Retry-After'])).toBeGreaterThan(200);
      expect(lost.body).toMatchObject({ type: `${PROBLEM}uitpas-unavailable`, outcome: 'unknown' });
      expect(tooEarly.statusCode).toBe(503);
      expect(tooEarly.body.outcome).toBe('unknown');
      expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
      const searchesBefore = stack.sandbox.requests.count(SEARCH_SALES);

      deps = minutesAhead(6);
      const retried = await register(body);

      expect(retried.statusCode).toBe(201);
      expect(retried.body.status).toBe('HELD');
      // The retry checked UiTPAS once more before posting again.
      expect(stack.sandbox.requests.count(SEARCH_SALES)).toBeGreaterThan(searchesBefore);
      expect(stack.counts()).toEqual({ posts: 2, total: 1, active: 1 });
    },
  );

  it('when neither the POST nor the search answers, the order is UNKNOWN; the next request reconciles and never posts again', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    const search = outcomeUnknown(stack.sandbox);

    const lost = await register(body);
    const stillDown = await register(body);
    const unknown = await getOrder(orderId);
    search.remove();
    const settled = await register(body);

    expect(lost.statusCode).toBe(503);
    expect(lost.body.outcome).toBe('unknown');
    expect(stillDown.statusCode).toBe(503);
    expect(stillDown.body.outcome).toBe('unknown');
    expect(unknown.body).toMatchObject({
      status: 'UNKNOWN',
      reconciliation: { reason: 'uitpas-unreachable' },
    });
    expect(settled.statusCode).toBe(200);
    expect(settled.body).toMatchObject({ status: 'HELD', reconciliation: { outcome: 'found' } });
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('when UiTPAS says it is too busy (429, not applied), it answers 503 without searching, and the retry registers', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    faultNextPost(stack.sandbox, { kind: 'status', status: 429 });

    const busy = await register(body);
    const retried = await register(body);

    expect(busy.statusCode).toBe(503);
    expect(busy.body.outcome).toBe('not-sent');
    expect(stack.sandbox.requests.count(SEARCH_SALES)).toBe(0);
    expect(retried.statusCode).toBe(201);
    expect(stack.counts()).toEqual({ posts: 2, total: 1, active: 1 });
  });
});

describe('a POST UiTPAS applies late', () => {
  it('is not taken for "nothing registered" while it may still be applied: no second POST, and found once it is', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    // UiTPAS applies the sale 1.5 s after it got it; the client gave up after 300 ms.
    faultNextPost(stack.sandbox, { kind: 'latency', ms: 1500 });

    const lost = await register(body);
    const early = await register(body);
    const countsBefore = stack.counts();
    await until(() => stack.sandbox.state.ticketSales().length > 0);
    const settled = await register(body);

    expect(lost.statusCode).toBe(503);
    expect(lost.body.outcome).toBe('unknown');
    expect(lost.body.detail).not.toMatch(/nothing was registered/);
    // Retry-After covers the rest of the grace a late POST gets.
    expect(Number(lost.headers['Retry-After'])).toBeGreaterThan(200);
    expect(early.statusCode).toBe(503);
    expect(early.body.outcome).toBe('unknown');
    expect(countsBefore).toEqual({ posts: 1, total: 0, active: 0 });
    expect(settled.statusCode).toBe(200);
    expect(settled.body).toMatchObject({ status: 'HELD', reconciliation: { outcome: 'found' } });
    expect(settled.body.lines[0].ticketSaleIds).toEqual(active().map((sale) => sale.id));
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('a cancellation asked while the outcome was unknown stops the next identical request from posting', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    faultNextPost(stack.sandbox, { kind: 'timeout' });
    const search = searchDown(stack.sandbox);

    const lost = await register(body);
    const cancelled = await cancel(orderId);
    search.remove();
    deps = minutesAhead(6);
    const again = await register(body);

    expect(lost.statusCode).toBe(503);
    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('UNKNOWN');
    // Nothing was registered (the grace is over): the order is closed, as the client asked, without a POST.
    expect(again.statusCode).toBe(200);
    expect(again.body.status).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
  });

  it('a sale UiTPAS applies after the order was closed is recorded as orphaned and cancelled, with an alarm', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    const errors = vi.spyOn(logger, 'error');
    // The POST is on its way far longer than any lease (a stuck connection): it reaches UiTPAS only when released.
    const stalled = stalledRegistrations(stack.uitpas);
    deps = { uitpas: stalled.uitpas };
    const pending = register(body);
    await until(async () => (await stack.status(orderId)) === 'REGISTERING');
    // Ten minutes later, past the lease and the grace, the buyer cancels: nothing is found, the order is closed.
    deps = minutesAhead(10);
    const cancelled = await cancel(orderId);
    deps = {};
    stalled.release();
    const late = await pending;
    const stored = await stack.stored(orderId);

    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(late.statusCode).toBe(200);
    expect(stored?.orphanedSales?.map((sale) => sale.ticketSaleId)).toEqual(
      stack.sandbox.state.ticketSales().map((sale) => sale.id),
    );
    expect(errors).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ alarm: 'ticket-sale-orphaned', orderId: orderKey(KEY_DEMO, orderId) }),
    );
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
    errors.mockRestore();
  });
});

describe('the lease', () => {
  it('covers the rest of the invocation plus a margin, however long the token, the POST and a 401 retry take', async () => {
    const orderId = nextOrderId();
    const stalled = stalledRegistrations(stack.uitpas);
    deps = { uitpas: stalled.uitpas };
    const pending = handler(
      apiEvent({
        method: 'POST',
        route: '/v1/ticket-sales',
        body: { orderId, lines: [line()] },
        principal: KEY_DEMO,
      }),
      { ...lambdaContext(), getRemainingTimeInMillis: () => 20_000 },
    );
    await until(async () => (await stack.status(orderId)) === 'REGISTERING');
    const attempt = (await stack.stored(orderId))?.attempt;
    stalled.release();
    const response = await pending;

    const lease = Date.parse(attempt?.leaseUntil ?? '') - Date.parse(attempt?.startedAt ?? '');
    expect(lease).toBeGreaterThan(24_000);
    expect(lease).toBeLessThanOrEqual(25_000);
    expect(response.statusCode).toBe(201);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });
});

describe('the stored pass', () => {
  it('is keyed: its hash cannot be found back from the order id by trying every number', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    const hash = (await stack.stored(orderId))?.lines[0]?.uitpasNumberHash ?? '';
    // Keyed by the order as the service knows it: in the namespace of its client.
    const key = orderKey(KEY_DEMO, orderId);
    const plain = createHash('sha256').update(`${key}:${PASSES.socialTariff}`).digest('hex');
    const keyed = createHmac('sha256', TEST_PASS_HASH_KEY)
      .update(`${key}:${PASSES.socialTariff}`)
      .digest('hex');

    expect(hash).not.toContain(plain);
    expect(hash).toContain(keyed);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });
});

describe('confirming and scoping', () => {
  it('confirms a held order, and confirming again changes nothing', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    const confirmed = await confirm(orderId);
    const again = await confirm(orderId);

    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', lines: [{ status: 'CONFIRMED' }] });
    expect(confirmed.body.confirmedAt).toBeTruthy();
    expect(again.body).toEqual(confirmed.body);
    expect((await getOrder(orderId)).body.status).toBe('CONFIRMED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('refuses to confirm an order nothing was registered for', async () => {
    const orderId = nextOrderId();
    faultNextPost(stack.sandbox, { kind: 'status', status: 429 });
    await register({ orderId, lines: [line()] });

    const response = await confirm(orderId);

    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ type: `${PROBLEM}order-not-held`, orderStatus: 'REFUSED' });
    expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
  });

  it('refuses a confirm after heldUntil, before the sweep came by, and leaves the order to the sweep', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    deps = minutesAhead(31);
    const late = await confirm(orderId);

    expect(late.statusCode).toBe(409);
    expect(late.body).toMatchObject({ type: `${PROBLEM}order-not-held`, orderStatus: 'HELD' });
    expect(late.body.detail).toMatch(/hold ended at .*sweep cancels/);
    deps = {};
    expect((await getOrder(orderId)).body).toMatchObject({ status: 'HELD', confirmedAt: null });
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('refuses a confirm that carries a body, and confirms nothing', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    const withBody = await confirm(orderId, undefined, { orderId, paid: true });

    expect(withBody.statusCode).toBe(400);
    expect(withBody.body.type).toBe(`${PROBLEM}body-not-allowed`);
    expect((await getOrder(orderId)).body.status).toBe('HELD');
  });

  it('keeps order ids in the namespace of their client: the same id from two clients is two orders', async () => {
    const WEBSHOP: Principal = { ...KEY_DEMO, keyId: 'key-webshop', clientName: 'webshop' };
    const orderId = nextOrderId();

    const boxOffice = await register({ orderId, lines: [line()] });
    const webshop = await register(
      { orderId, lines: [line({ uitpasNumber: PASSES.socialTariffGentbrugge })] },
      WEBSHOP,
    );

    expect(boxOffice.statusCode).toBe(201);
    expect(webshop.statusCode).toBe(201);
    expect(webshop.body.orderId).toBe(orderId);
    expect(webshop.body.lines[0].ticketSaleIds).not.toEqual(boxOffice.body.lines[0].ticketSaleIds);
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 2 });

    // Each sees, confirms and cancels its own order only.
    expect((await getOrder(orderId, WEBSHOP)).body.lines[0].uitpasNumber).toBe(
      webshop.body.lines[0].uitpasNumber,
    );
    expect((await confirm(orderId)).body.status).toBe('CONFIRMED');
    expect((await getOrder(orderId, WEBSHOP)).body.status).toBe('HELD');
    expect((await cancel(orderId, { principal: WEBSHOP })).body.status).toBe('CANCELLED');
    expect((await getOrder(orderId)).body.status).toBe('CONFIRMED');
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 1 });

    // An id only the other client used is unknown here: a 404, the same as an id nobody used.
    const onlyBoxOffice = nextOrderId();
    await register({ orderId: onlyBoxOffice, lines: [line({ uitpasNumber: PASSES.familySocialTariff })] });
    expect((await getOrder(onlyBoxOffice, WEBSHOP)).body.type).toBe(`${PROBLEM}order-not-found`);
  });

  it('still finds an order stored before order ids had a namespace, for its own client only', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });
    // As it was stored before: under the plain id.
    const stored = (await stack.stored(orderId)) as Order;
    const plainRequest = { orderId, lines: [line()] } as OrderRequest;
    await stack.orders.save({ ...stored, orderId, requestHash: requestHash(plainRequest), version: 1 });
    await stack.table.doc.send(
      new DeleteCommand({
        TableName: stack.table.name,
        Key: { pk: `ORDER#${orderKey(KEY_DEMO, orderId)}`, sk: 'ORDER' },
      }),
    );

    const WEBSHOP: Principal = { ...KEY_DEMO, keyId: 'key-webshop', clientName: 'webshop' };
    expect((await getOrder(orderId, WEBSHOP)).statusCode).toBe(404);
    expect((await getOrder(orderId)).body).toMatchObject({ orderId, status: 'HELD' });
    expect((await confirm(orderId)).body.status).toBe('CONFIRMED');
    expect((await register({ orderId, lines: [line()] })).statusCode).toBe(200);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('refuses a line on an event whose organizer is not verified, before anything reaches UiTPAS', async () => {
    const orderId = nextOrderId();
    const refused = await register({
      orderId,
      lines: [line(), line({ lineId: 'line-2', eventId: EVENTS.unverified })],
    });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({ type: `${PROBLEM}organizer-unverified`, lineId: 'line-2' });
    expect(stack.counts()).toEqual({ posts: 0, total: 0, active: 0 });
  });

  it('keeps orders to the keys of their organisations', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    expect((await getOrder(orderId, KEY_OTHER)).statusCode).toBe(404);
    expect((await confirm(orderId, KEY_OTHER)).statusCode).toBe(404);
    expect((await cancel(orderId, { principal: KEY_OTHER })).statusCode).toBe(404);
    // Another client's orderId is its own: no conflict that would tell it the id exists (here its key may not sell
    // this organisation's event, so the line is refused).
    const reuse = await register({ orderId, lines: [line()] }, KEY_OTHER);
    expect(reuse.body).toMatchObject({ type: `${PROBLEM}event-not-found`, lineId: 'line-1' });
    const foreignEvent = await register({
      orderId: nextOrderId(),
      lines: [line({ eventId: EVENTS.otherOrganisation })],
    });
    expect(foreignEvent.statusCode).toBe(404);
    expect(foreignEvent.body).toMatchObject({ type: `${PROBLEM}event-not-found`, lineId: 'line-1' });
    expect((await getOrder('no-such-order')).statusCode).toBe(404);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
    expect(active({ eventId: TEST_EVENT_ID })).toHaveLength(1);
  });
});

describe('the example events in events/', () => {
  const example = (path: string) =>
    JSON.parse(readFileSync(new URL(`../events/${path}`, import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
  const run = async (path: string, target: typeof handler = handler) => {
    const response = await target(example(path), lambdaContext());
    return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
  };

  it('show each scenario as the README describes it', async () => {
    const cancel = createCancelHandler(() => stack.deps());
    expect((await run('register-ticket-sales/register.json')).statusCode).toBe(201);
    expect((await run('register-ticket-sales/register.json')).statusCode).toBe(200);
    expect((await run('register-ticket-sales/register-conflict.json')).body.type).toBe(
      `${PROBLEM}order-conflict`,
    );
    expect((await run('register-ticket-sales/get.json')).body.status).toBe('HELD');
    expect((await run('register-ticket-sales/confirm.json')).body.status).toBe('CONFIRMED');
    expect((await run('cancel-ticket-sales/cancel.json', cancel)).body.status).toBe('CANCELLED');
    expect(
      (await run('register-ticket-sales/register-group-pass.json')).body.lines[0].ticketSaleIds,
    ).toHaveLength(3);
    expect((await run('register-ticket-sales/register-basket.json')).statusCode).toBe(201);
    expect(
      (await run('cancel-ticket-sales/cancel-line.json', cancel)).body.lines.map(
        (l: { status: string }) => l.status,
      ),
    ).toEqual(['HELD', 'CANCELLED']);
    expect((await run('register-ticket-sales/register-weekly-limit.json')).statusCode).toBe(201);
    const again = await run('register-ticket-sales/register-weekly-limit-again.json');
    expect(again.body).toMatchObject({ type: `${PROBLEM}maximum-reached`, lineId: 'line-1' });
    expect((await run('register-ticket-sales/register-expired-line.json')).body).toMatchObject({
      type: `${PROBLEM}social-tariff-expired`,
      lineId: 'line-2',
    });
    expect((await run('register-ticket-sales/register-quantity-too-high.json')).body.type).toBe(
      `${PROBLEM}quantity-not-available`,
    );
    // Registered: the order, the group pass (3), the basket (2), the weekly-limit event; refused: its second sale and
    // the expired line's basket (all or nothing). Cancelled: the first order and one line of the basket.
    expect(stack.counts()).toEqual({ posts: 6, total: 7, active: 5 });
  });
});
