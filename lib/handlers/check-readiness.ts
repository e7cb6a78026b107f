/**
 * checkReadiness: is an event UiTPAS-ready, and if not, what to fix? Role `admin`, scoped to the key's organisations.
 * Trigger: HTTP API, `GET /v1/events/{eventId}/readiness` and `GET /v1/readiness?organisationId=...`.
 * Output: the checklist answered item by item (ok, severity, observed value, fix in Dutch and English); for an
 * organisation, the report of each of its UiTPAS-labelled events and a summary. 400 bad id, 403 organisation not
 * allowed, 404 unknown or not the key's. An unreachable UiTPAS or UiTdatabank makes the items that need it fail
 * ("unreachable"), not the request.
 * Side effects: reads UiTdatabank Entry and UiTPAS (card systems; permissions through a cache kept in the table);
 * stores a small readiness snapshot on each checked event, which the basket reads to refuse a non-permitted organizer
 * (or one whose permission covers none of the event's card systems).
 */
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { eventPathSchema, ticketingId } from '../use-cases/mapping-admin/ids.js';
import type { ReadinessDeps } from '../use-cases/readiness/assess.js';
import { checkEventReadiness, checkOrganisationReadiness } from '../use-cases/readiness/check.js';
import * as z from '../zod.js';

const admin = { roles: ['admin'] } as const;
const organisationQuerySchema = z.object({ organisationId: ticketingId });

export function createHandler(deps: () => ReadinessDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'GET /v1/events/{eventId}/readiness': route(
        { auth: admin, path: eventPathSchema },
        async ({ path, principal }) => ok(await checkEventReadiness(path.eventId, principal, deps())),
      ),
      'GET /v1/readiness': route(
        { auth: admin, query: organisationQuerySchema },
        async ({ query, principal }) =>
          ok(await checkOrganisationReadiness(query.organisationId, principal, deps())),
      ),
    },
    options,
  );
}
