/**
 * reportTicketSales: the reimbursement export. Role `admin`, scoped: an organisation the key may not act for is a
 * 403 `organisation-not-allowed`.
 * Trigger: HTTP API, `GET /v1/reports/ticket-sales?organisationId=&from=&to=&cursor=&limit=`.
 * Output: every registered, not-cancelled UiTPAS sale of the organisation registered in [from, to] (UTC dates, both
 * inclusive), per event (with its UiTdatabank organizer, resolved now; null when unresolvable), with the totals per
 * event, per organizer and of the answer. JSON by default: one page of `limit` sale
 * claims with `nextCursor`. With `Accept: text/csv`: CSV, page after page in one answer until the window is done
 * or the answer reaches CSV_MAX_BYTES (Lambda answers at most 6 MB) or the time is up; then its last row is a
 * `part-total` instead of `organisation-total`, and `X-Next-Cursor` and `Link: <…>; rel="next"` name the next part.
 * Side effects: none (reads the ledger, the orders, and the events, organisations and promotors of the sales).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpOptions, httpRouter, ok, okText, route } from '../adapters/http/handler.js';
import { reportCsv, reportView } from '../domain/ticket-sales/index.js';
import { ticketingId } from '../use-cases/mapping-admin/ids.js';
import type { ReportMappings, SalesLedger } from '../use-cases/reports/ports.js';
import { reportForCsv, reportPage } from '../use-cases/reports/ticket-sales.js';
import * as z from '../zod.js';
import { dayWindowRule } from './fields.js';

const admin = { roles: ['admin'] } as const;

/** A year and a day: a calendar year, a leap year included. */
export const MAX_WINDOW_DAYS = 366;
/** The rows of sales one CSV answer holds before it is cut into parts: well under Lambda's 6 MB answer. */
export const CSV_MAX_BYTES = 4 * 1024 * 1024;
/** Sale claims per ledger page while a CSV answer is built. */
const CSV_PAGE = 500;
/** No new page is read this close to the answer's deadline. */
const CSV_TIME_MARGIN_MS = 3000;

export const reportQuerySchema = z
  .object({
    organisationId: ticketingId,
    from: z.iso.date().check(z.meta({ description: 'The first day (UTC), `YYYY-MM-DD`, inclusive.' })),
    to: z.iso.date().check(
      z.meta({
        description: `The last day (UTC), \`YYYY-MM-DD\`, inclusive; at most ${MAX_WINDOW_DAYS} days after \`from\`.`,
      }),
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100).check(
      z.meta({
        description: 'Sale claims per JSON page (cancelled ones count, so a page may hold fewer sales).',
      }),
    ),
  })
  .check(z.superRefine(dayWindowRule(MAX_WINDOW_DAYS, 'ask for a year in one go, or in parts')));

/** CSV when the caller asks for it (`Accept: text/csv`), JSON otherwise. */
function wantsCsv(event: APIGatewayProxyEventV2): boolean {
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(event.headers?.accept ?? '');
}

export interface ReportDeps {
  ledger: SalesLedger;
  mappings: ReportMappings;
  /** Tests only: smaller CSV parts and pages than CSV_MAX_BYTES and CSV_PAGE. */
  csvMaxBytes?: number;
  csvPageSize?: number;
}

export function createHandler(deps: () => ReportDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'GET /v1/reports/ticket-sales': route(
        { auth: admin, query: reportQuerySchema },
        async ({ query, principal, event, answerBy }) => {
          const { ledger, mappings, csvMaxBytes = CSV_MAX_BYTES, csvPageSize = CSV_PAGE } = deps();
          if (!wantsCsv(event)) {
            const page = await reportPage({ ledger, mappings }, principal, query);
            return ok(reportView(query, page.sales, page.nextCursor, page.organizers));
          }
          const part = await reportForCsv(
            { ledger, mappings },
            principal,
            { ...query, limit: csvPageSize },
            { maxBytes: csvMaxBytes, stopBy: answerBy - CSV_TIME_MARGIN_MS, now: Date.now },
          );
          const name = `uitpas-ticket-sales-${query.organisationId}-${query.from}-${query.to}.csv`;
          const next = part.nextCursor
            ? new URLSearchParams({
                organisationId: query.organisationId,
                from: query.from,
                to: query.to,
                cursor: part.nextCursor,
              })
            : undefined;
          return okText(
            'text/csv; charset=utf-8',
            reportCsv(part.sales, part.nextCursor === null, part.organizers),
            {
              'Content-Disposition': `attachment; filename="${name}"`,
              ...(next
                ? {
                    'X-Next-Cursor': part.nextCursor as string,
                    Link: `</v1/reports/ticket-sales?${next}>; rel="next"`,
                  }
                : {}),
            },
          );
        },
      ),
    },
    options,
  );
}
