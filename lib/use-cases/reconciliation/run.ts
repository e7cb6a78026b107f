/**
 * A reconciliation run: for an organisation (or, scheduled, every organisation) and a window of UTC days (default
 * the last 7), the organisation's sales ledger is read for the window and grouped by event; for each event UiTPAS's
 * sales are paged (`GET /ticket-sales?eventId=<uitdatabankId>`, 500 a page; a listing that changed while it was
 * paged is read again, and left `unavailable` if it keeps changing: lib/use-cases/ticket-sales/listing.ts), compared
 * (lib/domain/ticket-sales/reconciliation.ts), the sales one of our orders cancelled that UiTPAS still has are
 * cancelled at UiTPAS (the one change a run makes; a 404 means UiTPAS has let it go meanwhile), and the result is
 * stored per event, over the previous run's. Nothing else is changed, at UiTPAS or in our orders.
 *
 * UiTPAS's search has no date filter: its sales of the event are kept when their creation date falls in the window
 * (give or take CLOCK_SKEW_MS), and one the window's ledger does not hold is looked up by its claim, so a sale of ours
 * registered just outside the window is not taken for another channel's. A 403 on the search (the client lacks
 * TICKETSALES_SEARCH for the organizer) is recorded for the event as `cannot-compare`, not a failure of the run.
 */
import { mayActFor, type Principal } from '../../domain/access.js';
import { dayWindow } from '../../domain/days.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import { organisationNotAllowed } from '../../domain/mappings.js';
import {
  claimedLine,
  type LedgerClaim,
  ledgerState,
  type Order,
  registeredPriceOfLine,
} from '../../domain/ticket-sales/index.js';
import { publicOrderId } from '../../domain/ticket-sales/order-key.js';
import {
  countByKind,
  type LedgerEntry,
  reconcileEvent,
  type UitpasSale,
} from '../../domain/ticket-sales/reconciliation.js';
import { logger } from '../../logger.js';
import { count } from '../../metrics.js';
import { steadySalesOfEvent } from '../ticket-sales/listing.js';
import type {
  ClaimRef,
  EventReconciliation,
  ReconciledDiscrepancy,
  ReconciliationStore,
  ReconciliationUitpas,
} from './ports.js';

export const DEFAULT_WINDOW_DAYS = 7;
/** UiTPAS's clock against ours, both ways: a sale's creation date may be this far outside our registration time. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Ledger claims per page read. */
const LEDGER_PAGE = 500;
/** Claims of sales the window's ledger did not list, read this many at a time. */
const CLAIMS_IN_FLIGHT = 16;
/**
 * Discrepancies listed per event, at most: a stored result is one DynamoDB item (400 KB). The counts hold them all;
 * `omitted` says how many are not listed (the last in the sort order).
 */
export const MAX_LISTED = 1000;

export const LISTING_UNSTEADY =
  'cannot compare now: UiTPAS\u2019s list of the event\u2019s sales kept changing while it was read (sales registered or cancelled meanwhile); the next run compares it again';

export const TICKETSALES_SEARCH_MISSING =
  'cannot compare: TICKETSALES_SEARCH missing (UiTPAS refused the search of this event\u2019s sales; ask publiq for the permission for the event\u2019s organizer)';

export interface RunInput {
  organisationId: string;
  eventId?: string | undefined;
  /** `YYYY-MM-DD`, UTC, inclusive. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface RunDeps {
  store: ReconciliationStore;
  uitpas: ReconciliationUitpas;
  now?: () => Date;
  /** No event is started after this time (epoch ms): the answer still goes out; the rest is listed `unreached`. */
  stopBy?: number | undefined;
  /**
   * When every UiTPAS call must have ended (epoch ms): a search cut short leaves its event `unavailable` (compared
   * by the next run), so the answer still goes out before the Lambda's timeout.
   */
  deadline?: number | undefined;
}

export interface RunResult {
  organisationId: string;
  from: string;
  to: string;
  events: EventReconciliation[];
  /** Events with sales in the window that were not compared because the time was up (run them one by one). */
  unreached: string[];
}

const day = (date: Date) => date.toISOString().slice(0, 10);

export function defaultWindow(now: Date): { from: string; to: string } {
  const from = new Date(now);
  from.setUTCDate(from.getUTCDate() - (DEFAULT_WINDOW_DAYS - 1));
  return { from: day(from), to: day(now) };
}

interface EventWork {
  eventId: string;
  uitdatabankId: string | null;
  claims: LedgerClaim[];
}

/** The window's claims (of one event, when asked) and the orders that hold them, each read once. */
async function readLedger(
  deps: RunDeps,
  organisationId: string,
  since: string,
  until: string,
  eventId: string | undefined,
) {
  const claims: LedgerClaim[] = [];
  let after: string | undefined;
  do {
    const page = await deps.store.ledger.claims({ organisationId, since, until, limit: LEDGER_PAGE, after });
    claims.push(...page.claims.filter((claim) => eventId === undefined || claim.eventId === eventId));
    after = page.after;
  } while (after !== undefined);
  const orders = await deps.store.ledger.orders([...new Set(claims.map((claim) => claim.orderId))]);
  return { claims, orders };
}

function entryOf(claim: Pick<LedgerClaim, 'ticketSaleId' | 'orderId' | 'lineId'>, order: Order | undefined) {
  const line = claimedLine(order, claim);
  const paid = line ? registeredPriceOfLine(line) : null;
  return {
    ticketSaleId: claim.ticketSaleId,
    orderId: publicOrderId(claim.orderId),
    lineId: claim.lineId,
    state: ledgerState(order, line, claim.ticketSaleId),
    tariffId: line?.tariffId ?? '',
    registeredPrice: paid ?? null,
  } satisfies LedgerEntry;
}

/** Every sale UiTPAS lists for the event, the listing steady (see listing.ts); undefined when it kept changing. */
async function uitpasSales(deps: RunDeps, uitdatabankId: string): Promise<UitpasSale[] | undefined> {
  const listed = await steadySalesOfEvent(deps.uitpas, uitdatabankId, { deadline: deps.deadline });
  if (!listed) return undefined;
  const sales = new Map<string, UitpasSale>();
  for (const sale of listed)
    sales.set(sale.id, {
      ticketSaleId: sale.id,
      tariffId: sale.tariff.id,
      price: sale.tariff.price ?? null,
      creationDate: sale.creationDate,
    });
  return [...sales.values()];
}

function inWindow(sale: UitpasSale, since: string, until: string): boolean {
  if (sale.creationDate === undefined) return true;
  const at = Date.parse(sale.creationDate);
  if (Number.isNaN(at)) return true;
  return at >= Date.parse(since) - CLOCK_SKEW_MS && at < Date.parse(until) + CLOCK_SKEW_MS;
}

async function cancelAtUitpas(deps: RunDeps, ticketSaleId: string): Promise<boolean> {
  try {
    await deps.uitpas.cancelTicketSale(ticketSaleId, { deadline: deps.deadline });
    return true;
  } catch (error) {
    if (error instanceof UpstreamProblem && error.is('ticket-sale-not-found')) return true;
    logger.warn('reconciliation could not cancel a sale our order cancelled; the next run tries again', {
      ticketSaleId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

async function reconcileOne(
  deps: RunDeps,
  organisationId: string,
  window: { from: string; to: string; since: string; until: string },
  work: EventWork,
  orders: Map<string, Order>,
): Promise<EventReconciliation> {
  const ours = new Map(
    work.claims.map((claim) => [claim.ticketSaleId, entryOf(claim, orders.get(claim.orderId))]),
  );
  const base = {
    organisationId,
    eventId: work.eventId,
    uitdatabankId: work.uitdatabankId,
    from: window.from,
    to: window.to,
    checkedAt: (deps.now?.() ?? new Date()).toISOString(),
    ourSales: ours.size,
  };
  const notCompared = (status: 'cannot-compare' | 'unavailable', note: string): EventReconciliation => ({
    ...base,
    status,
    note,
    uitpasSales: 0,
    counts: countByKind([]),
    discrepancies: [],
    omitted: 0,
    cancellingAtUitpas: 0,
  });
  if (work.uitdatabankId === null)
    return notCompared('cannot-compare', 'cannot compare: the event has no UiTdatabank id');
  let all: UitpasSale[] | undefined;
  try {
    all = await uitpasSales(deps, work.uitdatabankId);
  } catch (error) {
    if (error instanceof UpstreamProblem && error.status === 403)
      return notCompared('cannot-compare', TICKETSALES_SEARCH_MISSING);
    if (error instanceof UpstreamProblem || error instanceof UpstreamUnavailable)
      return notCompared(
        'unavailable',
        `cannot compare now: UiTPAS gave no usable answer (${error.message})`,
      );
    throw error;
  }
  if (!all) return notCompared('unavailable', LISTING_UNSTEADY);
  const listed = all.filter((sale) => inWindow(sale, window.since, window.until));
  // UiTPAS sales of the window that the window's ledger does not hold: ours after all when a claim says so. Their
  // claims are read a few at a time, then the orders not read yet in one go, each once.
  const unlisted = listed.filter((sale) => !ours.has(sale.ticketSaleId)).map((sale) => sale.ticketSaleId);
  const claims: ClaimRef[] = [];
  for (let start = 0; start < unlisted.length; start += CLAIMS_IN_FLIGHT) {
    const chunk = unlisted.slice(start, start + CLAIMS_IN_FLIGHT);
    for (const claim of await Promise.all(chunk.map((id) => deps.store.claimOf(id))))
      if (claim) claims.push(claim);
  }
  const unread = [...new Set(claims.map((claim) => claim.orderId))].filter((id) => !orders.has(id));
  if (unread.length > 0)
    for (const [id, order] of await deps.store.ledger.orders(unread)) orders.set(id, order);
  for (const claim of claims) ours.set(claim.ticketSaleId, entryOf(claim, orders.get(claim.orderId)));
  const discrepancies: ReconciledDiscrepancy[] = [];
  for (const found of reconcileEvent([...ours.values()], listed)) {
    const cancelled =
      found.action === 'cancel-at-uitpas' ? await cancelAtUitpas(deps, found.ticketSaleId) : null;
    discrepancies.push({ ...found, cancelled });
  }
  return {
    ...base,
    status: 'compared',
    note: null,
    uitpasSales: listed.length,
    counts: countByKind(discrepancies),
    discrepancies: discrepancies.slice(0, MAX_LISTED),
    omitted: Math.max(0, discrepancies.length - MAX_LISTED),
    cancellingAtUitpas: listed.filter((sale) => ours.get(sale.ticketSaleId)?.state === 'cancelling').length,
  };
}

const discrepanciesOf = (event: EventReconciliation) => event.discrepancies.length + event.omitted;

/** One run for one organisation; the caller has checked it may act for it (see `runReconciliation`). */
export async function reconcileOrganisation(deps: RunDeps, input: RunInput): Promise<RunResult> {
  const { from, to } = {
    ...defaultWindow(deps.now?.() ?? new Date()),
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
  };
  const { since, until } = dayWindow({ from, to });
  const { claims, orders } = await readLedger(deps, input.organisationId, since, until, input.eventId);
  const byEvent = new Map<string, EventWork>();
  for (const claim of claims) {
    const line = claimedLine(orders.get(claim.orderId), claim);
    const work = byEvent.get(claim.eventId) ?? { eventId: claim.eventId, uitdatabankId: null, claims: [] };
    work.uitdatabankId ??= line?.uitdatabankId ?? null;
    work.claims.push(claim);
    byEvent.set(claim.eventId, work);
  }
  if (input.eventId !== undefined) {
    // The event asked, even without a sale of ours in the window: another channel's sales are still found.
    const work = byEvent.get(input.eventId);
    if (!work || work.uitdatabankId === null) {
      const event = await deps.store.event(input.eventId);
      const uitdatabankId =
        event && event.organisationId === input.organisationId ? event.uitdatabankId : null;
      byEvent.set(input.eventId, { eventId: input.eventId, uitdatabankId, claims: work?.claims ?? [] });
    }
  }
  const events: EventReconciliation[] = [];
  const unreached: string[] = [];
  const window = { from, to, since, until };
  for (const work of [...byEvent.values()].sort((a, b) => (a.eventId < b.eventId ? -1 : 1))) {
    if (deps.stopBy !== undefined && Date.now() >= deps.stopBy) {
      unreached.push(work.eventId);
      continue;
    }
    const result = await reconcileOne(deps, input.organisationId, window, work, orders);
    await deps.store.save(result);
    events.push(result);
  }
  const found = events.reduce((sum, event) => sum + discrepanciesOf(event), 0);
  count('ReconciliationDiscrepancies', found);
  if (found > 0) {
    const apart = events.filter((event) => discrepanciesOf(event) > 0).map((event) => event.eventId);
    logger.warn('reconciliation found discrepancies', {
      organisationId: input.organisationId,
      events: apart.slice(0, 20),
      eventCount: apart.length,
      discrepancies: found,
    });
  }
  if (unreached.length > 0)
    logger.warn('reconciliation ran out of time; events left for the next run', {
      organisationId: input.organisationId,
      unreached: unreached.length,
    });
  return { organisationId: input.organisationId, from, to, events, unreached };
}

/** The on-demand run: scoped to the key's organisations. */
export async function runReconciliation(
  deps: RunDeps,
  principal: Principal,
  input: RunInput,
): Promise<RunResult> {
  if (!mayActFor(principal, input.organisationId)) throw organisationNotAllowed(input.organisationId);
  return reconcileOrganisation(deps, input);
}

/** The scheduled run: every organisation, the default window; one organisation's failure does not stop the others. */
export async function reconcileAll(
  deps: RunDeps,
): Promise<{ organisations: number; discrepancies: number; failed: string[]; unreached: number }> {
  const failed: string[] = [];
  let discrepancies = 0;
  let unreached = 0;
  const organisations = await deps.store.organisations();
  for (const organisationId of organisations) {
    try {
      const result = await reconcileOrganisation(deps, { organisationId });
      discrepancies += result.events.reduce((sum, event) => sum + discrepanciesOf(event), 0);
      unreached += result.unreached.length;
    } catch (error) {
      failed.push(organisationId);
      logger.error('reconciliation of an organisation failed', {
        organisationId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { organisations: organisations.length, discrepancies, failed, unreached };
}

export interface ResultsQuery {
  organisationId: string;
  from?: string | undefined;
  to?: string | undefined;
}

/** The last stored result per event, of the runs checked in [from, to] (UTC days, both optional). */
export async function storedResults(
  store: ReconciliationStore,
  principal: Principal,
  query: ResultsQuery,
): Promise<EventReconciliation[]> {
  if (!mayActFor(principal, query.organisationId)) throw organisationNotAllowed(query.organisationId);
  const results = await store.results(query.organisationId);
  return results
    .filter((result) => {
      const checked = result.checkedAt.slice(0, 10);
      return (
        (query.from === undefined || checked >= query.from) && (query.to === undefined || checked <= query.to)
      );
    })
    .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}
