/**
 * Reconciliation: what UiTPAS's sales say about an attempt whose answer was lost, searched in the window that
 * attempt could post in, and taken as proof of nothing registered only once the grace for a late POST is over.
 */
import { isValidPrice, toCents } from '../mappings.js';
import { assignmentOf, type LineAssignment, passHasher, type RegisteredSale } from './request.js';
import type { Order, OrderLine, ReconcileReason, Reconciliation } from './types.js';

/** How far outside an attempt's start and lease end a sale may be dated and still be ours: the two clocks differ. */
export const CLOCK_SKEW_MS = 2 * 60 * 1000;

/**
 * How long after an uncertain attempt started its POST may still be applied at UiTPAS (a request UiTPAS got but
 * applies late, after our client gave up). Until then, finding nothing among UiTPAS's sales proves nothing: the
 * outcome stays UNKNOWN, nothing is posted again and nothing is closed. It covers the longest lease (the register
 * function's timeout plus a margin, lib/use-cases/ticket-sales/deps.ts checks it) and the clock skew, with room to spare.
 */
export const APPLY_GRACE_MS = 5 * 60 * 1000;

// --- reconciliation ---------------------------------------------------------------------------------------------

export type ReconcileDecision =
  | { outcome: 'found'; assignments: LineAssignment[]; record: Reconciliation }
  | { outcome: 'none'; record: Reconciliation }
  | { outcome: 'unknown'; record: Reconciliation };

/** When the attempt whose outcome is uncertain started. */
export function uncertainStart(order: Order): string {
  return order.uncertainSince ?? order.attempt?.startedAt ?? order.createdAt;
}

/**
 * When that attempt's lease ended: its POST was sent before. An order recorded before the bound was kept falls back
 * to the longest an attempt may run (the grace).
 */
export function uncertainEnd(order: Order): string {
  if (order.uncertainUntil) return order.uncertainUntil;
  if (order.uncertainSince === undefined && order.attempt) return order.attempt.leaseUntil;
  return new Date(Date.parse(uncertainStart(order)) + APPLY_GRACE_MS).toISOString();
}

/** From then on, finding nothing among UiTPAS's sales proves that the uncertain attempt registered nothing. */
export function applyGraceEnds(order: Order): Date {
  return new Date(Date.parse(uncertainStart(order)) + APPLY_GRACE_MS);
}

export function applyGraceOver(order: Order, now: Date): boolean {
  return now.getTime() >= applyGraceEnds(order).getTime();
}

/** What a client waits before asking again about an unknown outcome: the rest of the grace, at least 5 s. */
export function retryAfterSeconds(order: Order, now: Date): number {
  return Math.max(5, Math.ceil((applyGraceEnds(order).getTime() - now.getTime()) / 1000));
}

/** The creation times a sale of the uncertain attempt can have, in UiTPAS's clock (epoch ms). */
export function reconcileWindow(order: Order): { since: number; until: number } {
  return {
    since: Date.parse(uncertainStart(order)) - CLOCK_SKEW_MS,
    until: Date.parse(uncertainEnd(order)) + CLOCK_SKEW_MS,
  };
}

function lineKey(uitdatabankId: string, hash: string, tariffId: string, regularPrice: number): string {
  return [
    uitdatabankId.toLowerCase(),
    hash,
    tariffId,
    isValidPrice(regularPrice) ? toCents(regularPrice) : NaN,
  ].join('|');
}

/**
 * The sales that could be this order's: same event, pass, tariff and regular price, created while the uncertain
 * attempt could post (from its start to its lease end, widened by the clock skew). A later sale of the same pass,
 * tariff and price is another channel's (a box office, a second basket), never ours to adopt or cancel. A sale
 * without a creation date cannot be ruled out.
 */
export function reconciliationCandidates(
  order: Order,
  sales: readonly RegisteredSale[],
  passKey: string,
): RegisteredSale[] {
  const { since, until } = reconcileWindow(order);
  const hash = passHasher(order, passKey);
  const keys = new Set(
    order.lines.map((line) =>
      lineKey(line.uitdatabankId, line.uitpasNumberHash, line.tariffId, line.regularPrice),
    ),
  );
  const seen = new Set<string>();
  return sales.filter((sale) => {
    if (seen.has(sale.id)) return false;
    seen.add(sale.id);
    const created = sale.creationDate === undefined ? Number.NaN : Date.parse(sale.creationDate);
    if (!Number.isNaN(created) && (created < since || created > until)) return false;
    return keys.has(lineKey(sale.eventId, hash(sale.uitpasNumber), sale.tariff.id, sale.regularPrice));
  });
}

/**
 * What UiTPAS's sales say about an attempt whose answer was lost. UiTPAS registers all or nothing, so either every
 * line finds exactly its quantity among the candidates (found), or none finds any (none); anything else (some lines,
 * or more candidates than tickets) is not decided by guessing: the outcome stays unknown.
 * `claimedElsewhere` are candidates that already belong to another order: never ours.
 */
export function decideReconciliation(
  order: Order,
  candidates: readonly RegisteredSale[],
  claimedElsewhere: ReadonlySet<string>,
  now: Date,
  passKey: string,
): ReconcileDecision {
  const window = reconcileWindow(order);
  const since = new Date(window.since).toISOString();
  const until = new Date(window.until).toISOString();
  const hash = passHasher(order, passKey);
  const pools = new Map<string, { expected: number; sales: RegisteredSale[] }>();
  const keyOf = (line: OrderLine) =>
    lineKey(line.uitdatabankId, line.uitpasNumberHash, line.tariffId, line.regularPrice);
  for (const line of order.lines) {
    const pool = pools.get(keyOf(line)) ?? { expected: 0, sales: [] };
    pool.expected += line.quantity;
    pools.set(keyOf(line), pool);
  }
  for (const sale of candidates) {
    if (claimedElsewhere.has(sale.id)) continue;
    const key = lineKey(sale.eventId, hash(sale.uitpasNumber), sale.tariff.id, sale.regularPrice);
    pools.get(key)?.sales.push(sale);
  }
  const byAge = (a: RegisteredSale, b: RegisteredSale) =>
    (a.creationDate ?? '').localeCompare(b.creationDate ?? '') ||
    a.id.localeCompare(b.id, 'en', { numeric: true });
  for (const pool of pools.values()) pool.sales.sort(byAge);

  const all = [...pools.values()];
  const found: Record<string, string[]> = {};
  const record = (outcome: Reconciliation['outcome'], reason?: ReconcileReason): Reconciliation => ({
    at: now.toISOString(),
    outcome,
    ...(reason ? { reason } : {}),
    since,
    until,
    found,
  });

  if (all.every((pool) => pool.sales.length === 0)) return { outcome: 'none', record: record('none') };
  if (all.some((pool) => pool.sales.length > pool.expected)) {
    for (const line of order.lines)
      found[line.lineId] = (pools.get(keyOf(line))?.sales ?? []).map((s) => s.id);
    return { outcome: 'unknown', record: record('unknown', 'ambiguous-match') };
  }
  const assignments: LineAssignment[] = [];
  const used = new Map<string, number>();
  for (const line of order.lines) {
    const key = keyOf(line);
    const pool = pools.get(key) as { sales: RegisteredSale[] };
    const start = used.get(key) ?? 0;
    const picked = pool.sales.slice(start, start + line.quantity);
    used.set(key, start + picked.length);
    found[line.lineId] = picked.map((sale) => sale.id);
    assignments.push(assignmentOf(picked));
  }
  if (all.some((pool) => pool.sales.length < pool.expected)) {
    return { outcome: 'unknown', record: record('unknown', 'partial-match') };
  }
  return { outcome: 'found', assignments, record: record('found') };
}
