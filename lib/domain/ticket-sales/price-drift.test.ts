import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../access.js';
import { AppError } from '../errors.js';
import {
  assignRegisteredSales,
  canonicalJson,
  confirm,
  decideReconciliation,
  hasPendingCancellation,
  type LineAssignment,
  lineDrift,
  newOrder,
  type Order,
  type OrderLineRequest,
  type OrderRequest,
  orderView,
  priceDriftRefused,
  type RegisteredSale,
  recordCancellations,
  registered,
  requestHash,
} from './index.js';

const UDB = '5a0967f9-cc06-4c3c-9206-30481a767434';
const PASS_A = '0900000067513';
const PASS_GROUP = '0900000045410';
const NOW = new Date('2026-03-02T10:00:00.000Z');
const HELD_UNTIL = new Date(NOW.getTime() + 30 * 60_000);
const KEY = 'unit-test-pass-hash-key';
const principal: Principal = {
  keyId: 'k',
  clientName: 'box-office',
  role: 'basket',
  organisations: ['org-a'],
};

const lineA: OrderLineRequest = {
  lineId: 'a',
  eventId: 'ev',
  uitpasNumber: PASS_A,
  tariffId: 'SOCIALTARIFF',
  regularPrice: 10,
  quantity: 1,
};
const lineG: OrderLineRequest = { ...lineA, lineId: 'g', uitpasNumber: PASS_GROUP, quantity: 2 };

function orderOf(lines: OrderLineRequest[], orderId = 'box-office/o-1'): Order {
  const request: OrderRequest = { orderId, lines };
  return newOrder({
    request,
    plan: lines.map((line) => ({
      lineId: line.lineId,
      eventId: line.eventId,
      organisationId: 'org-a',
      uitdatabankId: UDB,
    })),
    masked: lines.map(() => '0900******513'),
    principal,
    attempt: {
      owner: 'me',
      startedAt: NOW.toISOString(),
      leaseUntil: new Date(NOW.getTime() + 30_000).toISOString(),
    },
    now: NOW,
    passKey: KEY,
  });
}

const assignment = (ids: string[], prices: (number | null)[]): LineAssignment => ({
  ticketSaleIds: ids,
  tariffName: 'Kansentarief',
  tariffPrice: prices[0] ?? null,
  salePrices: prices,
});

let nextId = 500;
function sale(uitpasNumber: string, price: number | undefined): RegisteredSale {
  return {
    id: String(nextId++),
    creationDate: '2026-03-02T10:00:01Z',
    regularPrice: 10,
    tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', ...(price === undefined ? {} : { price }) },
    eventId: UDB,
    uitpasNumber,
  };
}

describe('a line’s drift', () => {
  it('is none without a charged price: the guard is asked for per line', () => {
    expect(lineDrift(undefined, [2])).toBeUndefined();
    expect(lineDrift(undefined, [null])).toBeUndefined();
  });

  it('is none when every sale was registered at the charged price, compared in cents', () => {
    expect(lineDrift(2, [2])).toBeUndefined();
    expect(lineDrift(2.5, [2.5, 2.5])).toBeUndefined();
    expect(lineDrift(0, [0])).toBeUndefined();
  });

  it('names the first sale registered at another price, or without one', () => {
    expect(lineDrift(3, [2])).toEqual({ charged: 3, registered: 2 });
    expect(lineDrift(2, [2, 2.01])).toEqual({ charged: 2, registered: 2.01 });
    // A price that is none of ours (three decimals) cannot match.
    expect(lineDrift(2, [2.001])).toEqual({ charged: 2, registered: 2.001 });
    // UiTPAS's answer gave no price: it cannot be shown to match, so it is never silently accepted.
    expect(lineDrift(2, [null])).toEqual({ charged: 2, registered: null });
  });
});

describe('the request identity with a charged price', () => {
  it('is what it was before the field existed for a request without it', () => {
    const request: OrderRequest = { orderId: 'o-1', lines: [lineA] };
    const before = createHash('sha256')
      .update(
        canonicalJson({
          orderId: 'o-1',
          lines: [
            {
              lineId: 'a',
              eventId: 'ev',
              uitpasNumber: PASS_A,
              tariffId: 'SOCIALTARIFF',
              regularPrice: 10,
              regularPriceLabel: undefined,
              quantity: 1,
            },
          ],
        }),
        'utf8',
      )
      .digest('hex');
    expect(requestHash(request)).toBe(before);
  });

  it('differs with the charged price, and between charged prices', () => {
    const hash = (chargedPrice?: number) =>
      requestHash({
        orderId: 'o-1',
        lines: [{ ...lineA, ...(chargedPrice === undefined ? {} : { chargedPrice }) }],
      });
    expect(new Set([hash(), hash(2), hash(3)]).size).toBe(3);
  });

  it('is kept on the order line', () => {
    const order = orderOf([{ ...lineA, chargedPrice: 2 }, lineG]);
    expect(order.lines[0]?.chargedPrice).toBe(2);
    expect(order.lines[1]).not.toHaveProperty('chargedPrice');
  });
});

describe('registering with the guard', () => {
  it('holds a line without a charged price as before, keeping the price UiTPAS registered', () => {
    const held = registered(orderOf([lineA]), [assignment(['1'], [2])], { now: NOW, heldUntil: HELD_UNTIL });
    expect(held.status).toBe('HELD');
    expect(held.priceDriftRefusedAt).toBeUndefined();
    expect(held.lines[0]).toMatchObject({ status: 'HELD', tariffPrice: 2, registeredPrice: 2 });
    expect(held.lines[0]).not.toHaveProperty('priceDrift');
  });

  it('holds a line registered at the charged price', () => {
    const held = registered(orderOf([{ ...lineA, chargedPrice: 2 }]), [assignment(['1'], [2])], {
      now: NOW,
      heldUntil: HELD_UNTIL,
    });
    expect(held.status).toBe('HELD');
    expect(held.lines[0]).toMatchObject({ status: 'HELD', chargedPrice: 2, registeredPrice: 2 });
    expect(held.lines[0]).not.toHaveProperty('priceDrift');
  });

  it('refuses by default: every line of the order is cancelling in the same write, the drift on its line', () => {
    const order = orderOf([lineA, { ...lineG, chargedPrice: 2 }]);
    const refused = registered(order, [assignment(['1'], [2]), assignment(['2', '3'], [2, 2.5])], {
      now: NOW,
      heldUntil: HELD_UNTIL,
    });
    expect(refused.status).toBe('CANCELLING');
    expect(refused.priceDriftRefusedAt).toBe(NOW.toISOString());
    expect(hasPendingCancellation(refused)).toBe(true);
    expect(refused.lines.map((line) => [line.status, line.cancelSince])).toEqual([
      ['CANCELLING', NOW.toISOString()],
      ['CANCELLING', NOW.toISOString()],
    ]);
    // The sales are on the order: what is cancelled, and what the sweep finds if nobody else does it.
    expect(refused.lines.map((line) => line.ticketSaleIds)).toEqual([['1'], ['2', '3']]);
    expect(refused.lines[0]).not.toHaveProperty('priceDrift');
    expect(refused.lines[1]).toMatchObject({
      registeredPrice: 2.5,
      priceDrift: { charged: 2, registered: 2.5 },
    });
    expect(
      registered(order, [assignment(['1'], [2]), assignment(['2', '3'], [2, 2.5])], {
        now: NOW,
        heldUntil: HELD_UNTIL,
        priceDrift: 'refuse',
      }),
    ).toEqual(refused);
  });

  it('refuses a line a cancellation was asked for meanwhile the same way', () => {
    const order = { ...orderOf([{ ...lineA, chargedPrice: 3 }]), cancelRequestedAt: NOW.toISOString() };
    const refused = registered(order, [assignment(['1'], [2])], { now: NOW, heldUntil: HELD_UNTIL });
    expect(refused.lines[0]?.status).toBe('CANCELLING');
    expect(refused.priceDriftRefusedAt).toBeDefined();
  });

  it('flags when configured so: HELD, the drift on the line, never silently', () => {
    const order = orderOf([{ ...lineA, chargedPrice: 3 }, lineG]);
    const flagged = registered(order, [assignment(['1'], [2]), assignment(['2', '3'], [2, 2])], {
      now: NOW,
      heldUntil: HELD_UNTIL,
      priceDrift: 'flag',
    });
    expect(flagged.status).toBe('HELD');
    expect(flagged.priceDriftRefusedAt).toBeUndefined();
    expect(flagged.lines[0]).toMatchObject({
      status: 'HELD',
      registeredPrice: 2,
      priceDrift: { charged: 3, registered: 2 },
    });
    expect(flagged.lines[1]).not.toHaveProperty('priceDrift');
    const view = orderView(flagged);
    expect(view.lines[0]).toMatchObject({
      chargedPrice: 3,
      registeredPrice: 2,
      priceDrift: { charged: 3, registered: 2 },
    });
    expect(view).not.toHaveProperty('priceDriftRefusedAt');
  });

  it('checks the sales a reconciliation found as it checks a POST’s answer', () => {
    const order: Order = {
      ...orderOf([{ ...lineA, chargedPrice: 3 }]),
      status: 'UNKNOWN',
      uncertainSince: NOW.toISOString(),
      uncertainUntil: new Date(NOW.getTime() + 30_000).toISOString(),
    };
    const decision = decideReconciliation(order, [sale(PASS_A, 2)], new Set(), NOW, KEY);
    if (decision.outcome !== 'found') throw new Error(`expected found, got ${decision.outcome}`);
    const refused = registered(order, decision.assignments, { now: NOW, heldUntil: HELD_UNTIL });
    expect(refused.priceDriftRefusedAt).toBeDefined();
    expect(refused.lines[0]?.priceDrift).toEqual({ charged: 3, registered: 2 });
  });

  it('reads each sale’s price from UiTPAS’s answer, a missing one counting as drifted', () => {
    const order = orderOf([{ ...lineG, chargedPrice: 2 }]);
    const assignments = assignRegisteredSales(order, [sale(PASS_GROUP, 2), sale(PASS_GROUP, undefined)], KEY);
    expect(assignments?.[0]?.salePrices).toEqual([2, null]);
    const refused = registered(order, assignments ?? [], { now: NOW, heldUntil: HELD_UNTIL });
    expect(refused.lines[0]).toMatchObject({
      registeredPrice: null,
      priceDrift: { charged: 2, registered: null },
    });
  });

  it('treats an assignment without per-sale prices as every sale at its tariff price', () => {
    const order = orderOf([{ ...lineG, chargedPrice: 2 }]);
    const held = registered(order, [{ ticketSaleIds: ['1', '2'], tariffName: 'K', tariffPrice: 2 }], {
      now: NOW,
      heldUntil: HELD_UNTIL,
    });
    expect(held.status).toBe('HELD');
  });
});

describe('an order refused for a price drift', () => {
  const refusedOrder = () =>
    registered(
      orderOf([lineA, { ...lineG, chargedPrice: 2 }, { ...lineA, lineId: 'c', chargedPrice: 4 }]),
      [assignment(['1'], [2]), assignment(['2', '3'], [2.5, 2.5]), assignment(['4'], [2])],
      { now: NOW, heldUntil: HELD_UNTIL },
    );

  it('answers a 422 naming the first drifted line and pointing at every one, made from the stored order alone', () => {
    const problem = priceDriftRefused(refusedOrder());
    expect(problem).toBeInstanceOf(AppError);
    expect(problem).toMatchObject({ slug: 'price-drift', status: 422 });
    expect(problem.extensions).toEqual({
      lineId: 'g',
      chargedPrice: 2,
      registeredPrice: 2.5,
      invalidParams: [
        { pointer: '/lines/1/chargedPrice', detail: 'charged 2 EUR, UiTPAS registered 2.5 EUR' },
        { pointer: '/lines/2/chargedPrice', detail: 'charged 4 EUR, UiTPAS registered 2 EUR' },
      ],
      priceDrifts: [
        { lineId: 'g', charged: 2, registered: 2.5 },
        { lineId: 'c', charged: 4, registered: 2 },
      ],
    });
    expect(problem.detail).toContain('Line g (/lines/1/chargedPrice)');
    expect(problem.detail).toContain('order o-1');
    expect(problem.endUserMessage?.nl).toBeTruthy();
    // The same stored order, the same answer (a replay), once cancelled too.
    const cancelled = recordCancellations(
      refusedOrder(),
      { cancelled: new Set(['1', '2', '3', '4']), failures: new Map() },
      NOW,
    );
    const again = priceDriftRefused(cancelled);
    expect([again.status, again.detail, again.extensions]).toEqual([
      problem.status,
      problem.detail,
      problem.extensions,
    ]);
  });

  it('ends CANCELLED with its prices and drifts kept, and says why in its view', () => {
    const cancelled = recordCancellations(
      refusedOrder(),
      { cancelled: new Set(['1', '2', '3', '4']), failures: new Map() },
      NOW,
    );
    expect(cancelled.status).toBe('CANCELLED');
    const view = orderView(cancelled);
    expect(view.priceDriftRefusedAt).toBe(NOW.toISOString());
    expect(view.lines.map((line) => [line.status, line.registeredPrice, line.priceDrift ?? null])).toEqual([
      ['CANCELLED', 2, null],
      ['CANCELLED', 2.5, { charged: 2, registered: 2.5 }],
      ['CANCELLED', 2, { charged: 4, registered: 2 }],
    ]);
  });

  it('stays to be cancelled while UiTPAS cannot take the cancellation', () => {
    const pending = recordCancellations(
      refusedOrder(),
      { cancelled: new Set(['1']), failures: new Map([['2', 'UiTPAS unavailable (status 503)']]) },
      NOW,
    );
    expect(pending.status).toBe('CANCEL_PENDING');
    expect(hasPendingCancellation(pending)).toBe(true);
    expect(pending.cancelRetryAt).toBeDefined();
  });

  it('cannot be confirmed, and the 409 says why', () => {
    let refusal: unknown;
    try {
      confirm(refusedOrder(), NOW);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ slug: 'order-not-held', status: 409 });
    expect((refusal as AppError).detail).toContain('another price than the till charged');
  });

  it('is answered with the error only when a line drifted', () => {
    expect(() => priceDriftRefused(orderOf([lineA]))).toThrow(/no line drifted/);
  });
});

describe('the view of an order stored before the guard', () => {
  it('shows its tariff price as the price UiTPAS registered', () => {
    const held = registered(orderOf([lineA]), [assignment(['1'], [2])], { now: NOW, heldUntil: HELD_UNTIL });
    const { registeredPrice: _price, ...line } = held.lines[0] as Order['lines'][number];
    expect(orderView({ ...held, lines: [line] }).lines[0]?.registeredPrice).toBe(2);
    expect(orderView(orderOf([lineA])).lines[0]?.registeredPrice).toBeNull();
  });
});
