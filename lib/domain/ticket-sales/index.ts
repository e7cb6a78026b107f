/**
 * Ticket-sale orders: the pure rules (no I/O) behind registering, reconciling, confirming and cancelling the
 * discounted sales of a basket at UiTPAS. The use cases (lib/use-cases/ticket-sales) import them from here.
 *
 * - `types.ts`: the order's data and its statuses (types only, so that no rule file needs to import another for them)
 * - `order.ts`: the state machine (see the diagram there): building, registering and confirming an order
 * - `request.ts`: the request's identity, the POST to UiTPAS and its answer mapped back onto the lines
 * - `reconcile.ts`: what UiTPAS's sales say about an attempt whose answer was lost (window, candidates, grace)
 * - `cancel.ts`: cancellation rules, orphaned sales and the sweep's backoff
 * - `price-drift.ts`: the price-drift guard (the till's `chargedPrice` against the price UiTPAS registered)
 * - `views.ts`: who may see an order, and how it is answered
 * - `ledger.ts`: the sales ledger's claims and what our orders say of each sale; `report.ts` and `reconciliation.ts`
 *   build the export and the comparison with UiTPAS on it
 * - `problems.ts`: the problems (AppError) these rules answer
 */
export {
  type CancelResults,
  cancelRetryDelayMs,
  cancelSince,
  closedWithoutSales,
  expireHeld,
  hasPendingCancellation,
  holdsSales,
  linesToCancel,
  openOrphans,
  pendingCancellationDueAt,
  recordCancellations,
  requestCancellation,
  startCancelling,
  withOrphans,
} from './cancel.js';
export { claimedLine, type LedgerClaim, type LedgerState, ledgerState } from './ledger.js';
export {
  cancelRequestedFor,
  confirm,
  isRegistered,
  leaseIsLive,
  newOrder,
  organisationsOf,
  REGISTERED_STATUSES,
  registered,
  replan,
  statusOfLines,
  touch,
  withLines,
  withUnregisteredStatus,
} from './order.js';
export { isLegacyOrderOf, orderKey, publicOrderId } from './order-key.js';
export {
  DEFAULT_PRICE_DRIFT_POLICY,
  driftedLines,
  lineDrift,
  type PriceDriftPolicy,
  priceDriftRefused,
  registeredPriceOf,
  registeredPriceOfLine,
} from './price-drift.js';
export {
  forLine,
  lineNotFound,
  orderConflict,
  orderNotFound,
  orderNotHeld,
  quantityNotAvailable,
  registrationInProgress,
  registrationRefused,
  registrationUnavailable,
} from './problems.js';
export {
  APPLY_GRACE_MS,
  applyGraceEnds,
  applyGraceOver,
  CLOCK_SKEW_MS,
  decideReconciliation,
  type ReconcileDecision,
  reconcileWindow,
  reconciliationCandidates,
  retryAfterSeconds,
  uncertainEnd,
  uncertainStart,
} from './reconcile.js';
export {
  CSV_HEADER,
  cents,
  csvField,
  csvSaleRow,
  type EventGroup,
  type EventOrganizers,
  formatEuro,
  groupByEvent,
  groupByOrganizer,
  type OrganizerGroup,
  type ReportedStatus,
  type ReportSale,
  type ReportSaleView,
  type ReportTotalsCents,
  type ReportTotalsView,
  reportCsv,
  reportSale,
  reportView,
  type TicketSalesReport,
  totalsOf,
} from './report.js';
export {
  assignmentOf,
  assignRegisteredSales,
  canonicalJson,
  failingSale,
  type LineAssignment,
  lineOfSale,
  passHash,
  type RegisteredSale,
  requestHash,
  type SaleToRegister,
  salesToRegister,
} from './request.js';
export {
  type Attempt,
  type LineStatus,
  ORDER_STATUSES,
  type Order,
  type OrderError,
  type OrderLine,
  type OrderLineRequest,
  type OrderRequest,
  type OrderStatus,
  type OrphanedSale,
  type PlannedLine,
  type PriceDrift,
  type ReconcileReason,
  type Reconciliation,
} from './types.js';
export { mayAccessOrder, type OrderLineView, type OrderView, orderView } from './views.js';
