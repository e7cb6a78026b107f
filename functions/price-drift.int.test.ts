/**
 * The price-drift guard through registerTicketSales's handler, against dynalite and the in-process sandbox with the
 * real UiTPAS client: a line's `chargedPrice` against the price UiTPAS registers (the sandbox registers the social
 * tariff at 20% of the regular price: 2 EUR for 10). Refused by default, with every sale of the order cancelled at
 * the sandbox (by the sweep when UiTPAS cannot take it at once); flagged when configured so. Every test counts what
 * reached the sandbox.
 */
import { PASSES } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUitpasClient } from '../lib/adapters/uitpas/client.js';
import { orderKey } from '../lib/domain/ticket-sales/index.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler } from '../lib/handlers/register-ticket-sales.js';
import { createHandler as createSweepHandler } from '../lib/handlers/sweep-held-sales.js';
import { logger } from '../lib/logger.js';
import { metrics } from '../lib/metrics.js';
import type { TicketSalesDeps } from '../lib/use-cases/ticket-sales/deps.js';
import { lambdaContext } from '../test-support/api-event.js';
import { type FaultProxy, startFaultProxy } from '../test-support/fault-proxy.js';
import {
  cancellationsDown,
  faultNextPost,
  KEY_DEMO,
  minutesAhead,
  saleLine,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

const PROBLEM = 'urn:uitpas-ticketing:problem:';
const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';

let stack: TicketSalesStack;
let proxy: FaultProxy;
let deps: Partial<TicketSalesDeps> = {};
const handler = createHandler(() => stack.deps(deps));
const { nextOrderId, register, get, confirm } = ticketSalesApi({
  register: handler,
  cancel: createCancelHandler(() => stack.deps(deps)),
});

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'price-drift' });
  proxy = await startFaultProxy(stack.sandbox.url);
});
afterAll(async () => {
  await proxy.close();
  await stack.close();
});
beforeEach(async () => {
  deps = {};
  await stack.fresh();
});

/** A social-tariff line for the festival (10 EUR, registered at 2), with what the till charged. */
const line = (chargedPrice?: number, overrides: Parameters<typeof saleLine>[0] = {}) => ({
  ...saleLine({ lineId: 'line-1', quantity: 1, ...overrides }),
  ...(chargedPrice === undefined ? {} : { chargedPrice }),
});
const sweepAt = (minutes: number) =>
  createSweepHandler(() => stack.deps(minutesAhead(minutes)))({}, lambdaContext('sweepHeldSales'));
/** Every `PriceDrifts` counted from now on. */
const priceDriftsCounted = () => {
  const added = vi.spyOn(metrics, 'addMetric');
  return () =>
    added.mock.calls.filter(([name]) => name === 'PriceDrifts').reduce((sum, [, , value]) => sum + value, 0);
};

afterAll(() => vi.restoreAllMocks());

describe('without a drift', () => {
  it('a line without chargedPrice registers as before, showing the price UiTPAS registered', async () => {
    const counted = priceDriftsCounted();
    const orderId = nextOrderId();

    const response = await register({ orderId, lines: [line()] });

    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({
      status: 'HELD',
      lines: [{ status: 'HELD', tariff: { id: 'SOCIALTARIFF', price: 2 }, registeredPrice: 2 }],
    });
    expect(response.body.lines[0]).not.toHaveProperty('chargedPrice');
    expect(response.body.lines[0]).not.toHaveProperty('priceDrift');
    expect(response.body).not.toHaveProperty('priceDriftRefusedAt');
    expect(counted()).toBe(0);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('a chargedPrice UiTPAS registered passes: HELD, replayed as stored', async () => {
    const counted = priceDriftsCounted();
    const body = { orderId: nextOrderId(), lines: [line(2)] };

    const response = await register(body);
    const replay = await register(body);

    expect(response.statusCode).toBe(201);
    expect(response.body.lines[0]).toMatchObject({ status: 'HELD', chargedPrice: 2, registeredPrice: 2 });
    expect(response.body.lines[0]).not.toHaveProperty('priceDrift');
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toEqual(response.body);
    expect(counted()).toBe(0);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('a chargedPrice is part of the request: another one under the same orderId is a 409', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line(2)] });

    const other = await register({ orderId, lines: [line(2.5)] });

    expect(other.statusCode).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}order-conflict`);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });
});

describe('a drift, refused (the default)', () => {
  it('is a 422 naming the line, the order’s sale cancelled at UiTPAS; the same request again answers the same', async () => {
    const counted = priceDriftsCounted();
    const warnings = vi.spyOn(logger, 'warn');
    const orderId = nextOrderId();
    const body = { orderId, lines: [line(3)] };

    const refused = await register(body);
    const replay = await register(body);
    const stored = await stack.stored(orderId);

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}price-drift`,
      status: 422,
      lineId: 'line-1',
      chargedPrice: 3,
      registeredPrice: 2,
      invalidParams: [{ pointer: '/lines/0/chargedPrice' }],
      priceDrifts: [{ lineId: 'line-1', charged: 3, registered: 2 }],
    });
    expect(refused.body.endUserMessage.nl).toBeTruthy();
    // The sale UiTPAS registered is gone: nothing stays registered.
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(1);
    expect(stored).toMatchObject({ status: 'CANCELLED', priceDriftRefusedAt: expect.any(String) });
    expect(stored?.lines[0]).toMatchObject({
      status: 'CANCELLED',
      chargedPrice: 3,
      registeredPrice: 2,
      priceDrift: { charged: 3, registered: 2 },
    });
    expect(stored?.lines[0]?.cancelledTicketSaleIds).toEqual(stored?.lines[0]?.ticketSaleIds);
    // The same request again: the same answer, without calling UiTPAS.
    const { correlationId: _first, ...answer } = refused.body;
    const { correlationId: _second, ...again } = replay.body;
    expect(replay.statusCode).toBe(422);
    expect(again).toEqual(answer);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
    expect(counted()).toBe(1);
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining('refused'),
      expect.objectContaining({ orderId: orderKey(KEY_DEMO, orderId), priceDrift: 'refused' }),
    );
    warnings.mockRestore();
  });

  it('the order shows why, keeps what UiTPAS registered, and cannot be confirmed', async () => {
    const orderId = nextOrderId();
    await register({ orderId, lines: [line(3)] });

    const read = await get(orderId);
    const confirmed = await confirm(orderId);

    expect(read.statusCode).toBe(200);
    expect(read.body).toMatchObject({
      status: 'CANCELLED',
      priceDriftRefusedAt: expect.any(String),
      lines: [
        {
          status: 'CANCELLED',
          chargedPrice: 3,
          registeredPrice: 2,
          priceDrift: { charged: 3, registered: 2 },
          tariff: { price: 2 },
        },
      ],
    });
    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.body.type).toBe(`${PROBLEM}order-not-held`);
    expect(confirmed.body.detail).toContain('another price than the till charged');
  });

  it('cancels every line of the order, naming the line that drifted', async () => {
    const orderId = nextOrderId();

    const refused = await register({
      orderId,
      lines: [
        line(2),
        line(5, { lineId: 'line-2', uitpasNumber: PASSES.socialTariffGentbrugge }),
        line(undefined, { lineId: 'line-3', uitpasNumber: PASSES.groupSocialTariff, quantity: 2 }),
      ],
    });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({
      lineId: 'line-2',
      invalidParams: [{ pointer: '/lines/1/chargedPrice' }],
      chargedPrice: 5,
      registeredPrice: 2,
    });
    expect(refused.body.invalidParams).toHaveLength(1);
    expect(stack.counts()).toEqual({ posts: 1, total: 4, active: 0 });
    expect((await stack.stored(orderId))?.lines.map((line) => line.status)).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
  });

  it('when UiTPAS cannot take the cancellation now, it stays pending and the sweep finishes it: never lost', async () => {
    const orderId = nextOrderId();
    const body = { orderId, lines: [line(3)] };
    const down = cancellationsDown(stack.sandbox);

    const refused = await register(body);
    const pending = await stack.stored(orderId);
    const replay = await register(body);
    const tooEarly = await sweepAt(1);
    down.remove();
    const swept = await sweepAt(6);

    expect(refused.statusCode).toBe(422);
    expect(refused.body.type).toBe(`${PROBLEM}price-drift`);
    expect(pending?.status).toBe('CANCEL_PENDING');
    expect(pending?.lines[0]?.lastCancelError?.detail).toContain('503');
    expect(replay.statusCode).toBe(422);
    expect(replay.body.detail).toBe(refused.body.detail);
    expect(tooEarly).toMatchObject({ retried: 0, cancelled: 0 });
    expect(swept).toMatchObject({ retried: 1, cancelled: 1, failed: 0 });
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
    // Still the same answer once the sales are gone.
    const after = await register(body);
    expect(after.statusCode).toBe(422);
    expect(after.body.detail).toBe(refused.body.detail);
  });

  it('is caught in sales a reconciliation finds after a lost answer', async () => {
    const orderId = nextOrderId();
    faultNextPost(stack.sandbox, { kind: 'dropAfterApply' });

    const refused = await register({ orderId, lines: [line(3)] });

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}price-drift`,
      lineId: 'line-1',
      registeredPrice: 2,
    });
    const stored = await stack.stored(orderId);
    expect(stored?.reconciliation?.outcome).toBe('found');
    expect(stored?.status).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('is caught when UiTPAS registers another price than it offered', async () => {
    // The till charged what POST /v1/tariffs offered (2 EUR); UiTPAS's answer says it registered 2.5.
    const uitpas = createUitpasClient({
      baseUrl: `${proxy.url}/uitpas`,
      tokens: stack.tokens,
      timeoutMs: 1000,
      retries: 1,
    });
    const lift = proxy.rewrite({
      method: 'POST',
      path: /^\/uitpas\/ticket-sales$/,
      body: (json) =>
        (json as { tariff: Record<string, unknown> }[]).map((sale) => ({
          ...sale,
          tariff: { ...sale.tariff, price: 2.5 },
        })),
    });
    deps = { uitpas };
    const orderId = nextOrderId();

    const refused = await register({ orderId, lines: [line(2)] });
    lift();

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({ chargedPrice: 2, registeredPrice: 2.5 });
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('a drift, flagged (PRICE_DRIFT=flag)', () => {
  it('is registered with the drift on the line, counted and logged, and replayed as stored', async () => {
    deps = { priceDrift: 'flag' };
    const counted = priceDriftsCounted();
    const warnings = vi.spyOn(logger, 'warn');
    const orderId = nextOrderId();
    const body = {
      orderId,
      lines: [line(3), line(2, { lineId: 'line-2', uitpasNumber: PASSES.socialTariffGentbrugge })],
    };

    const flagged = await register(body);
    const replay = await register(body);
    const read = await get(orderId);

    expect(flagged.statusCode).toBe(201);
    expect(flagged.body).toMatchObject({
      status: 'HELD',
      lines: [
        {
          lineId: 'line-1',
          status: 'HELD',
          chargedPrice: 3,
          registeredPrice: 2,
          priceDrift: { charged: 3, registered: 2 },
        },
        { lineId: 'line-2', status: 'HELD', chargedPrice: 2, registeredPrice: 2 },
      ],
    });
    expect(flagged.body.lines[1]).not.toHaveProperty('priceDrift');
    expect(flagged.body).not.toHaveProperty('priceDriftRefusedAt');
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toEqual(flagged.body);
    expect(read.body).toEqual(flagged.body);
    expect(counted()).toBe(1);
    expect(warnings).toHaveBeenCalledWith(
      expect.stringContaining('flagged'),
      expect.objectContaining({
        orderId: orderKey(KEY_DEMO, orderId),
        priceDrift: 'flagged',
        lines: [{ lineId: 'line-1', charged: 3, registered: 2 }],
      }),
    );
    expect(stack.counts()).toEqual({ posts: 1, total: 2, active: 2 });
    warnings.mockRestore();
  });
});
