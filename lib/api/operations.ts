/**
 * What the OpenAPI document says of each route beyond what the route itself declares: its name, what it is for,
 * its success answers and the problem types it can answer. Who may call it and what it takes (path, query, body)
 * are read from the route (lib/handlers/*), and which function serves it from the function that declares it
 * (lib/api/document.ts `declaredRoutes`), never restated here; lib/api/document.ts joins the two and fails when a
 * route has no entry here or an entry has no route.
 */
import type * as z from 'zod';
import type { ProblemSlug } from './problems.js';
import { UPSTREAM_PROBLEMS } from './problems.js';
import {
  auditPage,
  eventMapping,
  eventMappingPage,
  eventReadinessResponse,
  healthResponse,
  openApiDocumentResponse,
  orderResponse,
  organisationList,
  organisationMapping,
  organisationReadinessResponse,
  passResponse,
  promotorList,
  promotorMapping,
  reconciliationResults,
  reconciliationRun,
  tariffsResponse,
  textBody,
  ticketSalesReport,
  ticketSalesReportCsv,
  uitpasPricesResponse,
} from './responses.js';

/** A response header besides X-Correlation-Id, which every answer has. */
export interface Header {
  description: string;
  /** Absent: some answers of this status leave it out (a CSV's, beside its JSON). */
  required?: true;
}

export interface Answer {
  description: string;
  /** The body's schema per media type; absent: no body. */
  content?: Record<string, z.ZodType>;
  headers?: Record<string, Header>;
}

export interface Operation {
  operationId: string;
  tag: 'basket' | 'ticket sales' | 'mappings' | 'readiness' | 'service';
  summary: string;
  description: string;
  answers: Record<number, Answer>;
  /**
   * What the operation itself can refuse with; the HTTP stack's own refusals (no API key, a body that does not
   * parse, ...) are added by lib/api/document.ts from the route's declaration and are not listed here.
   */
  problems: readonly ProblemSlug[];
}

/** The body of most answers. */
const json = (schema: z.ZodType): Answer['content'] => ({ 'application/json': schema });

const ORGANISATION_SCOPE: readonly ProblemSlug[] = ['organisation-not-allowed'];
const UITPAS: readonly ProblemSlug[] = UPSTREAM_PROBLEMS.uitpas;
/** Why the till may not sell this event with UiTPAS (lib/domain/tariffs.ts), found before UiTPAS is asked. */
const TILL_RULES: readonly ProblemSlug[] = [
  'event-not-found',
  'event-not-uitpas',
  'event-not-mapped',
  'standard-ticket-type-missing',
  'standard-ticket-type-ambiguous',
  'standard-price-missing',
  'regular-price-mismatch',
  'organizer-mismatch',
  'organizer-unverified',
  'organizer-not-permitted',
  'card-systems-not-permitted',
];
const UITDATABANK: readonly ProblemSlug[] = UPSTREAM_PROBLEMS.uitdatabank;

const ETAG: Record<string, Header> = {
  ETag: {
    description: 'The item\'s version, quoted ("3"): send it back as If-Match to change or delete it.',
    required: true,
  },
};

const mapping = (
  kind: 'event' | 'organisation' | 'promotor',
  item: z.ZodType,
  list: z.ZodType,
  listDescription: string,
  extra: { save: readonly ProblemSlug[]; remove: readonly ProblemSlug[]; list: readonly ProblemSlug[] },
): Record<string, Operation> => {
  const Kind = kind[0]?.toUpperCase() + kind.slice(1);
  const one = `/v1/${kind}s/{${kind}Id}`;
  const common = { tag: 'mappings' as const };
  return {
    [`PUT ${one}`]: {
      ...common,
      operationId: `put${Kind}`,
      summary: `Create or change a ${kind} mapping`,
      description: `Stores the ${kind} as the ticketing system knows it, with its UiTdatabank id. Send \`If-Match\` (or \`version\` in the body) with the version you read to change it safely; without it the last write wins. The id in the path is the ticketing system's own. A change is audited (GET /v1/audit).`,
      answers: {
        200: { description: `The ${kind} was changed.`, content: json(item), headers: ETAG },
        201: { description: `The ${kind} was created.`, content: json(item), headers: ETAG },
      },
      // Another organisation's item is answered as unknown, never overwritten.
      problems: [
        ...ORGANISATION_SCOPE,
        `${kind}-not-found` as ProblemSlug,
        'version-conflict',
        ...extra.save,
      ],
    },
    [`GET ${one}`]: {
      ...common,
      operationId: `get${Kind}`,
      summary: `Read a ${kind} mapping`,
      description: `The stored ${kind}, with its version as ETag.`,
      answers: { 200: { description: `The ${kind}.`, content: json(item), headers: ETAG } },
      problems: [`${kind}-not-found` as ProblemSlug],
    },
    [`DELETE ${one}`]: {
      ...common,
      operationId: `delete${Kind}`,
      summary: `Delete a ${kind} mapping`,
      description: `Removes the ${kind}. Send \`If-Match\` with the version you read to delete only what you saw. An unknown ${kind}, or one of another organisation, is a 404.`,
      answers: { 204: { description: `The ${kind} is deleted.` } },
      problems: [`${kind}-not-found` as ProblemSlug, 'version-conflict', ...extra.remove],
    },
    [`GET /v1/${kind}s`]: {
      ...common,
      operationId: `list${Kind}s`,
      summary: `List ${kind} mappings`,
      description: listDescription,
      answers: { 200: { description: `The ${kind}s.`, content: json(list) } },
      problems: [...extra.list],
    },
  };
};

export const OPERATIONS: Record<string, Operation> = {
  'GET /v1/openapi.json': {
    operationId: 'openApiDocument',
    tag: 'service',
    summary: 'This document',
    description:
      'The OpenAPI 3.1 document of this API, for client generators and validators (`npm run openapi` writes it to a file).',
    answers: { 200: { description: 'The OpenAPI document.', content: json(openApiDocumentResponse) } },
    problems: [],
  },
  'GET /v1/docs': {
    operationId: 'apiDocsPage',
    tag: 'service',
    summary: 'This document, to read',
    description: 'A page that renders the OpenAPI document (Swagger UI, served from here: no CDN).',
    answers: { 200: { description: 'The page.', content: { 'text/html': textBody } } },
    problems: [],
  },
  'GET /v1/docs/{asset}': {
    operationId: 'apiDocsAsset',
    tag: 'service',
    summary: "The docs page's scripts and style",
    description: 'What the page at /v1/docs loads.',
    answers: {
      200: {
        description: "The file; gzipped when the request's Accept-Encoding takes gzip.",
        content: { 'text/javascript': textBody, 'text/css': textBody },
        headers: {
          'Content-Encoding': { description: '`gzip` when the file is answered gzipped.' },
          Vary: { description: '`Accept-Encoding`: the answer depends on it.', required: true },
        },
      },
    },
    problems: ['asset-not-found'],
  },
  'GET /v1/health': {
    operationId: 'health',
    tag: 'service',
    summary: 'Is the API up?',
    description:
      "Answers that the API runs, with the build's version. It touches nothing else, so it stays green while UiTPAS is down; the routes that need UiTPAS say so themselves.",
    answers: { 200: { description: 'The API is up.', content: json(healthResponse) } },
    problems: [],
  },
  'POST /v1/passes/validate': {
    operationId: 'validatePass',
    tag: 'basket',
    summary: 'Check an UiTPAS, INSZ or chip number',
    description:
      "The pass as the till needs it: kind, first name, card system, social tariff, points, UiTPAS's messages for the buyer. The number travels in the body, never in the URL: it is personal data.",
    answers: { 200: { description: 'The pass can be used.', content: json(passResponse) } },
    problems: ['invalid-pass-identifier', 'invalid-insz', ...UITPAS],
  },
  'POST /v1/tariffs': {
    operationId: 'lookupTariffs',
    tag: 'basket',
    summary: 'Which tariffs may this passholder pay for this event?',
    description:
      "Asks UiTPAS which tariffs (social tariff, coupon, group pass) it offers this passholder for the event's standard ticket type, at the standard price or at `regularPrice`. Answers the UiTPAS ticket type to switch the line to and UiTPAS's message for the buyer. A mapping change applies to the very next lookup.",
    answers: {
      200: { description: 'The tariffs on offer (possibly none).', content: json(tariffsResponse) },
    },
    problems: ['invalid-uitpas-number', ...TILL_RULES, ...UITPAS],
  },
  'GET /v1/events/{eventId}/uitpas-prices': {
    operationId: 'getUitpasPrices',
    tag: 'basket',
    summary: 'The indicative UiTPAS price of an event, before the buyer gives a pass number',
    description:
      "What UiTPAS would offer at the event's standard ticket type's price to a social-tariff holder living in the organizer's region (UiTPAS `GET /tariffs/static`), so a webshop can show \"kansentarief from €2\" before the buyer types a number, with the event's hint for the buyer (its own, or a default in Dutch and English). Indicative only: what a passholder pays, and the tariff id to register, come from POST /v1/tariffs once the number is known. Refused as a tariff lookup is (the event must be UiTPAS-ready). UiTPAS's answer is kept a few minutes per event, but the event is read on every request: a changed mapping or standard price applies at once.",
    answers: {
      200: {
        description: 'The indicative tariffs (possibly none) and the hint.',
        content: json(uitpasPricesResponse),
      },
    },
    // No price is asked for, so none can differ from the standard one (regular-price-mismatch).
    problems: [...TILL_RULES.filter((slug) => slug !== 'regular-price-mismatch'), ...UITPAS],
  },
  'POST /v1/ticket-sales': {
    operationId: 'registerTicketSales',
    tag: 'ticket sales',
    summary: 'Register the discounted sales of an order at UiTPAS',
    description:
      'Registers every line in one UiTPAS call, exactly once per orderId: the same request again answers the stored order (200), another body under the same orderId is a 409. The order is HELD until `heldUntil`: confirm it when the buyer has paid, or it is cancelled. A line may give `chargedPrice`, what the till charged: when UiTPAS registers another price, the registration is refused (422 `price-drift`) and its sales cancelled, or, as the operator configured, registered with `priceDrift` on the line. When UiTPAS does not answer, the 503 says what is known (`outcome`); with `unknown`, wait for Retry-After before asking again: nothing is posted twice.',
    answers: {
      201: { description: 'This request registered the order.', content: json(orderResponse) },
      200: {
        description: 'The order was registered by an earlier, identical request.',
        content: json(orderResponse),
      },
    },
    problems: [
      'order-conflict',
      'registration-in-progress',
      'tariff-not-offered',
      'quantity-not-available',
      'price-drift',
      ...TILL_RULES,
      ...UITPAS,
    ],
  },
  'POST /v1/ticket-sales/{orderId}/confirm': {
    operationId: 'confirmTicketSales',
    tag: 'ticket sales',
    summary: 'The buyer paid: keep the order',
    description: 'HELD becomes CONFIRMED, so the sweep does not cancel it. Idempotent.',
    answers: { 200: { description: 'The order, confirmed.', content: json(orderResponse) } },
    problems: ['order-not-found', 'order-not-held'],
  },
  'GET /v1/ticket-sales/{orderId}': {
    operationId: 'getTicketSales',
    tag: 'ticket sales',
    summary: 'Read an order',
    description: 'The order, its lines and their states.',
    answers: { 200: { description: 'The order.', content: json(orderResponse) } },
    problems: ['order-not-found'],
  },
  'DELETE /v1/ticket-sales/{orderId}': {
    operationId: 'cancelTicketSales',
    tag: 'ticket sales',
    summary: 'Cancel an order, or one line (`?lineId=`)',
    description:
      "Cancels the order's sales at UiTPAS (a refund). Idempotent. When UiTPAS cannot take it now, or the registration is still running, the cancellation is written on the order and carried out by the queue and the sweep: 202.",
    answers: {
      200: { description: 'Every sale asked is cancelled at UiTPAS.', content: json(orderResponse) },
      202: {
        description: 'The cancellation is recorded and will be carried out (CANCEL_PENDING).',
        content: json(orderResponse),
      },
    },
    problems: ['order-not-found', 'line-not-found', ...UITPAS],
  },
  ...mapping(
    'event',
    eventMapping,
    eventMappingPage,
    'A page of events, filtered by label (repeat `label` for either), by whether they have an UiTdatabank id, and by organisation; follow `nextCursor` for the next page.',
    {
      save: [
        'unknown-organisation',
        'unknown-promotor',
        'uitdatabank-event-not-found',
        'uitdatabank-organizer-not-found',
        'uitdatabank-id-from-sync',
        'uitdatabank-event-taken',
        'organizer-mismatch',
        'organizer-unverified',
        ...UITDATABANK,
      ],
      remove: ['event-has-uitpas-ticket-sales'],
      list: ['invalid-cursor', ...ORGANISATION_SCOPE],
    },
  ),
  ...mapping(
    'organisation',
    organisationMapping,
    organisationList,
    'The organisations this key may act for.',
    { save: ['uitdatabank-organizer-not-found', ...UITDATABANK], remove: ['organisation-in-use'], list: [] },
  ),
  ...mapping(
    'promotor',
    promotorMapping,
    promotorList,
    'The promotors of the organisations this key may act for, or of one (`organisationId`).',
    {
      save: ['unknown-organisation', 'uitdatabank-organizer-not-found', ...UITDATABANK],
      remove: [],
      list: [...ORGANISATION_SCOPE],
    },
  ),
  'GET /v1/audit': {
    operationId: 'listAudit',
    tag: 'mappings',
    summary: 'Who changed a mapping, when, and what',
    description: 'The audit trail of one event, organisation or promotor, newest first, paged.',
    answers: { 200: { description: 'A page of changes.', content: json(auditPage) } },
    problems: ['invalid-cursor'],
  },
  'GET /v1/reports/ticket-sales': {
    operationId: 'reportTicketSales',
    tag: 'ticket sales',
    summary:
      'The reimbursement export: registered UiTPAS sales of an organisation, per event, with totals per event and organizer',
    description:
      'Every UiTPAS sale of the organisation registered from `from` to `to` (UTC days, inclusive, at most 366 days) that still stands: its line is HELD or CONFIRMED and holds the sale (cancelled, cancelling and orphaned sales are left out). Per sale: when it was registered, the ticket-sale, order and line ids, the event and UiTdatabank ids, the tariff, the regular price, the price UiTPAS registered and the difference; per event its UiTdatabank organizer (resolved now by the organizer rule; null when it cannot be, e.g. a deleted event); totals per event, per organizer (the sums of their events’ totals) and of the answer, to the cent. JSON (the default) answers one page of `limit` sale claims; follow `nextCursor`. `Accept: text/csv` answers CSV, reading page after page into one answer up to about 4 MB of rows (a Lambda answer is at most 6 MB) or until the time is up; a window larger than that comes in parts: such a part ends with a `part-total` row (its own totals) instead of `organisation-total`, and `X-Next-Cursor` and `Link: <…>; rel="next"` give the next part. Sales registered before this export existed are not in it (their claims carry no ledger keys).',
    answers: {
      200: {
        description: 'The sales and their totals (a page of them, or a CSV part).',
        content: { 'application/json': ticketSalesReport, 'text/csv': ticketSalesReportCsv },
        headers: {
          'X-Next-Cursor': { description: 'CSV only, when more follows: the `cursor` of the next part.' },
          Link: {
            description: 'CSV only, when more follows: `</v1/reports/ticket-sales?…&cursor=…>; rel="next"`.',
          },
          'Content-Disposition': {
            description:
              'CSV only: `attachment; filename="uitpas-ticket-sales-<organisation>-<from>-<to>.csv"`.',
          },
        },
      },
    },
    problems: [...ORGANISATION_SCOPE, 'invalid-cursor'],
  },
  'POST /v1/reconciliation/runs': {
    operationId: 'runReconciliation',
    tag: 'ticket sales',
    summary: 'Reconcile our sales ledger with UiTPAS now, per event, and answer the result',
    description:
      "For every event of the organisation with sales of ours registered from `from` to `to` (UTC days, inclusive; default the last 7 days; or only `eventId`), UiTPAS's own record (`GET /ticket-sales?eventId=`, 500 a page) is compared with our ledger: a sale we hold registered that UiTPAS does not know (`missing-at-uitpas`), one we cancelled that UiTPAS still has (`cancelled-still-at-uitpas`: cancelled at UiTPAS by the run, the only change it makes), one at UiTPAS that no order of ours holds (`not-ours`: another channel or an orphan, never touched), and a price or tariff that differs. UiTPAS's sales count when their creation date falls in the window. Each event's result is stored over the previous run's, so running twice leaves the same result. Without TICKETSALES_SEARCH for the event's organizer the event says `cannot-compare` with a plain note; the run goes on.",
    answers: { 200: { description: 'The result per event.', content: json(reconciliationRun) } },
    problems: ORGANISATION_SCOPE,
  },
  'GET /v1/reconciliation': {
    operationId: 'listReconciliation',
    tag: 'ticket sales',
    summary: "The last reconciliation result of each of an organisation's events",
    description:
      'The stored result of the last run (on demand or the daily schedule) per event, by event id; `from`/`to` keep the results checked on those UTC days.',
    answers: { 200: { description: 'The last result per event.', content: json(reconciliationResults) } },
    problems: ORGANISATION_SCOPE,
  },
  'GET /v1/events/{eventId}/readiness': {
    operationId: 'checkEventReadiness',
    tag: 'readiness',
    summary: 'Is this event UiTPAS-ready, and if not, what to fix?',
    description:
      'The checklist, item by item: ok, severity, what was observed and how to fix it, in Dutch and English. An unreachable UiTPAS or UiTdatabank makes the items that need it fail as `unreachable`, not the request.',
    answers: { 200: { description: "The event's checklist.", content: json(eventReadinessResponse) } },
    problems: ['event-not-found'],
  },
  'GET /v1/readiness': {
    operationId: 'checkOrganisationReadiness',
    tag: 'readiness',
    summary: "Readiness of all of an organisation's UiTPAS events",
    description: 'The checklist of each UiTPAS-labelled event of the organisation, and a summary.',
    answers: {
      200: { description: 'The reports and their summary.', content: json(organisationReadinessResponse) },
    },
    problems: [...ORGANISATION_SCOPE, 'organisation-not-found'],
  },
};
