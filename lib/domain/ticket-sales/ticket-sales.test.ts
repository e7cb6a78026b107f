import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../access.js';
import { AppError } from '../errors.js';
import {
  APPLY_GRACE_MS,
  applyGraceOver,
  assignRegisteredSales,
  CLOCK_SKEW_MS,
  cancelRetryDelayMs,
  confirm,
  decideReconciliation,
  expireHeld,
  failingSale,
  forLine,
  lineOfSale,
  mayAccessOrder,
  newOrder,
  type Order,
  type OrderLine,
  type OrderRequest,
  passHash,
  pendingCancellationDueAt,
  type RegisteredSale,
  reconciliationCandidates,
  recordCancellations,
  registered,
  requestCancellation,
  requestHash,
  retryAfterSeconds,
  salesToRegister,
  startCancelling,
  statusOfLines,
} from './index.js';

const UDB = '5a0967f9-cc06-4c3c-9206-30481a767434';
const PASS_A = '0900000067513';
const PASS_GROUP = '0900000045410';
const NOW = new Date('2026-03-02T10:00:00.000Z');
const KEY = 'unit-test-pass-hash-key';
const at = (ms: number) => new Date(NOW.getTime() + ms);
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
      passKey: KEY,
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

  it('stores the pass only masked and as a per-order hash keyed with a secret', () => {
    const stored = JSON.stringify(order());
    expect(stored).not.toContain(PASS_A);
    expect(order().lines[0]?.uitpasNumberHash).toBe(passHash(KEY, 'o-1', PASS_A));
    expect(passHash(KEY, 'o-2', PASS_A)).not.toBe(passHash(KEY, 'o-1', PASS_A));
    // Without the key, trying every number finds nothing: the plain hash is not what is stored.
    expect(passHash('another-key', 'o-1', PASS_A)).not.toBe(passHash(KEY, 'o-1', PASS_A));
    expect(stored).not.toContain(createHash('sha256').update(`o-1:${PASS_A}`).digest('hex'));
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

  it('finds the line of a refused object from the pointer only', () => {
    const lines = order().lines;
    expect(failingSale([{ jsonPointer: '/2/tariff/id', error: 'x' }])).toEqual({
      index: 2,
      field: 'tariffId',
    });
    expect(failingSale([{ jsonPointer: '/1', error: 'maximum reached' }])).toEqual({
      index: 1,
      field: undefined,
    });
    expect(failingSale([{ jsonPointer: '/', error: 'x' }])).toBeUndefined();
    expect(failingSale([])).toBeUndefined();
    expect([0, 1, 2, 3].map((i) => lineOfSale(lines, i))).toEqual([0, 1, 1, undefined]);
  });

  it('maps the answer back by position', () => {
    const answer = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    expect(assignRegisteredSales(order(), answer, KEY)).toEqual([
      { ticketSaleIds: [answer[0]?.id], tariffName: 'Kansentarief', tariffPrice: 2, salePrices: [2] },
      {
        ticketSaleIds: [answer[1]?.id, answer[2]?.id],
        tariffName: 'Kansentarief',
        tariffPrice: 2,
        salePrices: [2, 2],
      },
    ]);
  });

  it('matches on the fields when the answer comes back in another order, and refuses an answer that does not fit', () => {
    const answer = [sale(PASS_GROUP), sale(PASS_A), sale(PASS_GROUP)];
    expect(assignRegisteredSales(order(), answer, KEY)?.map((a) => a.ticketSaleIds)).toEqual([
      [answer[1]?.id],
      [answer[0]?.id, answer[2]?.id],
    ]);
    expect(assignRegisteredSales(order(), answer.slice(0, 2), KEY)).toBeUndefined();
    expect(
      assignRegisteredSales(order(), [sale(PASS_A), sale(PASS_A), sale(PASS_GROUP)], KEY),
    ).toBeUndefined();
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
    // A cancellation asked for one line only cancels that line.
    const oneLine = registered(
      order({ cancelRequestedAt: NOW.toISOString(), cancelLineIds: ['g'] }),
      assignments,
      { now: NOW, heldUntil },
    );
    expect(oneLine.lines.map((line) => line.status)).toEqual(['HELD', 'CANCEL_PENDING']);
  });

  it('recognises the passes of an order stored before the key existed (plain SHA-256)', () => {
    const legacy = order();
    legacy.lines = legacy.lines.map((line, i) => ({
      ...line,
      uitpasNumberHash: createHash('sha256')
        .update(`o-1:${i === 0 ? PASS_A : PASS_GROUP}`)
        .digest('hex'),
    }));
    const answer = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    expect(assignRegisteredSales(legacy, answer, KEY)?.[0]?.ticketSaleIds).toEqual([answer[0]?.id]);
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
    const candidates = reconciliationCandidates(uncertain(), [...noise, ...ours], KEY);
    expect(candidates).toEqual(ours);

    const decision = decideReconciliation(uncertain(), candidates, new Set(), NOW, KEY);

    expect(decision.outcome).toBe('found');
    expect(decision.record.found).toEqual({ a: [ours[0]?.id], g: [ours[1]?.id, ours[2]?.id] });
    expect(decision.record.since).toBe('2026-03-02T09:58:00.000Z');
  });

  it('says none when nothing matches, and unknown for a partial or an ambiguous match', () => {
    expect(decideReconciliation(uncertain(), [], new Set(), NOW, KEY).outcome).toBe('none');
    const partial = decideReconciliation(uncertain(), [sale(PASS_A)], new Set(), NOW, KEY);
    expect(partial).toMatchObject({ outcome: 'unknown', record: { reason: 'partial-match' } });
    const tooMany = [sale(PASS_A), sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];
    const ambiguous = decideReconciliation(uncertain(), tooMany, new Set(), NOW, KEY);
    expect(ambiguous).toMatchObject({ outcome: 'unknown', record: { reason: 'ambiguous-match' } });
  });

  it('only takes sales dated while the uncertain attempt could post (start to lease end, with the clock skew)', () => {
    const bounded = order({
      uncertainSince: NOW.toISOString(),
      uncertainUntil: at(30_000).toISOString(),
    });
    const date = (ms: number) => ({ creationDate: at(ms).toISOString() });
    const inside = [
      sale(PASS_A, date(-CLOCK_SKEW_MS)),
      sale(PASS_GROUP, date(30_000 + CLOCK_SKEW_MS)),
      sale(PASS_GROUP, { creationDate: undefined }),
    ];
    const outside = [
      sale(PASS_A, date(-CLOCK_SKEW_MS - 1000)),
      sale(PASS_A, date(30_000 + CLOCK_SKEW_MS + 1000)),
    ];

    expect(reconciliationCandidates(bounded, [...outside, ...inside], KEY)).toEqual(inside);
    const decision = decideReconciliation(bounded, inside, new Set(), NOW, KEY);
    expect(decision.record).toMatchObject({
      since: '2026-03-02T09:58:00.000Z',
      until: '2026-03-02T10:02:30.000Z',
    });
  });

  it('takes nothing found as proof only once the grace for a late POST is over, and says how long to wait', () => {
    const unknown = order({ status: 'UNKNOWN', uncertainSince: NOW.toISOString() });
    expect(applyGraceOver(unknown, at(APPLY_GRACE_MS - 1))).toBe(false);
    expect(applyGraceOver(unknown, at(APPLY_GRACE_MS))).toBe(true);
    expect(retryAfterSeconds(unknown, at(1000))).toBe(APPLY_GRACE_MS / 1000 - 1);
    expect(retryAfterSeconds(unknown, at(APPLY_GRACE_MS + 60_000))).toBe(5);
    // The grace outlasts any lease (the register function's 29 s timeout plus the margin) and the clock skew.
    expect(APPLY_GRACE_MS).toBeGreaterThan(35_000 + CLOCK_SKEW_MS);
  });

  it('never counts a sale that another order has claimed', () => {
    const other = sale(PASS_A);
    const ours = [sale(PASS_A), sale(PASS_GROUP), sale(PASS_GROUP)];

    const decision = decideReconciliation(uncertain(), [other, ...ours], new Set([other.id]), NOW, KEY);

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

  it("moves the sweep's retry of a failing cancellation further out with every failed attempt", () => {
    const cancelling = startCancelling(heldOrder(), new Set(['a', 'g']), NOW);
    const down = { cancelled: new Set<string>(), failures: new Map([['1', 'UiTPAS unavailable']]) };

    const first = recordCancellations(cancelling, down, NOW);
    const second = recordCancellations(first, down, at(5 * 60_000));

    expect(first).toMatchObject({ cancelAttempts: 1, cancelRetryAt: at(5 * 60_000).toISOString() });
    expect(second).toMatchObject({ cancelAttempts: 2, cancelRetryAt: at(15 * 60_000).toISOString() });
    expect(pendingCancellationDueAt(second)).toBe(at(15 * 60_000).toISOString());
    expect([1, 2, 3, 4, 5, 9].map((n) => cancelRetryDelayMs(n) / 60_000)).toEqual([5, 10, 20, 40, 60, 60]);
    const done = recordCancellations(
      second,
      { cancelled: new Set(['1', '2', '3']), failures: new Map() },
      NOW,
    );
    expect(done.status).toBe('CANCELLED');
    expect(done.cancelRetryAt).toBeUndefined();
    expect(done.cancelAttempts).toBeUndefined();
  });

  it('expires the held lines past heldUntil even while a sibling line is being cancelled', () => {
    const oneCancelling = startCancelling(heldOrder(), new Set(['g']), NOW);

    expect(expireHeld(oneCancelling, at(59_000))).toBeUndefined();
    const expired = expireHeld(oneCancelling, at(61_000));

    expect(expired?.lines.map((line) => line.status)).toEqual(['CANCELLING', 'CANCELLING']);
    expect(expired?.expiredAt).toBe(at(61_000).toISOString());
    // Its place in the sweep's queue is no later than heldUntil while a line is still held.
    expect(pendingCancellationDueAt(oneCancelling)).toBe(at(60_000).toISOString());
  });

  it('adds up cancellations asked before the outcome is known: lines, then the whole order', () => {
    const unknown = order({ status: 'UNKNOWN' });

    const a = requestCancellation(unknown, 'a', NOW) as Order;
    const ag = requestCancellation(a, 'g', at(1000)) as Order;
    const all = requestCancellation(ag, undefined, at(2000)) as Order;

    expect(a).toMatchObject({ cancelRequestedAt: NOW.toISOString(), cancelLineIds: ['a'] });
    expect(ag.cancelLineIds).toEqual(['a', 'g']);
    expect(ag.cancelRequestedAt).toBe(NOW.toISOString());
    expect(all.cancelLineIds).toBeUndefined();
    expect(requestCancellation(a, 'a', NOW)).toBeUndefined();
    expect(requestCancellation(all, 'g', NOW)).toBeUndefined();
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
