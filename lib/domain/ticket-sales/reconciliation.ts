/**
 * Reconciliation with UiTPAS (POST /v1/reconciliation/runs, and the daily schedule): our sales ledger of one event
 * against UiTPAS's own record of that event's sales (`GET /ticket-sales?eventId=`), and what to do with each
 * difference. Pure: the ledger entries and UiTPAS's sales go in, the discrepancies come out, sorted by kind and sale
 * id, so the same inputs always give the same result.
 *
 * | kind                        | seen                                                      | action                        |
 * |-----------------------------|-----------------------------------------------------------|-------------------------------|
 * | `missing-at-uitpas`         | we hold the sale registered (HELD/CONFIRMED), UiTPAS not  | `investigate` (reimbursement lost) |
 * | `cancelled-still-at-uitpas` | one of our orders cancelled it, UiTPAS still has it       | `cancel-at-uitpas` (done by the run) |
 * | `not-ours`                  | at UiTPAS, no order of ours holds it                      | `investigate` (never touched) |
 * | `price-differs`             | both hold it, at another price                            | `investigate`                 |
 * | `tariff-differs`            | both hold it, under another tariff                        | `investigate`                 |
 *
 * A sale whose cancellation is still under way (its line CANCELLING or CANCEL_PENDING, an orphan not cancelled yet) is
 * the cancellation's to finish, with its retries and alarms: a run leaves it out rather than cancel it beside them.
 *
 * Amounts are compared in cents (`cents`, lib/domain/ticket-sales/report.ts).
 */
import type { LedgerState } from './ledger.js';
import { cents } from './report.js';

export interface LedgerEntry {
  ticketSaleId: string;
  /** The client's own order id. */
  orderId: string;
  lineId: string;
  state: LedgerState;
  tariffId: string;
  /** EUR; null when UiTPAS's answer gave none (then prices are not compared). */
  registeredPrice: number | null;
}

export interface UitpasSale {
  ticketSaleId: string;
  tariffId: string;
  /** EUR; null when UiTPAS lists none. */
  price: number | null;
  creationDate?: string | undefined;
}

export const DISCREPANCY_KINDS = [
  'missing-at-uitpas',
  'cancelled-still-at-uitpas',
  'not-ours',
  'price-differs',
  'tariff-differs',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];
export type DiscrepancyAction = 'cancel-at-uitpas' | 'investigate';

export interface Discrepancy {
  kind: DiscrepancyKind;
  ticketSaleId: string;
  /** Ours: the order and line that hold the sale; null for `not-ours`. */
  orderId: string | null;
  lineId: string | null;
  action: DiscrepancyAction;
  /** What we hold: null when the sale is not ours. */
  ours: { tariffId: string; price: number | null } | null;
  /** What UiTPAS holds: null when UiTPAS does not know the sale. */
  uitpas: { tariffId: string; price: number | null } | null;
}

const ACTION: Record<DiscrepancyKind, DiscrepancyAction> = {
  'missing-at-uitpas': 'investigate',
  'cancelled-still-at-uitpas': 'cancel-at-uitpas',
  'not-ours': 'investigate',
  'price-differs': 'investigate',
  'tariff-differs': 'investigate',
};

/** What an operator does with each kind (the README says the same). */
export const OPERATOR_ACTION: Record<DiscrepancyKind, string> = {
  'missing-at-uitpas':
    'We sold it at the social tariff but UiTPAS does not know it, so the organiser is not reimbursed for it: check the order, and register it again at the box office or ask publiq.',
  'cancelled-still-at-uitpas':
    'One of our orders cancelled it; the run cancels it at UiTPAS. Still listed next run: UiTPAS refused the cancellation, see the order.',
  'not-ours':
    'Registered at UiTPAS by another channel (another till, UiTPAS balie) or an orphan: nothing is changed; find out who sold it.',
  'price-differs':
    'UiTPAS registered another price than we hold: check the order against the expense report before it is reimbursed.',
  'tariff-differs':
    'UiTPAS registered another tariff than we hold: check the order against the expense report before it is reimbursed.',
};

const samePrice = (a: number | null, b: number | null) => a === null || b === null || cents(a) === cents(b);

function compareIds(a: string, b: string): number {
  // Numeric ids (UiTPAS's) in numeric order, others after them as text.
  const na = /^\d+$/.test(a) ? BigInt(a) : undefined;
  const nb = /^\d+$/.test(b) ? BigInt(b) : undefined;
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareDiscrepancies(a: Discrepancy, b: Discrepancy): number {
  const kind = DISCREPANCY_KINDS.indexOf(a.kind) - DISCREPANCY_KINDS.indexOf(b.kind);
  return kind !== 0 ? kind : compareIds(a.ticketSaleId, b.ticketSaleId);
}

/**
 * The discrepancies of one event. `ours` are the ledger's entries of the window; `uitpas` are UiTPAS's sales of the
 * event that fall in the window (or that are claimed by an entry given: the caller looks up the claims of those it
 * does not find in the window). A sale we do not hold in `ours` is `not-ours`.
 */
export function reconcileEvent(ours: readonly LedgerEntry[], uitpas: readonly UitpasSale[]): Discrepancy[] {
  const theirs = new Map(uitpas.map((sale) => [sale.ticketSaleId, sale]));
  const held = new Map(ours.map((entry) => [entry.ticketSaleId, entry]));
  const found: Discrepancy[] = [];
  const add = (
    kind: DiscrepancyKind,
    entry: LedgerEntry | undefined,
    sale: UitpasSale | undefined,
    id: string,
  ) =>
    found.push({
      kind,
      ticketSaleId: id,
      orderId: entry?.orderId ?? null,
      lineId: entry?.lineId ?? null,
      action: ACTION[kind],
      ours: entry ? { tariffId: entry.tariffId, price: entry.registeredPrice } : null,
      uitpas: sale ? { tariffId: sale.tariffId, price: sale.price } : null,
    });
  for (const entry of held.values()) {
    const sale = theirs.get(entry.ticketSaleId);
    if (entry.state === 'unsettled' || entry.state === 'cancelling') continue;
    if (entry.state === 'cancelled') {
      if (sale) add('cancelled-still-at-uitpas', entry, sale, entry.ticketSaleId);
      continue;
    }
    if (!sale) {
      add('missing-at-uitpas', entry, undefined, entry.ticketSaleId);
      continue;
    }
    if (sale.tariffId !== entry.tariffId) add('tariff-differs', entry, sale, entry.ticketSaleId);
    if (!samePrice(sale.price, entry.registeredPrice)) add('price-differs', entry, sale, entry.ticketSaleId);
  }
  for (const sale of theirs.values())
    if (!held.has(sale.ticketSaleId)) add('not-ours', undefined, sale, sale.ticketSaleId);
  return found.sort(compareDiscrepancies);
}

export type DiscrepancyCounts = Record<DiscrepancyKind, number>;

export function countByKind(discrepancies: readonly Discrepancy[]): DiscrepancyCounts {
  const counts = Object.fromEntries(DISCREPANCY_KINDS.map((kind) => [kind, 0])) as DiscrepancyCounts;
  for (const discrepancy of discrepancies) counts[discrepancy.kind] += 1;
  return counts;
}
