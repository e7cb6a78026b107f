import { describe, expect, it } from 'vitest';
import type { Principal } from './access.js';
import type { TicketingEvent } from './mappings.js';
import {
  evaluateReadiness,
  type PermittedOrganizer,
  READINESS_ITEM_IDS,
  type ReadinessFacts,
  type ReadinessItemId,
  type ReadinessReport,
  UNAVAILABLE,
} from './readiness.js';
import { toSnapshot } from './readiness-snapshot.js';
import { planTariffRequest } from './tariffs.js';

const UDB_EVENT = '5a0967f9-cc06-4c3c-9206-30481a767434';
const ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const OTHER_ORGANIZER = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';
const NOW = new Date('2026-03-01T10:00:00.000Z');

const event = (overrides: Partial<TicketingEvent> = {}): TicketingEvent => ({
  eventId: 'ev-1',
  organisationId: 'org-a',
  name: 'Festival',
  startDate: '2026-09-01T20:00:00+02:00',
  labels: ['UiTPAS'],
  ticketTypes: [
    { id: 'base', name: 'Basistarief', price: 10, standard: true },
    { id: 'reduced', name: 'Reductie', price: 8, standard: false },
  ],
  uitdatabankId: UDB_EVENT,
  uitdatabankIdSource: 'manual',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'test',
  version: 3,
  ...overrides,
});

const permitted: PermittedOrganizer[] = [
  {
    organizerId: ORGANIZER,
    name: 'Test',
    permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'TICKETSALES_SEARCH', 'PASSES_READ'],
  },
];

/** Every item holds. */
function facts(overrides: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    event: event(),
    organisation: { organisationId: 'org-a', uitdatabankOrganizerId: ORGANIZER },
    promotor: undefined,
    uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'APPROVED', basePrice: 10, organizerId: ORGANIZER },
    permissions: permitted,
    cardSystems: [
      { id: 1, name: 'UiTPAS Gent', enabled: true },
      { id: 2, name: 'Paspartoe', enabled: false },
    ],
    now: NOW,
    ...overrides,
  };
}

const item = (report: ReadinessReport, id: ReadinessItemId) => {
  const found = report.items.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};
const failing = (report: ReadinessReport) => report.items.filter((i) => !i.ok).map((i) => i.id);

describe('readiness checklist', () => {
  it('answers every item, in checklist order, and is ready when all hold', () => {
    const report = evaluateReadiness(facts());
    expect(report.items.map((i) => i.id)).toEqual(READINESS_ITEM_IDS);
    expect(report).toMatchObject({ eventId: 'ev-1', ready: true, checkedAt: NOW.toISOString() });
    expect(failing(report)).toEqual([]);
    expect(report.items.every((i) => i.fix === undefined)).toBe(true);
    expect(item(report, 'uitdatabank-id').observed).toEqual({ uitdatabankId: UDB_EVENT, source: 'manual' });
    expect(report.organizerPermission).toEqual({
      organizerId: ORGANIZER,
      permitted: true,
      checkedAt: NOW.toISOString(),
    });
  });

  it('says where the UiTdatabank id came from', () => {
    const report = evaluateReadiness(facts({ event: event({ uitdatabankIdSource: 'sync' }) }));
    expect(item(report, 'uitdatabank-id').observed).toEqual({ uitdatabankId: UDB_EVENT, source: 'sync' });
  });

  it('fails item 1 without an UiTdatabank id, and the items that need it say to fix it first', () => {
    const report = evaluateReadiness(
      facts({ event: event({ uitdatabankId: undefined, uitdatabankIdSource: undefined }) }),
    );
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual([
      'uitdatabank-id',
      'uitdatabank-event',
      'base-price',
      'organizer-match',
      'uitpas-knows-event',
    ]);
    expect(item(report, 'uitdatabank-id').fix?.en).toMatch(/Label it uitDB/);
    for (const id of ['uitdatabank-event', 'base-price', 'organizer-match', 'uitpas-knows-event'] as const) {
      expect(item(report, id).fix?.en).toMatch(/Fix the item "UiTdatabank id" above first/);
      expect(item(report, id).fix?.nl).toMatch(/Los eerst het punt "UiTdatabank-id"/);
    }
  });

  it('fails item 2 alone when the event lacks the UiTPAS label (case matters)', () => {
    const report = evaluateReadiness(facts({ event: event({ labels: ['uitpas', 'uitDB'] }) }));
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitpas-label']);
    expect(item(report, 'uitpas-label').observed).toEqual({ labels: ['uitpas', 'uitDB'] });
  });

  it('fails item 3 without a standard ticket type; the base price cannot be compared (a warning)', () => {
    const report = evaluateReadiness(
      facts({ event: event({ ticketTypes: [{ id: 'a', name: 'A', price: 10, standard: false }] }) }),
    );
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['standard-ticket-type', 'base-price']);
    expect(item(report, 'standard-ticket-type').fix?.en).toMatch(/No ticket type is marked standard/);
    expect(item(report, 'base-price')).toMatchObject({ severity: 'warning' });
  });

  it('fails item 3 with several standard ticket types, naming them', () => {
    const report = evaluateReadiness(
      facts({
        event: event({
          ticketTypes: [
            { id: 'a', name: 'A', price: 10, standard: true },
            { id: 'b', name: 'B', price: 10, standard: true },
          ],
        }),
      }),
    );
    expect(item(report, 'standard-ticket-type')).toMatchObject({ ok: false, severity: 'error' });
    expect(item(report, 'standard-ticket-type').fix?.en).toMatch(
      /2 ticket types are marked standard \(a, b\)/,
    );
    expect(report.ready).toBe(false);
  });

  it('fails item 3 when the standard ticket type is free', () => {
    const report = evaluateReadiness(
      facts({ event: event({ ticketTypes: [{ id: 'free', name: 'Gratis', price: 0, standard: true }] }) }),
    );
    expect(item(report, 'standard-ticket-type')).toMatchObject({ ok: false, severity: 'error' });
    expect(item(report, 'standard-ticket-type').fix?.nl).toMatch(/kost 0\.00 EUR/);
  });

  it.each([
    ['DRAFT', /still a draft/],
    ['REJECTED', /was rejected/],
    ['DELETED', /was deleted/],
    [undefined, /status unknown/],
  ])('fails item 4 alone for an UiTdatabank event in status %s', (workflowStatus, fix) => {
    const report = evaluateReadiness(
      facts({ uitdatabankEvent: { id: UDB_EVENT, workflowStatus, basePrice: 10, organizerId: ORGANIZER } }),
    );
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitdatabank-event']);
    expect(item(report, 'uitdatabank-event').observed).toEqual({
      uitdatabankId: UDB_EVENT,
      workflowStatus: workflowStatus ?? null,
    });
    expect(item(report, 'uitdatabank-event').fix?.en).toMatch(fix);
  });

  it('accepts READY_FOR_VALIDATION as published', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'READY_FOR_VALIDATION',
          basePrice: 10,
          organizerId: ORGANIZER,
        },
      }),
    );
    expect(report.ready).toBe(true);
  });

  it('fails item 4 when UiTdatabank does not know the event; base price and organizer wait for it', () => {
    const report = evaluateReadiness(facts({ uitdatabankEvent: null }));
    expect(failing(report)).toEqual(['uitdatabank-event', 'base-price', 'organizer-match']);
    expect(item(report, 'uitdatabank-event').observed).toBe(`UiTdatabank does not know event ${UDB_EVENT}`);
    expect(item(report, 'base-price').fix?.en).toMatch(/Fix the item "UiTdatabank event" above first/);
  });

  it('fails the base price (an error) when UiTdatabank has none', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: undefined,
          organizerId: ORGANIZER,
        },
      }),
    );
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['base-price']);
    expect(item(report, 'base-price')).toMatchObject({
      severity: 'error',
      observed: { basePrice: null, standardPrice: 10 },
    });
    expect(item(report, 'base-price').fix?.en).toMatch(/has no base price.*10\.00 EUR/);
  });

  it('fails the base price (an error) when it is 0', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'APPROVED', basePrice: 0, organizerId: ORGANIZER },
      }),
    );
    expect(report.ready).toBe(false);
    expect(item(report, 'base-price')).toMatchObject({ ok: false, severity: 'error' });
  });

  it('only warns when the base price differs from the standard ticket price: still ready', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: 12.5,
          organizerId: ORGANIZER,
        },
      }),
    );
    expect(report.ready).toBe(true);
    expect(item(report, 'base-price')).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: { basePrice: 12.5, standardPrice: 10 },
    });
    expect(item(report, 'base-price').fix?.en).toMatch(/12\.50 EUR.*differs.*10\.00 EUR/);
  });

  it('compares prices in cents, not as floats', () => {
    const report = evaluateReadiness(
      facts({
        event: event({ ticketTypes: [{ id: 'base', name: 'Basis', price: 0.3, standard: true }] }),
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: 0.1 + 0.2,
          organizerId: ORGANIZER,
        },
      }),
    );
    expect(item(report, 'base-price').ok).toBe(true);
  });

  it('fails item 5 alone when the UiTdatabank event has another organizer', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: 10,
          organizerId: OTHER_ORGANIZER,
        },
        permissions: [
          ...permitted,
          { organizerId: OTHER_ORGANIZER, name: 'Other', permissions: ['TARIFFS_READ'] },
        ],
      }),
    );
    expect(failing(report)).toEqual(['organizer-match']);
    expect(item(report, 'organizer-match').observed).toEqual({
      expectedOrganizerId: ORGANIZER,
      expectedFrom: 'organisation',
      uitdatabankOrganizerId: OTHER_ORGANIZER,
    });
    expect(item(report, 'organizer-match').fix?.en).toMatch(/organisation org-a/);
    // The till deals with the UiTdatabank event's organizer: that is the permission the basket learns about.
    expect(report.organizerPermission).toMatchObject({ organizerId: OTHER_ORGANIZER, permitted: false });
  });

  it('fails item 5 when the UiTdatabank event has no (or a dummy) organizer', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'APPROVED', basePrice: 10, organizerId: null },
      }),
    );
    expect(failing(report)).toEqual(['organizer-match']);
    expect(item(report, 'organizer-match').fix?.en).toMatch(/has no organizer/);
    expect(report.organizerPermission).toMatchObject({ organizerId: ORGANIZER, permitted: true });
  });

  it('matches organizer ids whatever their case', () => {
    const report = evaluateReadiness(
      facts({
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: 10,
          organizerId: ORGANIZER.toUpperCase(),
        },
      }),
    );
    expect(report.ready).toBe(true);
  });

  it('takes the promotor’s organizer over the organisation’s', () => {
    const promoted = facts({
      event: event({ promotorId: 'promo-1' }),
      organisation: { organisationId: 'org-a', uitdatabankOrganizerId: OTHER_ORGANIZER },
      promotor: { promotorId: 'promo-1', uitdatabankOrganizerId: ORGANIZER },
    });
    const report = evaluateReadiness(promoted);
    expect(report.ready).toBe(true);
    expect(item(report, 'organizer-match').observed).toMatchObject({ expectedFrom: 'promotor' });

    const mismatch = evaluateReadiness({
      ...promoted,
      promotor: { promotorId: 'promo-1', uitdatabankOrganizerId: OTHER_ORGANIZER },
      organisation: { organisationId: 'org-a', uitdatabankOrganizerId: ORGANIZER },
    });
    expect(failing(mismatch)).toEqual(['organizer-match', 'uitpas-permission', 'uitpas-ticket-sales-search']);
    expect(item(mismatch, 'organizer-match').fix?.en).toMatch(/promotor promo-1/);
  });

  it('fails item 5 with the organizer rule’s own fix when no organizer resolves; item 6 waits for it', () => {
    const report = evaluateReadiness(
      facts({ organisation: { organisationId: 'org-a', uitdatabankOrganizerId: undefined } }),
    );
    expect(failing(report)).toEqual(['organizer-match', 'uitpas-permission', 'uitpas-ticket-sales-search']);
    expect(item(report, 'organizer-match')).toMatchObject({
      observed: { expectedOrganizerId: null, unresolved: 'organisation-without-uitdatabank-id' },
      fix: { en: expect.stringMatching(/has no UiTdatabank organizer id/), nl: expect.any(String) },
    });
    expect(item(report, 'uitpas-permission').fix?.en).toMatch(/Fix the item "organizer" above first/);
    // The UiTdatabank event still names the organizer UiTPAS checks.
    expect(report.organizerPermission).toMatchObject({ organizerId: ORGANIZER, permitted: true });
  });

  it('fails item 5 for an unknown promotor', () => {
    const report = evaluateReadiness(facts({ event: event({ promotorId: 'ghost' }) }));
    expect(item(report, 'organizer-match').observed).toMatchObject({ unresolved: 'promotor-unknown' });
  });

  it('fails item 6 (item 9 warns) when the organizer is not among our permissions: ask the servicedesk', () => {
    const report = evaluateReadiness(facts({ permissions: [] }));
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitpas-permission', 'uitpas-ticket-sales-search']);
    expect(item(report, 'uitpas-permission').observed).toEqual({
      organizerId: ORGANIZER,
      listed: false,
      permissions: [],
      missing: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
    });
    expect(item(report, 'uitpas-permission').fix?.en).toMatch(
      /ask the servicedesk to add this organisation to the UiTPAS integration/i,
    );
    expect(item(report, 'uitpas-permission').fix?.nl).toMatch(/Vraag de servicedesk/);
    expect(report.organizerPermission).toEqual({
      organizerId: ORGANIZER,
      permitted: false,
      checkedAt: NOW.toISOString(),
    });
  });

  it('fails item 6 when one of the two permissions is missing', () => {
    const report = evaluateReadiness(
      facts({ permissions: [{ organizerId: ORGANIZER, name: 'Test', permissions: ['TARIFFS_READ'] }] }),
    );
    expect(failing(report)).toEqual(['uitpas-permission', 'uitpas-ticket-sales-search']);
    expect(item(report, 'uitpas-permission').observed).toMatchObject({
      listed: true,
      missing: ['TICKETSALES_REGISTER'],
    });
    expect(report.organizerPermission?.permitted).toBe(false);
  });

  it('combines the permissions of an organizer listed more than once (directly and as a linked organizer)', () => {
    const report = evaluateReadiness(
      facts({
        permissions: [
          { organizerId: ORGANIZER, name: 'Test', permissions: ['TARIFFS_READ'] },
          { organizerId: ORGANIZER, name: 'Test', permissions: ['TICKETSALES_REGISTER'] },
        ],
      }),
    );
    expect(report.ready).toBe(true);
  });

  describe('permissions limited to card systems', () => {
    // The event has UiTPAS Gent (1) and Paspartoe (2) enabled; UiTPAS Dender (3) is disabled.
    const cardSystems = [
      { id: 1, name: 'UiTPAS Gent', enabled: true },
      { id: 2, name: 'Paspartoe', enabled: true },
      { id: 3, name: 'UiTPAS Dender', enabled: false },
    ];
    /** `register` defaults to the same limit; null: not limited. */
    const limitedTo = (
      tariffs: number[] | null,
      register: number[] | null = tariffs,
    ): PermittedOrganizer[] => [
      {
        organizerId: ORGANIZER,
        name: 'Test',
        permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'TICKETSALES_SEARCH'],
        cardSystemLimits: {
          ...(tariffs ? { TARIFFS_READ: tariffs } : {}),
          ...(register ? { TICKETSALES_REGISTER: register } : {}),
        },
      },
    ];
    const limited = (permissions: PermittedOrganizer[], overrides: Partial<ReadinessFacts> = {}) =>
      evaluateReadiness(facts({ permissions, cardSystems, ...overrides }));

    it('passes when the limits cover every enabled card system, and says which they cover', () => {
      const report = limited(limitedTo([1, 2, 7]));
      expect(report.ready).toBe(true);
      expect(item(report, 'uitpas-permission')).toMatchObject({
        ok: true,
        observed: {
          missing: [],
          cardSystems: {
            limitedTo: { TARIFFS_READ: [1, 2, 7], TICKETSALES_REGISTER: [1, 2, 7] },
            covered: [
              { id: 1, name: 'UiTPAS Gent' },
              { id: 2, name: 'Paspartoe' },
            ],
            uncovered: [],
          },
        },
      });
      expect(report.organizerPermission).toEqual({
        organizerId: ORGANIZER,
        permitted: true,
        cardSystems: {
          covered: [expect.objectContaining({ id: 1 }), expect.objectContaining({ id: 2 })],
          uncovered: [],
        },
        checkedAt: NOW.toISOString(),
      });
    });

    it('fails (not ready) when no enabled card system is covered, naming them and sending the operator to publiq', () => {
      // A disabled card system does not count as covered.
      const report = limited(limitedTo([3]));
      expect(report.ready).toBe(false);
      expect(failing(report)).toEqual(['uitpas-permission']);
      const permission = item(report, 'uitpas-permission');
      expect(permission.severity).toBe('error');
      expect(permission.observed).toMatchObject({
        cardSystems: { covered: [], uncovered: [{ id: 1 }, { id: 2 }] },
      });
      expect(permission.fix?.en).toMatch(
        /none of this event's card systems \(UiTPAS Gent \(1\), Paspartoe \(2\)\)/,
      );
      expect(permission.fix?.en).toMatch(/Ask publiq/);
      expect(permission.fix?.en).toMatch(/TARIFFS_READ: UiTPAS Dender \(3\)/);
      expect(permission.fix?.nl).toMatch(/Vraag publiq/);
      expect(report.organizerPermission?.cardSystems).toEqual({
        covered: [],
        uncovered: [
          { id: 1, name: 'UiTPAS Gent' },
          { id: 2, name: 'Paspartoe' },
        ],
      });
      expect(report.organizerPermission?.permitted).toBe(true);
    });

    it('warns (still ready) when some are covered, naming those whose passholders get no discount', () => {
      const report = limited(limitedTo([1]));
      expect(report.ready).toBe(true);
      const permission = item(report, 'uitpas-permission');
      expect(permission).toMatchObject({ ok: false, severity: 'warning' });
      expect(permission.fix?.en).toMatch(/passholders of Paspartoe \(2\) get no discount/);
      expect(permission.fix?.nl).toMatch(/pashouders van Paspartoe \(2\) krijgen geen kansentarief/);
      expect(report.organizerPermission?.cardSystems).toEqual({
        covered: [{ id: 1, name: 'UiTPAS Gent' }],
        uncovered: [{ id: 2, name: 'Paspartoe' }],
      });
    });

    it('needs both permissions to cover a card system; one without limit covers all', () => {
      const split = limited(limitedTo([1], [2]));
      expect(item(split, 'uitpas-permission')).toMatchObject({ ok: false, severity: 'error' });
      expect(item(split, 'uitpas-permission').observed).toMatchObject({
        cardSystems: { limitedTo: { TARIFFS_READ: [1], TICKETSALES_REGISTER: [2] } },
      });

      const oneUnlimited = limited(limitedTo([2], null));
      expect(item(oneUnlimited, 'uitpas-permission')).toMatchObject({ ok: false, severity: 'warning' });
      expect(item(oneUnlimited, 'uitpas-permission').observed).toMatchObject({
        cardSystems: { limitedTo: { TARIFFS_READ: [2], TICKETSALES_REGISTER: null }, uncovered: [{ id: 1 }] },
      });
      expect(item(oneUnlimited, 'uitpas-permission').fix?.en).toMatch(
        /TICKETSALES_REGISTER: all card systems/,
      );
    });

    it('lets an unlimited grant win over a limited one for an organizer listed twice; limits add up', () => {
      const [base] = limitedTo([3]);
      if (!base) throw new Error('no entry');
      const unlimited = { organizerId: ORGANIZER.toUpperCase(), name: 'Test', permissions: ['TARIFFS_READ'] };
      const widened = limited([base, unlimited]);
      expect(item(widened, 'uitpas-permission').observed).toMatchObject({
        cardSystems: { limitedTo: { TARIFFS_READ: null, TICKETSALES_REGISTER: [3] } },
      });
      const added = limited([
        base,
        { ...base, cardSystemLimits: { TARIFFS_READ: [1], TICKETSALES_REGISTER: [1, 2] } },
      ]);
      expect(item(added, 'uitpas-permission').observed).toMatchObject({
        cardSystems: { limitedTo: { TARIFFS_READ: [1, 3], TICKETSALES_REGISTER: [1, 2, 3] } },
      });
      expect(item(added, 'uitpas-permission')).toMatchObject({ ok: false, severity: 'warning' });
    });

    it('keeps the observed permission as before when nothing is limited', () => {
      const report = limited(limitedTo(null));
      expect(item(report, 'uitpas-permission').observed).toEqual({
        organizerId: ORGANIZER,
        listed: true,
        permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'TICKETSALES_SEARCH'],
        missing: [],
      });
      expect(report.organizerPermission).not.toHaveProperty('cardSystems');
    });

    it.each([
      ['UiTPAS does not know the event', null, 'not checked: "event known to UiTPAS" failed'],
      ['UiTPAS is unreachable', UNAVAILABLE, 'not checked: UiTPAS unreachable'],
    ] as const)(
      'does not fail twice when %s: item 7 fails, this one says it did not check',
      (_n, known, seen) => {
        const report = limited(limitedTo([3]), { cardSystems: known });
        expect(report.ready).toBe(false);
        expect(failing(report)).toEqual(['uitpas-knows-event']);
        expect(item(report, 'uitpas-permission').observed).toMatchObject({
          cardSystems: { limitedTo: { TARIFFS_READ: [3] }, eventCardSystems: seen },
        });
        // The till is told nothing it could refuse on.
        expect(report.organizerPermission).not.toHaveProperty('cardSystems');
      },
    );
  });

  it('fails item 7 alone when UiTPAS does not know the event, saying it can lag a few seconds', () => {
    const report = evaluateReadiness(facts({ cardSystems: null }));
    expect(failing(report)).toEqual(['uitpas-knows-event']);
    expect(item(report, 'uitpas-knows-event').observed).toBe('UiTPAS does not know the event');
    expect(item(report, 'uitpas-knows-event').fix?.en).toMatch(/lag a few seconds/);
    expect(item(report, 'uitpas-knows-event').fix?.nl).toMatch(/enkele seconden/);
  });

  it('fails item 7 when no card system is enabled for the event', () => {
    for (const cardSystems of [[], [{ id: 1, name: 'UiTPAS Gent', enabled: false }]]) {
      const report = evaluateReadiness(facts({ cardSystems }));
      expect(failing(report)).toEqual(['uitpas-knows-event']);
      expect(item(report, 'uitpas-knows-event').fix?.en).toMatch(/no card system is enabled/);
    }
  });

  it('never guesses: an unreachable UiTdatabank fails the items that need it', () => {
    const report = evaluateReadiness(facts({ uitdatabankEvent: UNAVAILABLE }));
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitdatabank-event', 'base-price', 'organizer-match']);
    for (const id of ['uitdatabank-event', 'base-price', 'organizer-match'] as const) {
      expect(item(report, id)).toMatchObject({
        severity: 'error',
        observed: 'UiTdatabank unreachable',
        fix: {
          en: expect.stringMatching(/could not be reached/),
          nl: expect.stringMatching(/niet bereikbaar/),
        },
      });
    }
    // Only the resolved organizer is known; the permissions are: the basket may still learn about it.
    expect(report.organizerPermission).toMatchObject({ organizerId: ORGANIZER, permitted: true });
  });

  it('never guesses: unreachable UiTPAS permissions fail item 6 and tell the basket nothing', () => {
    const report = evaluateReadiness(facts({ permissions: UNAVAILABLE }));
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitpas-permission', 'uitpas-ticket-sales-search']);
    expect(item(report, 'uitpas-permission').observed).toBe('UiTPAS unreachable');
    expect(report.organizerPermission).toBeUndefined();
  });

  it('never guesses: unreachable UiTPAS card systems fail item 7', () => {
    const report = evaluateReadiness(facts({ cardSystems: UNAVAILABLE }));
    expect(report.ready).toBe(false);
    expect(failing(report)).toEqual(['uitpas-knows-event']);
    expect(item(report, 'uitpas-knows-event').observed).toBe('UiTPAS unreachable');
  });

  it('flags the items it could not check because an upstream was unreachable, and only those', () => {
    const report = evaluateReadiness(facts({ cardSystems: UNAVAILABLE, uitdatabankEvent: UNAVAILABLE }));
    expect(report.items.filter((entry) => entry.unavailable).map((entry) => entry.id)).toEqual([
      'uitdatabank-event',
      'base-price',
      'organizer-match',
      'uitpas-knows-event',
    ]);
    expect(item(report, 'uitpas-knows-event').unavailable).toBe(true);
    const known = evaluateReadiness(facts({ cardSystems: null }));
    expect(known.items.some((entry) => entry.unavailable)).toBe(false);
  });

  it('gives Dutch and English for every failing item', () => {
    const report = evaluateReadiness(
      facts({
        event: event({ labels: [], ticketTypes: [], promotorId: 'ghost' }),
        uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'DRAFT', basePrice: undefined, organizerId: null },
        permissions: [],
        cardSystems: null,
      }),
    );
    expect(report.items.filter((i) => !i.ok)).toHaveLength(8);
    for (const failed of report.items.filter((i) => !i.ok)) {
      expect(failed.fix?.nl.length).toBeGreaterThan(10);
      expect(failed.fix?.en.length).toBeGreaterThan(10);
      expect(failed.fix?.nl).not.toBe(failed.fix?.en);
    }
  });
});

describe('TICKETSALES_SEARCH (item 9, never more than a warning)', () => {
  const withoutSearch: PermittedOrganizer[] = [
    {
      organizerId: ORGANIZER,
      name: 'Test',
      permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER', 'PASSES_READ'],
    },
  ];
  const basket: Principal = { keyId: 'k', clientName: 'till', role: 'basket', organisations: ['org-a'] };

  it('holds, as a warning-level item without a fix, when our client has it for the organizer', () => {
    const report = evaluateReadiness(facts());
    expect(item(report, 'uitpas-ticket-sales-search')).toEqual({
      id: 'uitpas-ticket-sales-search',
      ok: true,
      severity: 'warning',
      observed: { organizerId: ORGANIZER, listed: true, held: true },
    });
  });

  it('counts a grant through a linked organizer', () => {
    const report = evaluateReadiness(
      facts({
        permissions: [
          ...withoutSearch,
          { organizerId: ORGANIZER.toUpperCase(), name: 'Test', permissions: ['TICKETSALES_SEARCH'] },
        ],
      }),
    );
    expect(item(report, 'uitpas-ticket-sales-search').ok).toBe(true);
  });

  it('warns without it, saying what is lost and to ask publiq’s servicedesk; the event stays ready', () => {
    const report = evaluateReadiness(facts({ permissions: withoutSearch }));
    expect(report.ready).toBe(true);
    expect(failing(report)).toEqual(['uitpas-ticket-sales-search']);
    const search = item(report, 'uitpas-ticket-sales-search');
    expect(search).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: { organizerId: ORGANIZER, listed: true, held: false },
    });
    expect(search.unavailable).toBeUndefined();
    expect(search.fix?.en).toMatch(/lacks TICKETSALES_SEARCH .* for organizer 0ce87cbc/);
    expect(search.fix?.en).toMatch(/registration whose answer from UiTPAS was lost cannot be settled/);
    expect(search.fix?.en).toMatch(/reconciliation cannot compare/);
    expect(search.fix?.en).toMatch(/Ask publiq's servicedesk to grant TICKETSALES_SEARCH for this organizer/);
    expect(search.fix?.nl).toMatch(/het recht TICKETSALES_SEARCH \(ticketsales zoeken\) niet/);
    expect(search.fix?.nl).toMatch(/antwoord van UiTPAS verloren ging, kan niet opgehelderd worden/);
    expect(search.fix?.nl).toMatch(/reconciliatie kan onze verkopen niet vergelijken/);
    expect(search.fix?.nl).toMatch(/Vraag de servicedesk van publiq om TICKETSALES_SEARCH/);
  });

  it('leaves the basket as it was: the snapshot keeps it among the warnings, and the till does not refuse', () => {
    const report = evaluateReadiness(facts({ permissions: withoutSearch }));
    expect(report.organizerPermission).toEqual(evaluateReadiness(facts()).organizerPermission);
    const snapshot = toSnapshot(report, 3);
    expect(snapshot).toMatchObject({ ready: true, errors: [], warnings: ['uitpas-ticket-sales-search'] });
    const plan = planTariffRequest('ev-1', event(), basket, {
      organizerPermission: snapshot.organizerPermission,
    });
    expect(plan.regularPrice).toBe(10);
  });

  it('stays a warning when it cannot be checked: the organizer unresolved, or UiTPAS unreachable', () => {
    const unresolved = evaluateReadiness(
      facts({ organisation: { organisationId: 'org-a', uitdatabankOrganizerId: undefined } }),
    );
    expect(item(unresolved, 'uitpas-ticket-sales-search')).toMatchObject({
      ok: false,
      severity: 'warning',
      fix: { en: expect.stringMatching(/Fix the item "organizer" above first/) },
    });
    const unreachable = evaluateReadiness(facts({ permissions: UNAVAILABLE }));
    expect(item(unreachable, 'uitpas-ticket-sales-search')).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: 'UiTPAS unreachable',
      unavailable: true,
    });
  });

  it('warns for an organizer our client is not listed for, beside the permission item’s error', () => {
    const report = evaluateReadiness(facts({ permissions: [] }));
    expect(item(report, 'uitpas-permission').severity).toBe('error');
    expect(item(report, 'uitpas-ticket-sales-search')).toMatchObject({
      severity: 'warning',
      observed: { organizerId: ORGANIZER, listed: false, held: false },
    });
  });

  it.each([
    ['every item holding', {}],
    [
      'a base price mismatch',
      {
        uitdatabankEvent: {
          id: UDB_EVENT,
          workflowStatus: 'APPROVED',
          basePrice: 12,
          organizerId: ORGANIZER,
        },
      },
    ],
    [
      'a draft',
      { uitdatabankEvent: { id: UDB_EVENT, workflowStatus: 'DRAFT', basePrice: 10, organizerId: ORGANIZER } },
    ],
    ['an event UiTPAS does not know', { cardSystems: null }],
    ['UiTPAS card systems unreachable', { cardSystems: UNAVAILABLE }],
  ] as const)('does not change the verdict, with %s', (_name, overrides: Partial<ReadinessFacts>) => {
    const held = evaluateReadiness(facts(overrides));
    const lacking = evaluateReadiness(facts({ ...overrides, permissions: withoutSearch }));
    expect(lacking.ready).toBe(held.ready);
    expect(toSnapshot(lacking, 3).errors).toEqual(toSnapshot(held, 3).errors);
    expect(lacking.organizerPermission).toEqual(held.organizerPermission);
  });
});
