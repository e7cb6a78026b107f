import { describe, expect, it } from 'vitest';
import type { Principal } from './access.js';
import { AppError } from './errors.js';
import {
  assignRegisteredSales,
  confirm,
  decideReconciliation,
  failingSale,
  forLine,
  lineOfSale,
  mayAccessOrder,
  newOrder,
  type Order,
  type OrderLine,
  type OrderRequest,
  passHash,
  type RegisteredSale,
  reconciliationCandidates,
  recordCancellations,
  registered,
  requestHash,
  salesToRegister,
  startCancelling,
  statusOfLines,
} from './ticket-sales.js';

const UDB = '5a0967f9-cc06-4c3c-9206-30481a767434';
const PASS_A = '0900000067513';
const PASS_GROUP = '0900000045410';
const NOW = new Date('2026-03-02T10:00:00.000Z');
const principal: Principal = {
  keyId: 'k',
  clientName: 'box-office',
  role: 'basket',
  organisations: ['org-a'],
};

const request: OrderRequest = {
  orderId: 'o-1',
  lines: [
    {
      lineId: 'a',
      eventId: 'ev',
      uitpasNumber: PASS_A,
      tariffId: 'SOCIALTARIFF',
      regularPrice: 10,
      quantity: 1,
    },
    {
      lineId: 'g',
      eventId: 'ev',
      uitpasNumber: PASS_GROUP,
      tariffId: 'SOCIALTARIFF',
      regularPrice: 10,
      quantity: 2,
    },
  ],
};

function order(overrides: Partial<Order> = {}): Order {
  return {
    ...newOrder({
      request,
      plan: request.lines.map((line) => ({
        lineId: line.lineId,
        eventId: 'ev',
        organisationId: 'org-a',
        uitdatabankId: UDB,
      })),
      masked: ['0900******513', '0900******410'],
      principal,
      attempt: {
        owner: 'me',
        startedAt: NOW.toISOString(),
        leaseUntil: new Date(NOW.getTime() + 30_000).toISOString(),
      },
      now: NOW,
    }),
    ...overrides,
  };
}

let nextId = 100;
function sale(uitpasNumber: string, overrides: Partial<RegisteredSale> = {}): RegisteredSale {
  return {
    id: String(nextId++),
    creationDate: '2026-03-02T10:00:01Z',
    regularPrice: 10,
    tariff: { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2 },
    eventId: UDB,
    uitpasNumber,
    ...overrides,
  };
}

describe('the request identity', () => {
  it('is the same whatever the key order, and differs when anything of a line differs', () => {
    const shuffled = {
      lines: request.lines.map((line) => Object.fromEntries(Object.entries(line).reverse())),
      orderId: 'o-1',
    } as unknown as OrderRequest;
    expect(requestHash(shuffled)).toBe(requestHash(request));
    const changed = {
      ...request,
      lines: [{ ...request.lines[0], quantity: 2 }, request.lines[1]],
    } as OrderRequest;
    expect(requestHash(changed)).not.toBe(requestHash(request));
  });

  it('stores the pass only masked and as a per-order hash', () => {
    const stored = JSON.stringify(order());
    expect(stored).not.toContain(PASS_A);
    expect(order().lines[0]?.uitpasNumberHash).toBe(passHash('o-1', PASS_A));
    expect(passHash('o-2', PASS_A)).not.toBe(passHash('o-1', PASS_A));
  });
});

describe('the POST and its answer', () => {
  it('sends N identical objects for a quantity of N, in line order', () => {
    const sales = salesToRegister(order().lines, [PASS_A, PASS_GROUP]);
    expect(sales.map((s) => s.uitpasNumber)).toEqual([PASS_A, PASS_GROUP, PASS_GROUP]);
    expect(sales[1]).toEqual({
      regularPrice: 10,
      tariff: { id: 'SOCIALTARIFF' },
      eventId: UDB,
      uitpasNumber: PASS_GROUP,
    });
  });

  it('finds the line of a refused object from the pointer, or from the detail', () => {
    const lines = order().lines;
    expect(failingSale([{ jsonPointer: '/2/tariff/id', error: 'x' }], undefined)).toEqual({
      index: 2,
      field: 'tariffId',
    });
    expect(failingSale([], 'Ticket sale /1: maximum reached')).toEqual({ index: 1, field: undefined });
    expect(failingSale([{ jsonPointer: '/', error: 'x' }], 'no index')).toBeUndefined();
    expect([0, 1, 2, 3].map((i) => lineOfSale(lines, i))).toEqual([0, 1, 1, undefined]);
  });

  it('maps the answer back by position', () => {
    const answer = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    expect(assignRegisteredSales(order(), answer)).toEqual([
      { ticketSaleIds: [answer[0]?.id], tariffName: 'Kansentarief', tariffPrice: 2 },
      { ticketSaleIds: [answer[1]?.id, answer[2]?.id], tariffName: 'Kansentarief', tariffPrice: 2 },
    ]);
  });

  it('matches on the fields when the answer comes back in another order, and refuses an answer that does not fit', () => {
    const answer = [sale(PASS_GROUP), sale(PASS_A), sale(PASS_GROUP)];
    expect(assignRegisteredSales(order(), answer)?.map((a) => a.ticketSaleIds)).toEqual([
      [answer[1]?.id],
      [answer[0]?.id, answer[2]?.id],
    ]);
    expect(assignRegisteredSales(order(), answer.slice(0, 2))).toBeUndefined();
    expect(assignRegisteredSales(order(), [sale(PASS_A), sale(PASS_A), sale(PASS_GROUP)])).toBeUndefined();
  });

  it('holds the registered lines, or goes straight to cancelling when that was asked meanwhile', () => {
    const assignments = [
      { ticketSaleIds: ['1'], tariffName: 'K', tariffPrice: 2 },
      { ticketSaleIds: ['2', '3'], tariffName: 'K', tariffPrice: 2 },
    ];
    const heldUntil = new Date(NOW.getTime() + 30 * 60_000);
    const held = registered(order(), assignments, { now: NOW, heldUntil });
    expect(held).toMatchObject({ status: 'HELD', heldUntil: heldUntil.toISOString() });
    expect(held.attempt).toBeUndefined();
    const asked = registered(order({ cancelRequestedAt: NOW.toISOString() }), assignments, {
      now: NOW,
      heldUntil,
    });
    expect(asked.status).toBe('CANCEL_PENDING');
  });
});

describe('reconciliation', () => {
  const uncertain = () => order({ uncertainSince: NOW.toISOString() });

  it('finds exactly the expected sales per line and ignores older sales, other passes and other prices', () => {
    const ours = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    const noise = [
      sale(PASS_A, { creationDate: '2026-03-02T09:50:00Z' }),
      sale('0900000095902'),
      sale(PASS_A, { regularPrice: 12 }),
      sale(PASS_A, { tariff: { id: 'COUPON_1' } }),
    ];
    const candidates = reconciliationCandidates(uncertain(), [...noise, ...ours]);
    expect(candidates).toEqual(ours);

    const decision = decideReconciliation(uncertain(), candidates, new Set(), NOW);

    expect(decision.outcome).toBe('found');
    expect(decision.record.found).toEqual({ a: [ours[0]?.id], g: [ours[1]?.id, ours[2]?.id] });
    expect(decision.record.since).toBe('2026-03-02T09:58:00.000Z');
  });

  it('says none when nothing matches, and unknown for a partial or an ambiguous match', () => {
    expect(decideReconciliation(uncertain(), [], new Set(), NOW).outcome).toBe('none');
    const partial = decideReconciliation(uncertain(), [sale(PASS_A)], new Set(), NOW);
    expect(partial).toMatchObject({ outcome: 'unknown', record: { reason: 'partial-match' } });
    const tooMany = [sale(PASS_A), sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    const ambiguous = decideReconciliation(uncertain(), tooMany, new Set(), NOW);
    expect(ambiguous).toMatchObject({ outcome: 'unknown', record: { reason: 'ambiguous-match' } });
  });

  it('never counts a sale that another order has claimed', () => {
    const other = sale(PASS_A);
    const ours = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];

    const decision = decideReconciliation(uncertain(), [other, ...ours], new Set([other.id]), NOW);

    expect(decision.outcome).toBe('found');
    expect(decision.record.found.a).toEqual([ours[0]?.id]);
  });
});

describe('cancelling and confirming', () => {
  const heldOrder = () =>
    registered(
      order(),
      [
        { ticketSaleIds: ['1'], tariffName: 'K', tariffPrice: 2 },
        { ticketSaleIds: ['2', '3'], tariffName: 'K', tariffPrice: 2 },
      ],
      { now: NOW, heldUntil: new Date(NOW.getTime() + 60_000) },
    );

  it('cancels a line only when all its sales are gone, and keeps the rest pending', () => {
    const cancelling = startCancelling(heldOrder(), new Set(['a', 'g']), NOW);
    expect(cancelling.status).toBe('CANCELLING');

    const partly = recordCancellations(
      cancelling,
      { cancelled: new Set(['1', '2']), failures: new Map([['3', 'UiTPAS unavailable']]) },
      NOW,
    );

    expect(partly.status).toBe('CANCEL_PENDING');
    expect(partly.lines.map((line) => line.status)).toEqual(['CANCELLED', 'CANCEL_PENDING']);
    expect(partly.lines[1]).toMatchObject({
      cancelledTicketSaleIds: ['2'],
      lastCancelError: { detail: 'UiTPAS unavailable' },
    });

    const done = recordCancellations(partly, { cancelled: new Set(['3']), failures: new Map() }, NOW);
    expect(done.status).toBe('CANCELLED');
    expect(done.lines[1]?.cancelSince).toBeUndefined();
  });

  it('derives the order status from its lines', () => {
    const lines = (...statuses: OrderLine['status'][]) => statuses.map((status) => ({ status }) as OrderLine);
    expect(statusOfLines(lines('HELD', 'CANCELLED'))).toBe('HELD');
    expect(statusOfLines(lines('CONFIRMED', 'CANCEL_PENDING'))).toBe('CANCEL_PENDING');
    expect(statusOfLines(lines('CANCELLED', 'CANCELLED'))).toBe('CANCELLED');
    expect(statusOfLines(lines('CONFIRMED', 'CANCELLED'))).toBe('CONFIRMED');
  });

  it('confirms held lines once, and refuses an order the sweep cancelled', () => {
    const confirmed = confirm(heldOrder(), NOW);
    expect(confirmed?.status).toBe('CONFIRMED');
    expect(confirm(confirmed as Order, NOW)).toBeUndefined();
    const expired = {
      ...startCancelling(heldOrder(), new Set(['a', 'g']), NOW),
      expiredAt: NOW.toISOString(),
    };
    expect(() => confirm(expired, NOW)).toThrow(/the sweep cancelled/);
    expect(() => confirm(order({ status: 'REFUSED' }), NOW)).toThrow(/nothing was registered/);
  });

  it('lets a key see an order only when it may act for all its organisations', () => {
    expect(mayAccessOrder(principal, { organisationIds: ['org-a'] })).toBe(true);
    expect(mayAccessOrder(principal, { organisationIds: ['org-a', 'org-b'] })).toBe(false);
    expect(mayAccessOrder({ ...principal, organisations: ['*'] }, { organisationIds: ['org-b'] })).toBe(true);
  });
});

describe('problems about a line', () => {
  it('name the line and point at its field, keeping the type and the message for the buyer', () => {
    const problem = forLine(
      new AppError('maximum-reached', 422, 'Limit', { detail: 'No more.', endUserMessage: { nl: 'Op.' } }),
      1,
      'line-2',
      'tariffId',
    );
    expect(problem).toMatchObject({ slug: 'maximum-reached', status: 422, endUserMessage: { nl: 'Op.' } });
    expect(problem.extensions).toMatchObject({
      lineId: 'line-2',
      invalidParams: [{ pointer: '/lines/1/tariffId' }],
    });
    expect(problem.detail).toBe('Line line-2 (/lines/1/tariffId): No more.');
  });
});
