import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvField,
  formatEuro,
  groupByEvent,
  groupByOrganizer,
  type LedgerClaim,
  type Order,
  type OrderLine,
  reportCsv,
  reportSale,
  reportView,
  totalsOf,
} from './index.js';

const line = (overrides: Partial<OrderLine> = {}): OrderLine => ({
  lineId: 'l1',
  eventId: 'ev-1',
  organisationId: 'org',
  uitdatabankId: 'udb-1',
  uitpasNumberMasked: '0900******513',
  uitpasNumberHash: 'hmac-sha256:x',
  tariffId: 'SOCIALTARIFF',
  tariffName: 'Kansentarief',
  tariffPrice: 2,
  regularPrice: 10,
  quantity: 1,
  registeredPrice: 2,
  status: 'CONFIRMED',
  ticketSaleIds: ['s1'],
  cancelledTicketSaleIds: [],
  ...overrides,
});

const order = (lines: OrderLine[], orderId = 'box-office/o-1'): Order => ({
  orderId,
  requestHash: 'h',
  organisationIds: ['org'],
  clientName: 'box-office',
  keyId: 'k',
  status: 'CONFIRMED',
  lines,
  createdAt: '2025-03-01T10:00:00.000Z',
  updatedAt: '2025-03-01T10:00:00.000Z',
  version: 3,
});

const claim = (overrides: Partial<LedgerClaim> = {}): LedgerClaim => ({
  ticketSaleId: 's1',
  orderId: 'box-office/o-1',
  lineId: 'l1',
  organisationId: 'org',
  eventId: 'ev-1',
  registeredAt: '2025-03-01T10:00:00.000Z',
  ...overrides,
});

describe('reportSale', () => {
  it('takes a held or confirmed sale, in cents, with the public order id', () => {
    expect(reportSale(claim(), order([line()]), 'org')).toEqual({
      registeredAt: '2025-03-01T10:00:00.000Z',
      ticketSaleId: 's1',
      orderId: 'o-1',
      lineId: 'l1',
      eventId: 'ev-1',
      uitdatabankId: 'udb-1',
      status: 'CONFIRMED',
      tariffId: 'SOCIALTARIFF',
      tariffName: 'Kansentarief',
      regularCents: 1000,
      paidCents: 200,
      differenceCents: 800,
    });
    expect(reportSale(claim(), order([line({ status: 'HELD' })]), 'org')?.status).toBe('HELD');
  });

  it.each(['CANCELLED', 'CANCELLING', 'CANCEL_PENDING', 'REGISTERING', 'UNKNOWN', 'REFUSED'] as const)(
    'leaves out a %s line',
    (status) => {
      expect(reportSale(claim(), order([line({ status })]), 'org')).toBeUndefined();
    },
  );

  it('leaves out a cancelled sale, an orphaned one, another organisation and a missing order', () => {
    expect(reportSale(claim(), order([line({ cancelledTicketSaleIds: ['s1'] })]), 'org')).toBeUndefined();
    expect(reportSale(claim({ ticketSaleId: 's9' }), order([line()]), 'org')).toBeUndefined();
    expect(reportSale(claim({ lineId: 'l2' }), order([line()]), 'org')).toBeUndefined();
    expect(reportSale(claim(), order([line()]), 'other')).toBeUndefined();
    expect(reportSale(claim(), undefined, 'org')).toBeUndefined();
  });

  it('falls back on the tariff price for orders from before registeredPrice, and keeps a missing price null', () => {
    expect(
      reportSale(claim(), order([line({ registeredPrice: undefined, tariffPrice: 3 })]), 'org')?.paidCents,
    ).toBe(300);
    const unpriced = reportSale(claim(), order([line({ registeredPrice: null, tariffPrice: null })]), 'org');
    expect(unpriced).toMatchObject({ paidCents: null, differenceCents: null });
  });
});

describe('amounts', () => {
  it('print as EUR with 2 decimals', () => {
    expect([0, 5, 10, 99, 100, 123456, -5, -250].map(formatEuro)).toEqual([
      '0.00',
      '0.05',
      '0.10',
      '0.99',
      '1.00',
      '1234.56',
      '-0.05',
      '-2.50',
    ]);
    expect(() => formatEuro(0.5)).toThrow();
  });

  it('sum in cents, so totals equal the sum of their lines exactly where floats would not', () => {
    // 0.1 + 0.2 !== 0.3 in floating point; 1000 lines of 0.10 sum to exactly 100.00 in cents.
    const lines = Array.from({ length: 1000 }, (_, i) =>
      line({
        lineId: `l${i}`,
        ticketSaleIds: [`s${i}`],
        regularPrice: 0.3,
        registeredPrice: 0.1 + (i % 3) * 0.1,
      }),
    );
    const sales = lines.flatMap((candidate, i) => {
      const sale = reportSale(
        claim({ ticketSaleId: `s${i}`, lineId: candidate.lineId }),
        order(lines),
        'org',
      );
      return sale ? [sale] : [];
    });
    const totals = totalsOf(sales);
    expect(totals.sales).toBe(1000);
    expect(totals.regularCents).toBe(30000);
    expect(totals.paidCents).toBe(sales.reduce((sum, sale) => sum + (sale.paidCents ?? 0), 0));
    expect(totals.differenceCents).toBe(totals.regularCents - totals.paidCents);
  });
});

describe('the report', () => {
  const two = order([
    line(),
    line({
      lineId: 'l2',
      eventId: 'ev-2',
      uitdatabankId: 'udb-2',
      ticketSaleIds: ['s2', 's3'],
      registeredPrice: 2.5,
      regularPrice: 12.5,
    }),
    line({ lineId: 'l3', ticketSaleIds: ['s4'], registeredPrice: null }),
  ]);
  const sales = [
    claim(),
    claim({ ticketSaleId: 's2', lineId: 'l2', eventId: 'ev-2' }),
    claim({ ticketSaleId: 's3', lineId: 'l2', eventId: 'ev-2' }),
    claim({ ticketSaleId: 's4', lineId: 'l3' }),
  ].flatMap((one) => {
    const sale = reportSale(one, two, 'org');
    return sale ? [sale] : [];
  });
  const organizers = new Map([
    ['ev-1', 'orgz-b'],
    ['ev-2', 'orgz-a'],
  ]);

  it('groups per event with totals that add up to the organisation total', () => {
    const view = reportView(
      { organisationId: 'org', from: '2025-01-01', to: '2025-12-31' },
      sales,
      null,
      organizers,
    );
    expect(view.events.map((event) => [event.eventId, event.organizerId, event.sales.length])).toEqual([
      ['ev-1', 'orgz-b', 2],
      ['ev-2', 'orgz-a', 2],
    ]);
    expect(view.events[0]?.totals).toEqual({
      sales: 2,
      regularPrice: '20.00',
      paidPrice: '2.00',
      difference: '8.00',
      unpriced: 1,
    });
    expect(view.events[1]?.totals).toEqual({
      sales: 2,
      regularPrice: '25.00',
      paidPrice: '5.00',
      difference: '20.00',
      unpriced: 0,
    });
    expect(view.totals).toEqual({
      sales: 4,
      regularPrice: '45.00',
      paidPrice: '7.00',
      difference: '28.00',
      unpriced: 1,
      // Sorted by organizer id: ev-2's organizer first.
      perOrganizer: [
        { organizerId: 'orgz-a', ...view.events[1]?.totals },
        { organizerId: 'orgz-b', ...view.events[0]?.totals },
      ],
    });
    expect(view.events[0]?.sales[1]).toMatchObject({ paidPrice: null, difference: null });
  });

  it('totals per organizer: the exact sum of its events’ totals, the unresolved under null, last', () => {
    const more = [
      ...sales,
      ...[
        claim({ ticketSaleId: 's5', lineId: 'l4', eventId: 'ev-3' }),
        claim({ ticketSaleId: 's6', lineId: 'l5', eventId: 'ev-4' }),
      ].flatMap((one) => {
        const sale = reportSale(
          one,
          order([
            line({
              lineId: 'l4',
              eventId: 'ev-3',
              ticketSaleIds: ['s5'],
              registeredPrice: 0.1,
              regularPrice: 0.3,
            }),
            line({
              lineId: 'l5',
              eventId: 'ev-4',
              ticketSaleIds: ['s6'],
              registeredPrice: 0.2,
              regularPrice: 0.3,
            }),
          ]),
          'org',
        );
        return sale ? [sale] : [];
      }),
    ];
    // ev-1 and ev-3 share an organizer; ev-4 has none (deleted, say): null, as absent from the map.
    const shared = new Map<string, string | null>([
      ['ev-1', 'orgz-b'],
      ['ev-2', 'orgz-a'],
      ['ev-3', 'orgz-b'],
    ]);
    const groups = groupByEvent(more);
    const perOrganizer = groupByOrganizer(groups, shared);
    expect(perOrganizer.map((group) => [group.organizerId, group.eventIds])).toEqual([
      ['orgz-a', ['ev-2']],
      ['orgz-b', ['ev-1', 'ev-3']],
      [null, ['ev-4']],
    ]);
    for (const group of perOrganizer) {
      const own = groups.filter((event) => group.eventIds.includes(event.eventId));
      for (const field of ['sales', 'regularCents', 'paidCents', 'differenceCents', 'unpriced'] as const)
        expect(group.totals[field]).toBe(own.reduce((sum, event) => sum + event.totals[field], 0));
    }
    expect(perOrganizer[1]?.totals).toEqual({
      sales: 3,
      regularCents: 2030,
      paidCents: 210,
      differenceCents: 820,
      unpriced: 1,
    });
    // Every sale counts under exactly one organizer: the organizers add up to the whole.
    const whole = totalsOf(more);
    for (const field of ['sales', 'regularCents', 'paidCents', 'differenceCents', 'unpriced'] as const)
      expect(perOrganizer.reduce((sum, group) => sum + group.totals[field], 0)).toBe(whole[field]);
    const view = reportView(
      { organisationId: 'org', from: '2025-01-01', to: '2025-12-31' },
      more,
      null,
      shared,
    );
    expect(view.events.find((event) => event.eventId === 'ev-4')?.organizerId).toBeNull();
    expect(view.totals.perOrganizer.map((group) => [group.organizerId, group.difference])).toEqual([
      ['orgz-a', '20.00'],
      ['orgz-b', '8.20'],
      [null, '0.10'],
    ]);
  });

  it('writes CSV: header, sale rows per event, event totals, the organisation total (or a part total)', () => {
    const csv = reportCsv(sales, true, organizers);
    const rows = csv.split('\r\n');
    expect(csv.startsWith(CSV_HEADER)).toBe(true);
    expect(rows[0]).toMatch(/,sales,organizer_id$/);
    expect(rows[1]).toBe(
      'sale,2025-03-01T10:00:00.000Z,ev-1,udb-1,o-1,l1,s1,CONFIRMED,SOCIALTARIFF,Kansentarief,10.00,2.00,8.00,1,orgz-b',
    );
    expect(rows[2]).toBe(
      'sale,2025-03-01T10:00:00.000Z,ev-1,udb-1,o-1,l3,s4,CONFIRMED,SOCIALTARIFF,Kansentarief,10.00,,,1,orgz-b',
    );
    expect(rows[3]).toBe('event-total,,ev-1,udb-1,,,,,,,20.00,2.00,8.00,2,orgz-b');
    expect(rows[6]).toBe('event-total,,ev-2,udb-2,,,,,,,25.00,5.00,20.00,2,orgz-a');
    expect(rows[7]).toBe('organizer-total,,,,,,,,,,25.00,5.00,20.00,2,orgz-a');
    expect(rows[8]).toBe('organizer-total,,,,,,,,,,20.00,2.00,8.00,2,orgz-b');
    expect(rows[9]).toBe('organisation-total,,,,,,,,,,45.00,7.00,28.00,4,');
    expect(rows[10]).toBe('');
    expect(reportCsv(sales, false, organizers).split('\r\n')[9]).toMatch(/^part-total,/);
    // An event whose organizer is unresolved: empty organizer_id, and its own organizer-total row.
    expect(reportCsv(sales, true, new Map([['ev-1', 'orgz-b']])).split('\r\n')[8]).toBe(
      'organizer-total,,,,,,,,,,25.00,5.00,20.00,2,',
    );
    expect(reportCsv([], true, new Map())).toBe(
      `${CSV_HEADER}organisation-total,,,,,,,,,,0.00,0.00,0.00,0,\r\n`,
    );
  });

  it('quotes CSV fields as RFC 4180 says, and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField('-0.05')).toBe('-0.05');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });
});
