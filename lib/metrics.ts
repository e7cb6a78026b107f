/**
 * What the service did, as CloudWatch metrics: Powertools Metrics writes them as embedded-metric-format lines on
 * stdout, which CloudWatch Logs turns into metrics without an agent or an API call. One namespace for every function,
 * and the `service` dimension (POWERTOOLS_SERVICE_NAME, read by Powertools as the logger does), which deploy/alarms.cjs
 * alarms on.
 *
 * | metric | counted when |
 * |---|---|
 * | `Lookups` | a tariff lookup is answered |
 * | `Registrations` | a registration is answered with its sales held at UiTPAS (one per order) |
 * | `Refusals` | any problem answer, with the dimension `problemType` (our slug, e.g. `pass-not-found`) |
 * | `UnknownOutcomes` | a registration is answered "outcome unknown" (its POST may have been applied) |
 * | `PriceDrifts` | lines UiTPAS registered at another price than the till's `chargedPrice`, refused or flagged alike (PRICE_DRIFT); counted by the write that records the sales |
 * | `CancellationsPending` | a cancellation is answered 202: UiTPAS could not take it now, it is queued |
 * | `CancellationsDeadLettered` | a queued cancellation ran out of retries (the sweep keeps trying; NeedsAPerson too) |
 * | `SyncPushed`, `SyncFailed` | per sync run: events created or updated in UiTdatabank, events that failed |
 * | `SyncRunSucceeded` | a sync run ended without failures (its absence for 30 minutes is an alarm) |
 * | `ReconciliationDiscrepancies` | per reconciliation run: the discrepancies found between our ledger and UiTPAS (lib/use-cases/reconciliation/run.ts) |
 * | `NeedsAPerson` | a line for a person was logged (an ERROR with `alarm`); the kind is in the line's `alarm` |
 *
 * Like the logger this is one instance per container, shared by the layers: a use case counts what only it knows
 * (a line for a person), the HTTP stack counts answers. The stack and the non-HTTP wrapper flush it at the end of each
 * invocation, and only when something was counted: Powertools' own middleware warns on every empty flush.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.js';

export const METRICS_NAMESPACE = 'UitpasTicketing';

export type MetricName =
  | 'Lookups'
  | 'Registrations'
  | 'UnknownOutcomes'
  | 'PriceDrifts'
  | 'CancellationsPending'
  | 'CancellationsDeadLettered'
  | 'SyncPushed'
  | 'SyncFailed'
  | 'SyncRunSucceeded'
  | 'ReconciliationDiscrepancies';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, logger });

export function count(name: MetricName, value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}

/** A problem answer, by its type; a line of its own, so the dimension stays off the invocation's other metrics. */
export function countRefusal(problemType: string): void {
  const single = metrics.singleMetric();
  single.addDimension('problemType', problemType);
  single.addMetric('Refusals', MetricUnit.Count, 1);
}

/** Logs a line for a person (an ERROR with `alarm: kind`) and counts it: the on-call alarm goes by the count. */
export function needsAPerson(kind: string, message: string, details: Record<string, unknown>): void {
  logger.error(message, { alarm: kind, ...details });
  const single = metrics.singleMetric();
  single.addMetadata('alarm', kind);
  single.addMetric('NeedsAPerson', MetricUnit.Count, 1);
}

export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
