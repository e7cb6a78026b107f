/**
 * The reimbursement export (GET /v1/reports/ticket-sales) over sales registered and cancelled through the real
 * registration and cancellation handlers, against dynalite and the in-process sandbox: the lines that stand (held or
 * confirmed, a cancelled line left out), their totals per event, per organizer (as the organizer rule resolves it
 * from the current mapping: the organisation's, a promotor's, none for a deleted event) and of the organisation in
 * JSON and CSV, scoping by the key's organisations, and paging (JSON cursors, CSV parts). Every answer is checked against the OpenAPI
 * document by the integration setup.
 */
import { OTHER_UITPAS_ORGANIZER_ID, PASSES, TEST_ORGANIZER_ID } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createSalesLedger } from '../lib/adapters/dynamodb/sales-ledger.js';
import type { Principal } from '../lib/domain/access.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from '../lib/handlers/register-ticket-sales.js';
import { createHandler, type ReportDeps } from '../lib/handlers/report-ticket-sales.js';
import { DEMO_PROMOTOR_ID } from '../local/seed.js';
import { ADMIN, apiEvent, lambdaContext } from '../test-support/api-event.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  KEY_OTHER,
  OTHER_ORGANISATION_ID,
  saleLine,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

let stack: TicketSalesStack;
let reportDeps: Partial<ReportDeps> = {};
const report = createHandler(() => ({
  ledger: createSalesLedger(stack.table),
  mappings: createMappingRepository(stack.table),
  ...reportDeps,
}));
const api = ticketSalesApi({
  register: createRegisterHandler(() => stack.deps()),
  cancel: createCancelHandler(() => stack.deps()),
});

const ADMIN_OTHER: Principal = { ...ADMIN, keyId: 'admin-other', organisations: [OTHER_ORGANISATION_ID] };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const WINDOW = { from: day(-1), to: day(1) };

const json = (principal: Principal, query: Record<string, string>) =>
  call(report, principal, { method: 'GET', route: '/v1/reports/ticket-sales', query });

async function csv(principal: Principal, query: Record<string, string>) {
  const response = await report(
    apiEvent({
      method: 'GET',
      route: '/v1/reports/ticket-sales',
      query,
      principal,
      headers: { accept: 'text/csv' },
    }),
    lambdaContext(),
  );
  return {
    statusCode: response.statusCode,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: response.body ?? '',
    rows: (response.body ?? '').split('\r\n').filter(Boolean),
  };
}

/** The ticket-sale ids that stand, per order. */
const standing: Record<string, string[]> = {};

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'report-ticket-sales' });
  await stack.fresh();
  const ok = (response: { statusCode: number; body: unknown }) =>
    expect([200, 201], JSON.stringify(response.body)).toContain(response.statusCode);
  // Festival: two tickets on two lines, confirmed.
  const one = await api.register({
    orderId: 'rep-1',
    lines: [saleLine({ lineId: 'a' }), saleLine({ lineId: 'b', uitpasNumber: PASSES.familySocialTariff })],
  });
  ok(one);
  ok(await api.confirm('rep-1'));
  // Festival: two lines, the second cancelled (a refund of one line).
  const two = await api.register({
    orderId: 'rep-2',
    lines: [
      saleLine({ lineId: 'a', uitpasNumber: PASSES.familyChildSocialTariff }),
      saleLine({ lineId: 'b', uitpasNumber: PASSES.socialTariffGentbrugge }),
    ],
  });
  ok(two);
  ok(await api.cancel('rep-2', { lineId: 'b' }));
  // The limited event (another UiTdatabank event), left HELD.
  const three = await api.register({
    orderId: 'rep-3',
    lines: [saleLine({ eventId: EVENTS.limited, uitpasNumber: PASSES.socialTariffGentbrugge })],
  });
  ok(three);
  // Festival again: cancelled altogether.
  ok(await api.register({ orderId: 'rep-4', lines: [saleLine()] }));
  ok(await api.cancel('rep-4'));
  // Another organisation's sale.
  const other = await api.register(
    { orderId: 'rep-5', lines: [saleLine({ eventId: EVENTS.otherOrganisation })] },
    KEY_OTHER,
  );
  ok(other);

  standing['rep-1'] = [...one.body.lines[0].ticketSaleIds, ...one.body.lines[1].ticketSaleIds];
  standing['rep-2'] = two.body.lines[0].ticketSaleIds;
  standing['rep-3'] = three.body.lines[0].ticketSaleIds;
  standing['rep-5'] = other.body.lines[0].ticketSaleIds;
}, 60_000);
afterAll(() => stack.close());

const cents = (euro: string) => Math.round(Number(euro) * 100);

describe('the JSON export', () => {
  it('lists every sale that stands, per event, and totals that equal the sum of the lines', async () => {
    const response = await json(ADMIN, { organisationId: 'demo-org', ...WINDOW });
    expect(response.statusCode).toBe(200);
    const { body } = response;
    expect(body).toMatchObject({ organisationId: 'demo-org', ...WINDOW, currency: 'EUR', nextCursor: null });
    expect(body.events.map((event: { eventId: string }) => event.eventId).sort()).toEqual([
      EVENTS.festival,
      EVENTS.limited,
    ]);
    const festival = body.events.find((event: { eventId: string }) => event.eventId === EVENTS.festival);
    const limited = body.events.find((event: { eventId: string }) => event.eventId === EVENTS.limited);
    expect(festival.sales.map((sale: { ticketSaleId: string }) => sale.ticketSaleId).sort()).toEqual(
      [...(standing['rep-1'] ?? []), ...(standing['rep-2'] ?? [])].sort(),
    );
    expect(limited.sales).toEqual([
      {
        registeredAt: expect.any(String),
        ticketSaleId: standing['rep-3']?.[0],
        orderId: 'rep-3',
        lineId: 'a',
        status: 'HELD',
        tariff: { id: 'SOCIALTARIFF', name: expect.any(String) },
        regularPrice: '10.00',
        paidPrice: '2.00',
        difference: '8.00',
      },
    ]);
    expect(festival.sales.every((sale: { orderId: string }) => sale.orderId !== 'rep-4')).toBe(true);
    expect(festival.sales.find((sale: { orderId: string }) => sale.orderId === 'rep-2').lineId).toBe('a');
    expect(festival.totals).toEqual({
      sales: 3,
      regularPrice: '30.00',
      paidPrice: '6.00',
      difference: '24.00',
      unpriced: 0,
    });
    // Both events are the organisation's own (no promotor): its UiTdatabank organizer.
    expect(festival.organizerId).toBe(TEST_ORGANIZER_ID);
    expect(limited.organizerId).toBe(TEST_ORGANIZER_ID);
    const whole = { sales: 4, regularPrice: '40.00', paidPrice: '8.00', difference: '32.00', unpriced: 0 };
    expect(body.totals).toEqual({ ...whole, perOrganizer: [{ organizerId: TEST_ORGANIZER_ID, ...whole }] });
    // The totals are the sums of the lines, to the cent.
    for (const event of body.events) {
      const sum = (field: 'regularPrice' | 'paidPrice' | 'difference') =>
        event.sales.reduce(
          (total: number, sale: Record<string, string>) => total + cents(sale[field] ?? '0'),
          0,
        );
      expect(cents(event.totals.regularPrice)).toBe(sum('regularPrice'));
      expect(cents(event.totals.paidPrice)).toBe(sum('paidPrice'));
      expect(cents(event.totals.difference)).toBe(sum('difference'));
    }
  });

  it('pages with a cursor: the pages together are the whole export', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await json(ADMIN, {
        organisationId: 'demo-org',
        ...WINDOW,
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.statusCode).toBe(200);
      for (const event of page.body.events) for (const sale of event.sales) seen.push(sale.ticketSaleId);
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    // Six claims (four standing, the cancelled line's and order's two), two per page.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual(
      [...(standing['rep-1'] ?? []), ...(standing['rep-2'] ?? []), ...(standing['rep-3'] ?? [])].sort(),
    );
  });

  it('leaves out what lies outside the window', async () => {
    const response = await json(ADMIN, { organisationId: 'demo-org', from: day(-30), to: day(-2) });
    expect(response.body.events).toEqual([]);
    expect(response.body.totals.sales).toBe(0);
  });

  it('refuses a cursor of another query, a window backwards or over 366 days', async () => {
    const first = await json(ADMIN, { organisationId: 'demo-org', ...WINDOW, limit: '1' });
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const moved = await json(ADMIN, { organisationId: 'demo-org', from: day(-2), to: day(1), cursor });
    expect(moved.statusCode).toBe(400);
    expect(moved.body.type).toBe('urn:uitpas-ticketing:problem:invalid-cursor');
    const junk = await json(ADMIN, { organisationId: 'demo-org', ...WINDOW, cursor: 'bm90LWEtY3Vyc29y' });
    expect(junk.body.type).toBe('urn:uitpas-ticketing:problem:invalid-cursor');
    const backwards = await json(ADMIN, { organisationId: 'demo-org', from: day(1), to: day(-1) });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body.type).toBe('urn:uitpas-ticketing:problem:invalid-request');
    const long = await json(ADMIN, { organisationId: 'demo-org', from: '2024-01-01', to: '2025-01-01' });
    expect(long.statusCode).toBe(400);
    expect(
      (await json(ADMIN, { organisationId: 'demo-org', from: '2024-01-01', to: '2024-12-31' })).statusCode,
    ).toBe(200);
  });
});

describe('scoping', () => {
  it('refuses an organisation the key may not act for (403), and shows each organisation only its own', async () => {
    const refused = await json(ADMIN_OTHER, { organisationId: 'demo-org', ...WINDOW });
    expect(refused.statusCode).toBe(403);
    expect(refused.body.type).toBe('urn:uitpas-ticketing:problem:organisation-not-allowed');
    const theirs = await json(ADMIN_OTHER, { organisationId: OTHER_ORGANISATION_ID, ...WINDOW });
    expect(theirs.statusCode).toBe(200);
    expect(
      theirs.body.events.flatMap((event: { sales: { ticketSaleId: string }[] }) =>
        event.sales.map((sale) => sale.ticketSaleId),
      ),
    ).toEqual(standing['rep-5']);
    // The other organisation has no UiTdatabank organizer id: its event's organizer cannot be resolved.
    expect(theirs.body.events[0].organizerId).toBeNull();
    expect(theirs.body.totals.perOrganizer).toEqual([{ organizerId: null, ...theirs.body.events[0].totals }]);
    expect((await csv(ADMIN_OTHER, { organisationId: 'demo-org', ...WINDOW })).statusCode).toBe(403);
  });

  it('refuses a basket key', async () => {
    const response = await json(KEY_DEMO, { organisationId: 'demo-org', ...WINDOW });
    expect(response.statusCode).toBe(403);
    expect(response.body.type).toBe('urn:uitpas-ticketing:problem:forbidden');
  });
});

describe('the CSV export', () => {
  it('has the same sales and totals as the JSON, grouped per event', async () => {
    const response = await csv(ADMIN, { organisationId: 'demo-org', ...WINDOW });
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['Content-Disposition']).toMatch(
      /^attachment; filename="uitpas-ticket-sales-demo-org-/,
    );
    expect(response.headers['X-Next-Cursor']).toBeUndefined();
    const [header, ...rows] = response.rows;
    expect(header).toBe(
      'record,registered_at,event_id,uitdatabank_id,order_id,line_id,ticket_sale_id,status,tariff_id,tariff_name,regular_price_eur,paid_price_eur,difference_eur,sales,organizer_id',
    );
    const cells = rows.map((row) => row.split(','));
    const sales = cells.filter((row) => row[0] === 'sale');
    expect(sales.map((row) => row[6]).sort()).toEqual(
      [...(standing['rep-1'] ?? []), ...(standing['rep-2'] ?? []), ...(standing['rep-3'] ?? [])].sort(),
    );
    const eventTotals = cells.filter((row) => row[0] === 'event-total');
    expect(eventTotals.map((row) => [row[2], row.slice(10)])).toEqual(
      expect.arrayContaining([
        [EVENTS.festival, ['30.00', '6.00', '24.00', '3', TEST_ORGANIZER_ID]],
        [EVENTS.limited, ['10.00', '2.00', '8.00', '1', TEST_ORGANIZER_ID]],
      ]),
    );
    expect(cells.filter((row) => row[0] === 'organizer-total').map((row) => row.slice(10))).toEqual([
      ['40.00', '8.00', '32.00', '4', TEST_ORGANIZER_ID],
    ]);
    expect(cells.at(-1)).toEqual([
      'organisation-total',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '40.00',
      '8.00',
      '32.00',
      '4',
      '',
    ]);
    // Each event's total is the sum of its sale rows.
    for (const total of eventTotals) {
      const own = sales.filter((row) => row[2] === total[2]);
      expect(own.reduce((sum, row) => sum + cents(row[12] ?? ''), 0)).toBe(cents(total[12] ?? ''));
    }
  });

  it('comes in parts when the window exceeds a part: part totals, X-Next-Cursor and Link, and the parts add up', async () => {
    reportDeps = { csvMaxBytes: 1, csvPageSize: 2 };
    try {
      const saleIds: string[] = [];
      let differenceCents = 0;
      let cursor: string | undefined;
      let parts = 0;
      do {
        const part = await csv(ADMIN, {
          organisationId: 'demo-org',
          ...WINDOW,
          ...(cursor ? { cursor } : {}),
        });
        expect(part.statusCode).toBe(200);
        const cells = part.rows.slice(1).map((row) => row.split(','));
        saleIds.push(...cells.filter((row) => row[0] === 'sale').map((row) => row[6] ?? ''));
        const last = cells.at(-1) ?? [];
        differenceCents += cents(last[12] ?? '');
        cursor = part.headers['X-Next-Cursor'];
        if (cursor) {
          expect(last[0]).toBe('part-total');
          expect(part.headers.Link).toBe(
            `</v1/reports/ticket-sales?${new URLSearchParams({ organisationId: 'demo-org', ...WINDOW, cursor })}>; rel="next"`,
          );
        } else expect(last[0]).toBe('organisation-total');
        parts += 1;
      } while (cursor && parts < 20);
      expect(parts).toBeGreaterThanOrEqual(3);
      expect(saleIds.sort()).toEqual(
        [...(standing['rep-1'] ?? []), ...(standing['rep-2'] ?? []), ...(standing['rep-3'] ?? [])].sort(),
      );
      expect(differenceCents).toBe(3200);
    } finally {
      reportDeps = {};
    }
  });
});

describe('totals per organizer', () => {
  const mappings = () => createMappingRepository(stack.table);
  const organizerTotalsAddUp = (body: {
    events: { organizerId: string | null; totals: Record<string, string | number> }[];
    totals: { perOrganizer: ({ organizerId: string | null } & Record<string, string | number | null>)[] };
  }) => {
    for (const group of body.totals.perOrganizer) {
      const own = body.events.filter((event) => event.organizerId === group.organizerId);
      expect(own.length).toBeGreaterThan(0);
      for (const field of ['regularPrice', 'paidPrice', 'difference'] as const)
        expect(cents(String(group[field]))).toBe(
          own.reduce((sum, event) => sum + cents(String(event.totals[field])), 0),
        );
      for (const field of ['sales', 'unpriced'] as const)
        expect(group[field]).toBe(own.reduce((sum, event) => sum + Number(event.totals[field]), 0));
    }
  };

  it('follows the promotor: an event with one counts under the promotor’s organizer, in JSON and CSV', async () => {
    const limited = await mappings().getEvent(EVENTS.limited, { consistent: true });
    if (!limited) throw new Error('no limited event');
    await mappings().putEvent(
      { ...limited, promotorId: DEMO_PROMOTOR_ID, version: limited.version + 1 },
      limited.version,
    );
    const { body } = await json(ADMIN, { organisationId: 'demo-org', ...WINDOW });
    const byEvent = Object.fromEntries(
      body.events.map((event: { eventId: string; organizerId: string | null }) => [
        event.eventId,
        event.organizerId,
      ]),
    );
    expect(byEvent).toEqual({
      [EVENTS.festival]: TEST_ORGANIZER_ID,
      [EVENTS.limited]: OTHER_UITPAS_ORGANIZER_ID,
    });
    const sorted = [TEST_ORGANIZER_ID, OTHER_UITPAS_ORGANIZER_ID].sort();
    expect(body.totals.perOrganizer.map((group: { organizerId: string }) => group.organizerId)).toEqual(
      sorted,
    );
    organizerTotalsAddUp(body);
    expect(
      body.totals.perOrganizer.find(
        (group: { organizerId: string }) => group.organizerId === OTHER_UITPAS_ORGANIZER_ID,
      ),
    ).toEqual({
      organizerId: OTHER_UITPAS_ORGANIZER_ID,
      sales: 1,
      regularPrice: '10.00',
      paidPrice: '2.00',
      difference: '8.00',
      unpriced: 0,
    });

    const cells = (await csv(ADMIN, { organisationId: 'demo-org', ...WINDOW })).rows
      .slice(1)
      .map((row) => row.split(','));
    const organizerTotals = cells.filter((row) => row[0] === 'organizer-total');
    expect(organizerTotals.map((row) => row[14])).toEqual(sorted);
    for (const total of organizerTotals) {
      const own = cells.filter((row) => row[0] === 'event-total' && row[14] === total[14]);
      for (const column of [10, 11, 12, 13])
        expect(own.reduce((sum, row) => sum + cents(row[column] ?? ''), 0)).toBe(cents(total[column] ?? ''));
    }
  });

  it('has no organizer for an event deleted since its sales: null, counted under null, last', async () => {
    const limited = await mappings().getEvent(EVENTS.limited, { consistent: true });
    if (!limited) throw new Error('no limited event');
    await mappings().deleteEvent(EVENTS.limited, limited.version);
    const { body } = await json(ADMIN, { organisationId: 'demo-org', ...WINDOW });
    expect(
      body.events.find((event: { eventId: string }) => event.eventId === EVENTS.limited).organizerId,
    ).toBeNull();
    expect(
      body.totals.perOrganizer.map((group: { organizerId: string | null }) => group.organizerId),
    ).toEqual([TEST_ORGANIZER_ID, null]);
    organizerTotalsAddUp(body);
    const cells = (await csv(ADMIN, { organisationId: 'demo-org', ...WINDOW })).rows
      .slice(1)
      .map((row) => row.split(','));
    expect(cells.filter((row) => row[0] === 'organizer-total').map((row) => [row[14], row[12]])).toEqual([
      [TEST_ORGANIZER_ID, '24.00'],
      ['', '8.00'],
    ]);
  });
});
