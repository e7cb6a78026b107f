/**
 * registerTicketSales through its handler, against dynalite and the in-process sandbox with the real UiTPAS client
 * (300 ms timeouts). Every test counts the registrations that reached the sandbox: exactly the expected number.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../lib/domain/access.js';
import type { TicketSalesDeps } from '../lib/ticket-sales/deps.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  KEY_OTHER,
  startTicketSalesStack,
  type TicketSalesStack,
} from '../lib/ticket-sales/test-stack.js';
import { lambdaContext } from '../local/api-event.js';
import { LIMITED_EVENT_ID, PASSES, TEST_EVENT_ID } from '../local/sandbox/index.js';
import { createHandler as createCancelHandler } from './cancel-ticket-sales.js';
import { createHandler } from './register-ticket-sales.js';

const POST_SALES = 'POST /uitpas/ticket-sales';
const SEARCH_SALES = 'GET /uitpas/ticket-sales';
const PROBLEM = 'urn:uitpas-ticketing:problem:';

let stack: TicketSalesStack;
let deps: Partial<TicketSalesDeps> = {};
const handler = createHandler(() => stack.deps(deps));
let orderNumber = 0;
const nextOrderId = () => `order-${++orderNumber}`;

beforeAll(async () => {
  stack = await startTicketSalesStack({ tablePrefix: 'register' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  deps = {};
  await stack.fresh();
});

interface LineInput {
  lineId?: string;
  eventId?: string;
  uitpasNumber?: string;
  tariffId?: string;
  regularPrice?: number;
  regularPriceLabel?: string;
  quantity?: number;
}

const line = (overrides: LineInput = {}) => ({
  lineId: 'line-1',
  eventId: EVENTS.festival,
  uitpasNumber: PASSES.socialTariff,
  tariffId: 'SOCIALTARIFF',
  regularPrice: 10,
  regularPriceLabel: 'Basistarief',
  quantity: 1,
  ...overrides,
});

const register = (body: unknown, principal: Principal = KEY_DEMO) =>
  call(handler, principal, { method: 'POST', route: '/v1/ticket-sales', body });
const getOrder = (orderId: string, principal: Principal = KEY_DEMO) =>
  call(handler, principal, {
    method: 'GET',
    route: '/v1/ticket-sales/{orderId}',
    pathParameters: { orderId },
  });
const confirm = (orderId: string, principal: Principal = KEY_DEMO) =>
  call(handler, principal, {
    method: 'POST',
    route: '/v1/ticket-sales/{orderId}/confirm',
    pathParameters: { orderId },
  });

const posts = () => stack.sandbox.requests.count(POST_SALES);
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
    expect(posts()).toBe(1);
    const sales = active({ uitpasNumber: PASSES.socialTariff });
    expect(sales.map((sale) => sale.id)).toEqual(response.body.lines[0].ticketSaleIds);
    expect(JSON.stringify(await stack.orders.get(orderId))).not.toContain(PASSES.socialTariff);
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
    expect(posts()).toBe(1);
    expect(active()).toHaveLength(1);
  });

  it('refuses the same orderId with another body with a 409, registering nothing more', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    const other = await register({ orderId, lines: [line({ regularPriceLabel: 'Ander label' })] });

    expect(other.statusCode).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}order-conflict`);
    expect(posts()).toBe(1);
    expect(active()).toHaveLength(1);
  });

  it('registers once when five identical requests arrive at the same moment, and answers all the same order', async () => {
    const orderId = nextOrderId();
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'latency',
      ms: 100,
      times: 1,
    });
    const body = { orderId, lines: [line()] };

    const responses = await Promise.all(Array.from({ length: 5 }, () => register(body)));

    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    for (const response of responses) expect(response.body).toEqual(responses[0]?.body);
    expect(posts()).toBe(1);
    expect(active()).toHaveLength(1);
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
    expect(posts()).toBe(1);
    expect(active({ uitpasNumber: PASSES.groupSocialTariff })).toHaveLength(3);
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
    expect(posts()).toBe(0);
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
    expect(posts()).toBe(1);
    expect(active({ uitpasNumber: PASSES.socialTariff }).map((s) => s.id)).toEqual(a.ticketSaleIds);
    expect(active({ uitpasNumber: PASSES.groupSocialTariff }).map((s) => s.id)).toEqual(b.ticketSaleIds);
    expect(active({ eventId: LIMITED_EVENT_ID }).map((s) => s.id)).toEqual(c.ticketSaleIds);
    expect(b.ticketSaleIds).toHaveLength(2);
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
    expect(posts()).toBe(2);
    expect(active({ eventId: LIMITED_EVENT_ID })).toHaveLength(1);
    expect(active({ uitpasNumber: PASSES.socialTariffGentbrugge })).toHaveLength(0);
    expect((await getOrder(orderId)).body.status).toBe('REFUSED');
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
    expect(posts()).toBe(3);
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
    expect(posts()).toBe(0);
    expect(active()).toHaveLength(0);
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
    expect(posts()).toBe(1);
    expect(active()).toHaveLength(0);
    // UiTPAS's detail names the pass; what is stored of it is masked.
    const stored = await stack.orders.get(orderId);
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
    expect(posts()).toBe(0);
  });
});

describe('lost answers', () => {
  it.each([
    ['a timeout', { kind: 'delayAfterApply', ms: 1000 }],
    ['a dropped connection', { kind: 'dropAfterApply' }],
  ] as const)(
    'after UiTPAS registered the sale (%s), reconciliation finds it: HELD, no second sale',
    async (_name, fault) => {
      const orderId = nextOrderId();
      stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', times: 1, ...fault });

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
      expect(posts()).toBe(1);
      expect(active()).toHaveLength(2);
      expect(stack.sandbox.requests.count(SEARCH_SALES)).toBeGreaterThanOrEqual(1);
    },
  );

  it.each([
    ['never answered', { kind: 'timeout' }],
    ['dropped before it was applied', { kind: 'drop' }],
  ] as const)(
    'when the POST was %s, reconciliation finds nothing: 503, and the retry registers exactly once',
    async (_name, fault) => {
      const orderId = nextOrderId();
      const body = { orderId, lines: [line()] };
      stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', times: 1, ...fault });

      const lost = await register(body);

      expect(lost.statusCode).toBe(503);
      expect(lost.headers['Retry-After']).toBe('5');
      expect(lost.body).toMatchObject({ type: `${PROBLEM}uitpas-unavailable`, outcome: 'not-registered' });
      expect(active()).toHaveLength(0);
      const searchesBefore = stack.sandbox.requests.count(SEARCH_SALES);

      const retried = await register(body);

      expect(retried.statusCode).toBe(201);
      expect(retried.body.status).toBe('HELD');
      // The retry checked UiTPAS once more before posting again.
      expect(stack.sandbox.requests.count(SEARCH_SALES)).toBeGreaterThan(searchesBefore);
      expect(posts()).toBe(2);
      expect(active()).toHaveLength(1);
    },
  );

  it('when neither the POST nor the search answers, the order is UNKNOWN; the next request reconciles and never posts again', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'delayAfterApply',
      ms: 1000,
      times: 1,
    });
    const search = stack.sandbox.faults.add({
      method: 'GET',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 503,
    });

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
    expect(posts()).toBe(1);
    expect(active()).toHaveLength(1);
  });

  it('when UiTPAS says it is too busy (429, not applied), it answers 503 without searching, and the retry registers', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line()] };
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 429,
      times: 1,
    });

    const busy = await register(body);
    const retried = await register(body);

    expect(busy.statusCode).toBe(503);
    expect(busy.body.outcome).toBe('not-sent');
    expect(stack.sandbox.requests.count(SEARCH_SALES)).toBe(0);
    expect(retried.statusCode).toBe(201);
    expect(posts()).toBe(2);
    expect(active()).toHaveLength(1);
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
    expect(posts()).toBe(1);
  });

  it('refuses to confirm an order nothing was registered for', async () => {
    const orderId = nextOrderId();
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 429,
      times: 1,
    });
    await register({ orderId, lines: [line()] });

    const response = await confirm(orderId);

    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ type: `${PROBLEM}order-not-held`, orderStatus: 'REFUSED' });
    expect(posts()).toBe(1);
  });

  it('keeps orders to the keys of their organisations', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line()] });

    expect((await getOrder(orderId, KEY_OTHER)).statusCode).toBe(404);
    expect((await confirm(orderId, KEY_OTHER)).statusCode).toBe(404);
    const reuse = await register({ orderId, lines: [line()] }, KEY_OTHER);
    expect(reuse.statusCode).toBe(409);
    const foreignEvent = await register({
      orderId: nextOrderId(),
      lines: [line({ eventId: EVENTS.otherOrganisation })],
    });
    expect(foreignEvent.statusCode).toBe(404);
    expect(foreignEvent.body).toMatchObject({ type: `${PROBLEM}event-not-found`, lineId: 'line-1' });
    expect((await getOrder('no-such-order')).statusCode).toBe(404);
    expect(posts()).toBe(1);
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
  });
});
