import { describe, expect, it } from 'vitest';
import type { Principal } from '../../domain/access.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import type { LedgerClaim, Order } from '../../domain/ticket-sales/index.js';
import type { RegisteredSale } from '../../domain/ticket-sales/request.js';
import { LISTING_PAGE } from '../ticket-sales/listing.js';
import type { EventReconciliation, ReconciliationStore, ReconciliationUitpas } from './ports.js';
import {
  defaultWindow,
  LISTING_UNSTEADY,
  MAX_LISTED,
  reconcileAll,
  runReconciliation,
  TICKETSALES_SEARCH_MISSING,
} from './run.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const AT = '2026-03-09T10:00:00.000Z';
const UDB = 'udb-1';

function fixture(options: { ours: number; theirs: string[]; statuses?: Record<string, Order['status']> }) {
  const claims: LedgerClaim[] = [];
  const orders = new Map<string, Order>();
  for (let i = 0; i < options.ours; i++) {
    const id = String(i + 1);
    const orderId = `c/o-${id}`;
    claims.push({
      ticketSaleId: id,
      orderId,
      lineId: 'l1',
      organisationId: 'org',
      eventId: 'ev',
      registeredAt: AT,
    });
    const status = options.statuses?.[id] ?? 'CONFIRMED';
    orders.set(orderId, {
      orderId,
      lines: [
        {
          lineId: 'l1',
          uitdatabankId: UDB,
          tariffId: 'SOCIALTARIFF',
          registeredPrice: 2,
          tariffPrice: 2,
          status,
          ticketSaleIds: [id],
          cancelledTicketSaleIds: status === 'CANCELLED' ? [id] : [],
        },
      ],
    } as unknown as Order);
  }
  const saved: EventReconciliation[] = [];
  const store: ReconciliationStore = {
    ledger: {
      async claims({ limit, after }) {
        const start = after === undefined ? 0 : Number(after);
        const page = claims.slice(start, start + limit);
        return { claims: page, after: start + limit < claims.length ? String(start + limit) : undefined };
      },
      async orders(ids) {
        return new Map(ids.flatMap((id) => (orders.has(id) ? [[id, orders.get(id) as Order]] : [])));
      },
    },
    async claimOf() {
      return undefined;
    },
    async event() {
      return undefined;
    },
    async organisations() {
      return ['org'];
    },
    async save(result) {
      saved.push(result);
    },
    async results() {
      return saved;
    },
  };
  const sales: RegisteredSale[] = options.theirs.map((id) => ({
    id,
    creationDate: AT,
    regularPrice: 10,
    tariff: { id: 'SOCIALTARIFF', price: 2 },
    eventId: UDB,
    uitpasNumber: 'x',
  }));
  const calls = { searches: [] as { start?: number; limit?: number }[], cancelled: [] as string[] };
  const uitpas: ReconciliationUitpas = {
    async searchTicketSales(query) {
      calls.searches.push({ start: query.start, limit: query.limit });
      const start = query.start ?? 0;
      return { totalItems: sales.length, member: sales.slice(start, start + (query.limit ?? 20)) };
    },
    async cancelTicketSale(id) {
      calls.cancelled.push(id);
    },
  };
  return { store, uitpas, calls, saved };
}

const ADMIN: Principal = { keyId: 'k', clientName: 'admin', role: 'admin', organisations: ['org'] };
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('runReconciliation', () => {
  it('defaults to the last 7 days, and pages UiTPAS 500 at a time', async () => {
    expect(defaultWindow(NOW)).toEqual({ from: '2026-03-04', to: '2026-03-10' });
    const { store, uitpas, calls, saved } = fixture({ ours: 1200, theirs: ids(1, 1200) });
    const result = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
    });
    expect(calls.searches).toEqual([
      { start: 0, limit: LISTING_PAGE },
      { start: 500, limit: LISTING_PAGE },
      { start: 1000, limit: LISTING_PAGE },
    ]);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({
      ourSales: 1200,
      uitpasSales: 1200,
      discrepancies: [],
      omitted: 0,
    });
    expect(saved).toEqual(result.events);
  });

  it('cancels only what our orders cancelled; a 404 counts as done, a refusal as not done', async () => {
    // 4's cancellation is under way (CANCEL_PENDING): its own retries own it, the run leaves it be.
    const { store, uitpas, calls } = fixture({
      ours: 4,
      theirs: ['1', '2', '3', '4', '99'],
      statuses: { '2': 'CANCELLED', '3': 'CANCELLED', '4': 'CANCEL_PENDING' },
    });
    uitpas.cancelTicketSale = async (id) => {
      calls.cancelled.push(id);
      if (id === '3') throw new UpstreamUnavailable('uitpas', 'status', false, { status: 503 });
      throw new UpstreamProblem('uitpas', {
        type: 'https://api.publiq.be/probs/uitpas/ticket-sale-not-found',
        status: 404,
      });
    };
    const result = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
    });
    expect(calls.cancelled).toEqual(['2', '3']);
    expect(result.events[0]?.cancellingAtUitpas).toBe(1);
    expect(result.events[0]?.discrepancies.map((d) => [d.kind, d.ticketSaleId, d.cancelled])).toEqual([
      ['cancelled-still-at-uitpas', '2', true],
      ['cancelled-still-at-uitpas', '3', false],
      ['not-ours', '99', null],
    ]);
  });

  it('lists at most MAX_LISTED discrepancies and counts the rest', async () => {
    const { store, uitpas } = fixture({ ours: 0, theirs: ids(1, MAX_LISTED + 5) });
    store.event = async () => ({ eventId: 'ev', organisationId: 'org', uitdatabankId: UDB });
    const result = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
      eventId: 'ev',
    });
    expect(result.events[0]?.discrepancies).toHaveLength(MAX_LISTED);
    expect(result.events[0]?.omitted).toBe(5);
    expect(result.events[0]?.counts['not-ours']).toBe(MAX_LISTED + 5);
  });

  it('records a 403 as cannot-compare, an unavailable UiTPAS as unavailable, and goes on', async () => {
    const { store, uitpas } = fixture({ ours: 2, theirs: [] });
    uitpas.searchTicketSales = async () => {
      throw new UpstreamProblem('uitpas', {
        type: 'https://api.publiq.be/probs/auth/forbidden',
        status: 403,
      });
    };
    const refused = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
    });
    expect(refused.events[0]).toMatchObject({ status: 'cannot-compare', note: TICKETSALES_SEARCH_MISSING });
    uitpas.searchTicketSales = async () => {
      throw new UpstreamUnavailable('uitpas', 'timeout', false);
    };
    const down = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, { organisationId: 'org' });
    expect(down.events[0]).toMatchObject({ status: 'unavailable', discrepancies: [] });
  });

  it('reads a listing again when it changes while paged, and compares nothing while it keeps changing', async () => {
    // 1200 sales, three pages; the count changes between pages of the first read (a sale cancelled meanwhile: the
    // later pages shift by one), so the listing is read again and the second, steady read is the one compared.
    const { store, uitpas, calls } = fixture({ ours: 1200, theirs: ids(1, 1200) });
    const search = uitpas.searchTicketSales.bind(uitpas);
    let changes = 1;
    uitpas.searchTicketSales = async (query) => {
      const answer = await search(query);
      if (query.start === 500 && changes > 0) {
        changes -= 1;
        return { totalItems: 1199, member: answer.member.slice(1) };
      }
      return answer;
    };
    const result = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
    });
    expect(calls.searches.map((search) => search.start)).toEqual([0, 500, 0, 500, 1000]);
    expect(result.events[0]).toMatchObject({ status: 'compared', uitpasSales: 1200, discrepancies: [] });

    changes = Number.POSITIVE_INFINITY;
    const unsteady = await runReconciliation({ store, uitpas, now: () => NOW }, ADMIN, {
      organisationId: 'org',
    });
    expect(unsteady.events[0]).toMatchObject({
      status: 'unavailable',
      note: LISTING_UNSTEADY,
      discrepancies: [],
    });
  });

  it("gives every UiTPAS call the run's deadline", async () => {
    const { store, uitpas } = fixture({ ours: 1, theirs: [] });
    const deadlines: (number | undefined)[] = [];
    const search = uitpas.searchTicketSales.bind(uitpas);
    uitpas.searchTicketSales = async (query, options) => {
      deadlines.push(options?.deadline);
      return search(query);
    };
    await runReconciliation({ store, uitpas, now: () => NOW, deadline: 1234 }, ADMIN, {
      organisationId: 'org',
    });
    expect(deadlines.length).toBeGreaterThan(0);
    expect(deadlines.every((deadline) => deadline === 1234)).toBe(true);
  });

  it('starts no event once the time is up, and says which were left', async () => {
    const { store, uitpas, calls, saved } = fixture({ ours: 2, theirs: ['1', '2'] });
    const result = await runReconciliation({ store, uitpas, now: () => NOW, stopBy: Date.now() - 1 }, ADMIN, {
      organisationId: 'org',
    });
    expect(result).toMatchObject({ events: [], unreached: ['ev'] });
    expect(calls.searches).toEqual([]);
    expect(saved).toEqual([]);
  });

  it('refuses an organisation the key may not act for', async () => {
    const { store, uitpas } = fixture({ ours: 0, theirs: [] });
    await expect(
      runReconciliation({ store, uitpas }, { ...ADMIN, organisations: ['other'] }, { organisationId: 'org' }),
    ).rejects.toMatchObject({ slug: 'organisation-not-allowed', status: 403 });
  });

  it('the schedule runs every organisation', async () => {
    const { store, uitpas } = fixture({ ours: 1, theirs: [] });
    expect(await reconcileAll({ store, uitpas, now: () => NOW })).toEqual({
      organisations: 1,
      discrepancies: 1,
      failed: [],
      unreached: 0,
    });
  });
});
