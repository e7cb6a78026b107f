import { describe, expect, it } from 'vitest';
import type { Principal } from './access.js';
import { AppError } from './errors.js';
import type { TicketingEvent } from './mappings.js';
import { planTariffRequest, toTariffAnswer } from './tariffs.js';

const basket: Principal = { keyId: 'k', clientName: 'box-office', role: 'basket', organisations: ['org-a'] };

function event(overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId: 'ev-1',
    organisationId: 'org-a',
    name: 'Concert',
    startDate: '2026-12-01T20:00:00+01:00',
    labels: ['UiTPAS'],
    ticketTypes: [
      { id: 'std', name: 'Basistarief', price: 12.5, standard: true },
      { id: 'vip', name: 'VIP', price: 40, standard: false },
    ],
    uitdatabankId: '5a0967f9-cc06-4c3c-9206-30481a767434',
    uitdatabankIdSource: 'manual',
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    updatedBy: 'admin',
    version: 1,
    ...overrides,
  };
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('planTariffRequest', () => {
  it('asks UiTPAS with the standard ticket type’s price and the UiTdatabank id', () => {
    expect(planTariffRequest('ev-1', event(), basket)).toEqual({
      eventId: 'ev-1',
      uitdatabankId: '5a0967f9-cc06-4c3c-9206-30481a767434',
      standardTicketType: { id: 'std', name: 'Basistarief', price: 12.5, standard: true },
      regularPrice: 12.5,
    });
  });

  it('accepts the standard price given by the caller, compared in cents', () => {
    expect(planTariffRequest('ev-1', event(), basket, { regularPrice: 12.5 }).regularPrice).toBe(12.5);
    const priced = event({ ticketTypes: [{ id: 's', name: 'S', price: 0.3, standard: true }] });
    expect(planTariffRequest('ev-1', priced, basket, { regularPrice: 0.3 }).regularPrice).toBe(0.3);
    expect(() => planTariffRequest('ev-1', priced, basket, { regularPrice: 0.31 })).toThrow(AppError);
  });

  it.each([
    ['an unknown event', undefined, 404, 'event-not-found'],
    ['an event of another organisation', event({ organisationId: 'org-b' }), 404, 'event-not-found'],
    ['an event without the UiTPAS label', event({ labels: ['uitDB', 'uitpas'] }), 422, 'event-not-uitpas'],
    ['an event without UiTdatabank id', event({ uitdatabankId: undefined }), 422, 'event-not-mapped'],
    [
      'an event without standard ticket type',
      event({ ticketTypes: [{ id: 'vip', name: 'VIP', price: 40, standard: false }] }),
      422,
      'standard-ticket-type-missing',
    ],
    [
      'an event with two standard ticket types',
      event({
        ticketTypes: [
          { id: 'a', name: 'A', price: 10, standard: true },
          { id: 'b', name: 'B', price: 12, standard: true },
        ],
      }),
      422,
      'standard-ticket-type-ambiguous',
    ],
    [
      'a free standard ticket type',
      event({ ticketTypes: [{ id: 'a', name: 'A', price: 0, standard: true }] }),
      422,
      'standard-price-missing',
    ],
  ])('refuses %s', (_name, stored, status, slug) => {
    const error = refusal(() => planTariffRequest('ev-1', stored, basket));
    expect(error.status).toBe(status);
    expect(error.slug).toBe(slug);
    expect(error.detail).toContain('ev-1');
  });

  it('refuses a price that is not the standard ticket type’s, naming the right one', () => {
    const error = refusal(() => planTariffRequest('ev-1', event(), basket, { regularPrice: 40 }));
    expect(error.slug).toBe('regular-price-mismatch');
    expect(error.extensions).toEqual({ standardPrice: 12.5 });
    expect(error.detail).toContain('12.50 EUR');
  });

  it('refuses an organizer known to be outside our UiTPAS permissions, pointing at the servicedesk', () => {
    const permission = { organizerId: 'org-x', permitted: false, checkedAt: '2026-11-28T10:00:00Z' };
    const error = refusal(() =>
      planTariffRequest('ev-1', event(), basket, { organizerPermission: permission }),
    );
    expect(error.slug).toBe('organizer-not-permitted');
    expect(error.detail).toContain('servicedesk');
  });

  it('refuses an event none of whose card systems our permission covers, with a message for the cashier', () => {
    const uncovered = [
      { id: 1, name: 'UiTPAS Gent' },
      { id: 2, name: null },
    ];
    const permission = {
      organizerId: 'org-x',
      permitted: true,
      cardSystems: { covered: [], uncovered },
      checkedAt: '2026-11-28T10:00:00Z',
    };
    const error = refusal(() =>
      planTariffRequest('ev-1', event(), basket, { organizerPermission: permission }),
    );
    expect(error).toMatchObject({ slug: 'card-systems-not-permitted', status: 422 });
    expect(error.type).toBe('urn:uitpas-ticketing:problem:card-systems-not-permitted');
    expect(error.detail).toMatch(/organizer org-x.*UiTPAS Gent, card system 2/);
    expect(error.endUserMessage?.nl.length).toBeGreaterThan(10);
    expect(error.endUserMessage?.en?.length).toBeGreaterThan(10);
    expect(error.extensions).toEqual({ uncoveredCardSystems: uncovered });
  });

  it.each([
    [
      'some card systems are covered',
      { covered: [{ id: 1, name: null }], uncovered: [{ id: 2, name: null }] },
    ],
    ['the event has no enabled card system (UiTPAS answers that itself)', { covered: [], uncovered: [] }],
  ])('lets the till ask UiTPAS when %s', (_name, cardSystems) => {
    const permission = {
      organizerId: 'org-x',
      permitted: true,
      cardSystems,
      checkedAt: '2026-11-28T10:00:00Z',
    };
    expect(planTariffRequest('ev-1', event(), basket, { organizerPermission: permission }).regularPrice).toBe(
      12.5,
    );
  });

  it('applies the organizer rule: the latest word on the mapped UiTdatabank id decides', () => {
    const uitdatabankId = event().uitdatabankId ?? '';
    const at = (minute: number) => `2026-11-28T10:${String(minute).padStart(2, '0')}:00Z`;
    const verdict = (match: 'match' | 'mismatch' | 'unresolved', minute: number, id = uitdatabankId) => ({
      organizerVerdict: { uitdatabankId: id, match, checkedAt: at(minute) },
    });
    const savedUnverified = event({
      organizerCheck: {
        status: 'unverified',
        reason: 'uitdatabank-unreachable',
        uitdatabankId,
        checkedAt: at(10),
      },
    });
    const savedMatch = event({ organizerCheck: { status: 'match', uitdatabankId, checkedAt: at(10) } });
    const slug = (run: () => unknown) => refusal(run).slug;

    expect(slug(() => planTariffRequest('ev-1', event(), basket, verdict('mismatch', 5)))).toBe(
      'organizer-mismatch',
    );
    expect(slug(() => planTariffRequest('ev-1', event(), basket, verdict('unresolved', 5)))).toBe(
      'organizer-unverified',
    );
    const unverified = refusal(() => planTariffRequest('ev-1', savedUnverified, basket));
    expect(unverified.slug).toBe('organizer-unverified');
    expect(unverified.detail).toContain('could not be reached');
    expect(unverified.endUserMessage?.nl).toBeTruthy();
    // A check since the save decides, either way; one before it does not.
    expect(planTariffRequest('ev-1', savedUnverified, basket, verdict('match', 20)).eventId).toBe('ev-1');
    expect(slug(() => planTariffRequest('ev-1', savedMatch, basket, verdict('mismatch', 20)))).toBe(
      'organizer-mismatch',
    );
    expect(planTariffRequest('ev-1', savedMatch, basket, verdict('mismatch', 5)).eventId).toBe('ev-1');
    // A verdict on another UiTdatabank id says nothing; no word at all (a mapping the sync made) passes.
    expect(planTariffRequest('ev-1', event(), basket, verdict('mismatch', 20, 'other-id')).eventId).toBe(
      'ev-1',
    );
    expect(planTariffRequest('ev-1', event(), basket).eventId).toBe('ev-1');
  });

  it('lets a key for every organisation act for any event', () => {
    const operator = { ...basket, organisations: ['*'] };
    expect(planTariffRequest('ev-1', event({ organisationId: 'org-z' }), operator).eventId).toBe('ev-1');
  });
});

describe('toTariffAnswer', () => {
  const plan = planTariffRequest('ev-1', event(), basket);

  it('keeps UiTPAS’s tariffs and end-user message as they are', () => {
    const answer = toTariffAnswer(
      plan,
      {
        available: [
          { id: 'SOCIALTARIFF', name: 'Kansentarief', price: 3.13, type: 'SOCIALTARIFF', remaining: 1 },
          { id: 'COUPON_1079', name: 'Coupon', price: 1, type: 'COUPON', remaining: 1 },
        ],
        endUserMessage: { nl: 'Je hebt nog 1 coupon.' },
      },
      'uitpas-kansentarief',
    );
    expect(answer.tariffs.map((tariff) => [tariff.id, tariff.price])).toEqual([
      ['SOCIALTARIFF', 3.13],
      ['COUPON_1079', 1],
    ]);
    expect(answer.endUserMessage).toEqual({ nl: 'Je hebt nog 1 coupon.' });
    expect(answer.uitpasTicketTypeId).toBe('uitpas-kansentarief');
    expect(answer.standardTicketType.id).toBe('std');
  });

  it('drops tariffs that cannot be sold: no price, or none remaining', () => {
    const answer = toTariffAnswer(
      plan,
      {
        available: [
          { id: 'A', remaining: 1 },
          { id: 'B', price: 2, remaining: 0 },
          { id: 'C', price: 2, remaining: 5 },
        ],
      },
      't',
    );
    expect(answer.tariffs.map((tariff) => tariff.id)).toEqual(['C']);
    expect(answer.endUserMessage).toBeNull();
  });
});
