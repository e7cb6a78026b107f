/**
 * reconcileSales: our sales ledger against UiTPAS's own record, per event (lib/use-cases/reconciliation/run.ts).
 * Triggers: HTTP API, role `admin`, scoped like the export (an organisation the key may not act for is a 403
 * `organisation-not-allowed`):
 * - `POST /v1/reconciliation/runs` `{ organisationId, eventId?, from?, to? }` runs now and answers the run's result;
 * - `GET /v1/reconciliation?organisationId=&from=&to=` answers the last stored result per event (checked in the days
 *   given, both optional);
 * and an EventBridge schedule (daily, input `{ "reconcile": "all" }`) that runs every organisation over the last 7 days.
 * Side effects: stores the result per event (`RECON#<organisationId>`); cancels at UiTPAS the sales one of our orders
 * cancelled that UiTPAS still has, and nothing else; counts `ReconciliationDiscrepancies`.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { ticketingId } from '../use-cases/mapping-admin/ids.js';
import {
  type RunDeps,
  reconcileAll,
  runReconciliation,
  storedResults,
} from '../use-cases/reconciliation/run.js';
import * as z from '../zod.js';
import { dayWindowRule } from './fields.js';
import { lambdaHandler } from './lambda.js';

const admin = { roles: ['admin'] } as const;
/** At most this many days in one run (UiTPAS lists an event's sales without a date filter anyway). */
export const MAX_RUN_DAYS = 92;
/** No event is started this close to the answer's deadline (an event's search and its result's write). */
const EVENT_MARGIN_MS = 5000;
/** The scheduled run starts no event this close to the Lambda timeout (at most a fifth of the time given). */
const SCHEDULE_MARGIN_MS = 30_000;

const day = (description: string) => z.iso.date().check(z.meta({ description }));

const runWindow = dayWindowRule(MAX_RUN_DAYS);

/** The input of the daily schedule (serverless.yml), the only non-HTTP event this function runs. */
const scheduleInput = z.object({ reconcile: z.literal('all') });

export const runBodySchema = z
  .strictObject({
    organisationId: ticketingId,
    eventId: z
      .optional(ticketingId)
      .check(z.meta({ description: 'Only this event (even without sales of ours).' })),
    from: z.optional(day('The first day (UTC), `YYYY-MM-DD`, inclusive; default: 6 days before `to`.')),
    to: z.optional(day('The last day (UTC), `YYYY-MM-DD`, inclusive; default: today.')),
  })
  .check(
    z.superRefine((body, context) => {
      runWindow(body, context);
      if ((body.from === undefined) !== (body.to === undefined))
        context.addIssue({ code: 'custom', path: ['to'], message: 'give from and to together, or neither' });
    }),
  );

export const resultsQuerySchema = z
  .object({
    organisationId: ticketingId,
    from: z.optional(day('Results checked on or after this day (UTC), `YYYY-MM-DD`.')),
    to: z.optional(day('Results checked on or before this day (UTC), `YYYY-MM-DD`.')),
  })
  .check(z.superRefine(dayWindowRule(Number.POSITIVE_INFINITY)));

const isHttp = (event: unknown): event is APIGatewayProxyEventV2 =>
  typeof event === 'object' && event !== null && 'requestContext' in event && 'routeKey' in event;

export function createHandler(deps: () => RunDeps, options?: HttpOptions) {
  const http = httpRouter(
    {
      'POST /v1/reconciliation/runs': route(
        { auth: admin, body: runBodySchema },
        async ({ body, principal, answerBy }) =>
          ok(
            await runReconciliation(
              { ...deps(), stopBy: answerBy - EVENT_MARGIN_MS, deadline: answerBy },
              principal,
              body,
            ),
          ),
      ),
      'GET /v1/reconciliation': route(
        { auth: admin, query: resultsQuerySchema },
        async ({ query, principal }) =>
          ok({
            organisationId: query.organisationId,
            events: await storedResults(deps().store, principal, query),
          }),
      ),
    },
    options,
  );
  const scheduled = lambdaHandler(async (event: unknown, context: Context) => {
    // Only the schedule's own input runs every organisation: anything else is a mistaken invoke, refused unrun.
    if (!scheduleInput.safeParse(event).success)
      throw new Error(
        'reconcileSales runs every organisation only for the schedule\'s input { "reconcile": "all" }; for one organisation or event, POST /v1/reconciliation/runs',
      );
    const remaining = context.getRemainingTimeInMillis();
    const end = Date.now() + remaining;
    const margin = Math.min(SCHEDULE_MARGIN_MS, remaining / 5);
    // No event is started in the margin; the UiTPAS calls of the last one may use half of it.
    return reconcileAll({ ...deps(), stopBy: end - margin, deadline: end - margin / 2 });
  });
  const handler = (event: unknown, context: Context) =>
    isHttp(event) ? http(event, context) : scheduled(event, context);
  // Called as an HTTP route or as the schedule: the one function answers both.
  return Object.assign(handler, { routes: http.routes }) as unknown as typeof http &
    ((event: { reconcile: 'all' }, context: Context) => Promise<Awaited<ReturnType<typeof reconcileAll>>>);
}
