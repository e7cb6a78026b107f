import { describe, expect, it } from 'vitest';
import type { Principal } from '../../domain/access.js';
import { AppError } from '../../domain/errors.js';
import type { TicketingEvent } from '../../domain/mappings.js';
import { DEFAULT_BUYER_HINT, type UitpasStaticTariffs } from '../../domain/uitpas-prices.js';
import type { BasketEvent, StaticTariffQuery } from './ports.js';
import { getUitpasPrices, STATIC_TARIFFS_TTL_MS, StaticTariffsCache } from './uitpas-prices.js';

const basket: Principal = { keyId: 'k', clientName: 'webshop', role: 'basket', organisations: ['org-a'] };
const UDB = '5a0967f9-cc06-4c3c-9206-30481a767434';

function event(overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId: 'ev-1',
    organisationId: 'org-a',
    name: 'Concert',
    startDate: '2026-12-01T20:00:00+01:00',
    labels: ['UiTPAS'],
    ticketTypes: [
      { id: 'std', name: 'Basistarief', price: 10, standard: true },
      { id: 'vip', name: 'VIP', price: 40, standard: false },
    ],
    uitdatabankId: UDB,
    uitdatabankIdSource: 'manual',
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: 'admin',
    version: 1,
    ...overrides,
  };
}

/** A table of one event and an UiTPAS answering 20% of the price, both counting their calls. */
function world(stored: BasketEvent | undefined) {
  const state = { stored, reads: 0, asked: [] as StaticTariffQuery[], fail: undefined as Error | undefined };
  let clock = 1_000_000;
  const cache = new StaticTariffsCache({ now: () => clock });
  const deps = {
    events: {
      async getForBasket() {
        state.reads += 1;
        return state.stored;
      },
    },
    uitpas: {
      async getStaticTariffs(query: StaticTariffQuery): Promise<UitpasStaticTariffs> {
        state.asked.push(query);
        if (state.fail) throw state.fail;
        return {
          available: [
            {
              id: 'SOCIALTARIFF-1',
              name: 'Kansentarief',
              price: query.regularPrice / 5,
              type: 'SOCIALTARIFF',
            },
          ],
        };
      },
    },
    staticTariffs: cache,
  };
  return { state, deps, tick: (ms: number) => (clock += ms) };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('getUitpasPrices', () => {
  it('answers UiTPAS’s static tariff at the standard price, its lowest price and the default hint', async () => {
    const { state, deps } = world({ event: event() });

    const prices = await getUitpasPrices('ev-1', basket, deps);

    expect(state.asked).toEqual([{ eventId: UDB, regularPrice: 10 }]);
    expect(prices).toEqual({
      eventId: 'ev-1',
      uitdatabankId: UDB,
      regularPrice: 10,
      standardTicketType: { id: 'std', name: 'Basistarief', price: 10, standard: true },
      tariffs: [{ id: 'SOCIALTARIFF-1', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF' }],
      lowestPrice: 2,
      endUserMessage: null,
      hint: { text: DEFAULT_BUYER_HINT.nl, source: 'default', translations: DEFAULT_BUYER_HINT },
    });
  });

  it('gives the event’s own hint, and the lowest of several prices, leaving out a tariff without one', async () => {
    const { deps } = world({ event: event({ hint: 'Kies eerst Basistarief.' }) });
    deps.uitpas.getStaticTariffs = async () => ({
      available: [
        { id: 'A', price: 4 },
        { id: 'B', price: 2.5, type: 'SOCIALTARIFF' },
        { id: 'no-price', name: 'Mystery' },
      ],
      endUserMessage: { nl: 'Indicatief.' },
    });

    const prices = await getUitpasPrices('ev-1', basket, deps);

    expect(prices.tariffs.map((tariff) => tariff.id)).toEqual(['A', 'B']);
    expect(prices.lowestPrice).toBe(2.5);
    expect(prices.endUserMessage).toEqual({ nl: 'Indicatief.' });
    expect(prices.hint).toEqual({ text: 'Kies eerst Basistarief.', source: 'event', translations: null });
  });

  it('answers no lowest price when UiTPAS offers nothing', async () => {
    const { deps } = world({ event: event() });
    deps.uitpas.getStaticTariffs = async () => ({ available: [], endUserMessage: { nl: 'Geen.' } });

    expect(await getUitpasPrices('ev-1', basket, deps)).toMatchObject({ tariffs: [], lowestPrice: null });
  });

  it('reads the event every time but asks UiTPAS once within the TTL, and again after it', async () => {
    const { state, deps, tick } = world({ event: event() });

    await getUitpasPrices('ev-1', basket, deps);
    tick(STATIC_TARIFFS_TTL_MS - 1);
    await getUitpasPrices('ev-1', basket, deps);
    expect([state.reads, state.asked.length]).toEqual([2, 1]);

    tick(1);
    await getUitpasPrices('ev-1', basket, deps);
    expect([state.reads, state.asked.length]).toEqual([3, 2]);
  });

  it.each([
    [
      'a new standard price',
      { ticketTypes: [{ id: 'std', name: 'Basistarief', price: 15, standard: true }] },
    ],
    ['another UiTdatabank id', { uitdatabankId: 'd83b5b8a-0000-4000-8000-000000000000' }],
    [
      'a save of another field (a new version)',
      { hint: 'Nieuw', version: 2, updatedAt: '2026-11-02T00:00:00.000Z' },
    ],
  ])('asks UiTPAS again at once after %s', async (_name, changes) => {
    const { state, deps } = world({ event: event() });
    await getUitpasPrices('ev-1', basket, deps);

    state.stored = { event: event(changes as Partial<TicketingEvent>) };
    const prices = await getUitpasPrices('ev-1', basket, deps);

    expect(state.asked).toHaveLength(2);
    expect(prices.uitdatabankId).toBe(state.stored.event.uitdatabankId);
    expect(prices.lowestPrice).toBe((state.asked[1]?.regularPrice ?? 0) / 5);
  });

  it('refuses from the fresh read even while UiTPAS’s answer is kept', async () => {
    const { state, deps } = world({ event: event() });
    await getUitpasPrices('ev-1', basket, deps);

    state.stored = {
      event: event(),
      organizerPermission: { organizerId: 'o', permitted: false, checkedAt: '2026-11-02T00:00:00.000Z' },
    };
    expect((await refusal(getUitpasPrices('ev-1', basket, deps))).slug).toBe('organizer-not-permitted');
    state.stored = { event: event({ labels: [] }) };
    expect((await refusal(getUitpasPrices('ev-1', basket, deps))).slug).toBe('event-not-uitpas');
    expect(state.asked).toHaveLength(1);
  });

  it('refuses an event of another organisation as unknown, without asking UiTPAS', async () => {
    const { state, deps } = world({ event: event({ organisationId: 'org-b' }) });

    expect((await refusal(getUitpasPrices('ev-1', basket, deps))).status).toBe(404);
    expect(state.asked).toHaveLength(0);
  });

  it('keeps no failure: the next request asks UiTPAS again', async () => {
    const { state, deps } = world({ event: event() });
    state.fail = new Error('UiTPAS down');
    await expect(getUitpasPrices('ev-1', basket, deps)).rejects.toThrow('UiTPAS down');

    state.fail = undefined;
    expect((await getUitpasPrices('ev-1', basket, deps)).lowestPrice).toBe(2);
    expect(state.asked).toHaveLength(2);
  });
});

describe('StaticTariffsCache', () => {
  it('holds one answer per event and forgets the oldest event beyond its capacity', () => {
    const cache = new StaticTariffsCache({ capacity: 2 });
    const answer = { available: [] };
    cache.set('a', 'k1', answer);
    cache.set('a', 'k2', answer);
    expect(cache.get('a', 'k1')).toBeUndefined();
    expect(cache.get('a', 'k2')).toBe(answer);

    cache.set('b', 'k', answer);
    cache.set('c', 'k', answer);
    expect(cache.get('a', 'k2')).toBeUndefined();
    expect(cache.get('b', 'k')).toBe(answer);
    expect(cache.get('c', 'k')).toBe(answer);
  });
});
