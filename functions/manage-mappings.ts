/**
 * manageMappings: the administrators' API for the ticketing system's events, organisations and promotors and their
 * UiTdatabank ids ("external mappings"). Role `admin`, scoped to the key's organisations.
 * Trigger: HTTP API, the routes below. Input: JSON bodies (PUT), `If-Match: <version>` (optional, PUT/DELETE).
 * Output: the stored item with an `ETag` of its version (201 on create, 200 otherwise), lists with a `nextCursor`,
 * 204 on delete; problem+json on any error (400 invalid field, 403 organisation not allowed, 404 unknown or not the
 * key's, 409 changed by someone else, 422 reference that does not exist, 503 UiTdatabank unreachable).
 * Side effects: one conditional DynamoDB write per change plus its audit item; a PUT with a new UiTdatabank id reads
 * that id from the UiTdatabank Entry API.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { type HttpResult, httpRouter, noContent, ok, route } from '../lib/adapters/http/handler.js';
import { tableConfig } from '../lib/config.js';
import { AppError } from '../lib/domain/errors.js';
import type { Versioned } from '../lib/domain/mappings.js';
import { listAudit } from '../lib/use-cases/mapping-admin/audit.js';
import type { MappingDeps } from '../lib/use-cases/mapping-admin/deps.js';
import {
  deleteEvent,
  getEvent,
  listMappingEvents,
  saveEvent,
} from '../lib/use-cases/mapping-admin/events.js';
import {
  deleteOrganisation,
  getOrganisation,
  listOrganisations,
  saveOrganisation,
} from '../lib/use-cases/mapping-admin/organisations.js';
import {
  deletePromotor,
  getPromotor,
  listPromotors,
  savePromotor,
} from '../lib/use-cases/mapping-admin/promotors.js';
import {
  auditQuerySchema,
  eventBodySchema,
  eventListQuerySchema,
  eventPathSchema,
  organisationBodySchema,
  organisationPathSchema,
  promotorBodySchema,
  promotorListQuerySchema,
  promotorPathSchema,
} from '../lib/use-cases/mapping-admin/schemas.js';
import { uitdatabankPortsFromConfig } from '../lib/use-cases/mapping-admin/uitdatabank-port.js';

const admin = { roles: ['admin'] } as const;

/** `If-Match: "3"`, `W/"3"` or `3`; the body's `version` means the same and must agree with it. */
export function expectedVersion(event: APIGatewayProxyEventV2, bodyVersion?: number): number | undefined {
  const raw = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'if-match')?.[1];
  const match = raw === undefined ? undefined : /^\s*(?:W\/)?"?([1-9][0-9]{0,9})"?\s*$/.exec(raw);
  const fromHeader = match?.[1] === undefined ? undefined : Number(match[1]);
  const problem = (detail: string) =>
    new AppError('invalid-request', 400, 'The request is invalid', {
      detail: `Fix the headers: If-Match ${detail}.`,
      extensions: { invalidParams: [{ pointer: 'header.If-Match', detail }] },
    });
  if (raw !== undefined && fromHeader === undefined) throw problem('must be the version you read, e.g. "3"');
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion)
    throw problem(`says version ${fromHeader} but the body says ${bodyVersion}`);
  return fromHeader ?? bodyVersion;
}

const tagged = (item: Versioned, status = 200): HttpResult => ({
  status,
  body: item,
  headers: { ETag: `"${item.version}"` },
});
const saved = ({ item, created }: { item: Versioned; created: boolean }) => tagged(item, created ? 201 : 200);

/** The routes, over the given dependencies (read per request, so they can be built lazily). */
export function createHandler(deps: () => MappingDeps) {
  return httpRouter({
    'PUT /v1/events/{eventId}': route(
      { auth: admin, path: eventPathSchema, body: eventBodySchema },
      async ({ path, body, principal, event }) =>
        saved(
          await saveEvent(
            { eventId: path.eventId, body, expectedVersion: expectedVersion(event, body.version), principal },
            deps(),
          ),
        ),
    ),
    'GET /v1/events/{eventId}': route({ auth: admin, path: eventPathSchema }, async ({ path, principal }) =>
      tagged(await getEvent({ eventId: path.eventId, principal }, deps())),
    ),
    'DELETE /v1/events/{eventId}': route(
      { auth: admin, path: eventPathSchema },
      async ({ path, principal, event }) => {
        await deleteEvent(
          { eventId: path.eventId, expectedVersion: expectedVersion(event), principal },
          deps(),
        );
        return noContent();
      },
    ),
    'GET /v1/events': route({ auth: admin, query: eventListQuerySchema }, async ({ query, principal }) =>
      ok(await listMappingEvents({ ...query, principal }, deps())),
    ),

    'PUT /v1/organisations/{organisationId}': route(
      { auth: admin, path: organisationPathSchema, body: organisationBodySchema },
      async ({ path, body, principal, event }) =>
        saved(
          await saveOrganisation(
            {
              organisationId: path.organisationId,
              body,
              expectedVersion: expectedVersion(event, body.version),
              principal,
            },
            deps(),
          ),
        ),
    ),
    'GET /v1/organisations/{organisationId}': route(
      { auth: admin, path: organisationPathSchema },
      async ({ path, principal }) =>
        tagged(await getOrganisation({ organisationId: path.organisationId, principal }, deps())),
    ),
    'DELETE /v1/organisations/{organisationId}': route(
      { auth: admin, path: organisationPathSchema },
      async ({ path, principal, event }) => {
        await deleteOrganisation(
          { organisationId: path.organisationId, expectedVersion: expectedVersion(event), principal },
          deps(),
        );
        return noContent();
      },
    ),
    'GET /v1/organisations': route({ auth: admin }, async ({ principal }) =>
      ok({ items: await listOrganisations({ principal }, deps()) }),
    ),

    'PUT /v1/promotors/{promotorId}': route(
      { auth: admin, path: promotorPathSchema, body: promotorBodySchema },
      async ({ path, body, principal, event }) =>
        saved(
          await savePromotor(
            {
              promotorId: path.promotorId,
              body,
              expectedVersion: expectedVersion(event, body.version),
              principal,
            },
            deps(),
          ),
        ),
    ),
    'GET /v1/promotors/{promotorId}': route(
      { auth: admin, path: promotorPathSchema },
      async ({ path, principal }) =>
        tagged(await getPromotor({ promotorId: path.promotorId, principal }, deps())),
    ),
    'DELETE /v1/promotors/{promotorId}': route(
      { auth: admin, path: promotorPathSchema },
      async ({ path, principal, event }) => {
        await deletePromotor(
          { promotorId: path.promotorId, expectedVersion: expectedVersion(event), principal },
          deps(),
        );
        return noContent();
      },
    ),
    'GET /v1/promotors': route(
      { auth: admin, query: promotorListQuerySchema },
      async ({ query, principal }) =>
        ok({ items: await listPromotors({ organisationId: query.organisationId, principal }, deps()) }),
    ),

    'GET /v1/audit': route({ auth: admin, query: auditQuerySchema }, async ({ query, principal }) =>
      ok(await listAudit({ ...query, principal }, deps())),
    ),
  });
}

let defaults: MappingDeps | undefined;
/** Built at first use and kept for the container's life: one DynamoDB client, one UiTdatabank token. */
function defaultDeps(): MappingDeps {
  if (!defaults) {
    const table = createTable(tableConfig());
    const uitdatabank = uitdatabankPortsFromConfig();
    defaults = {
      mappings: createMappingRepository(table),
      audit: createAuditRepository(table),
      uitdatabankEvents: uitdatabank.events,
      uitdatabankOrganizers: uitdatabank.organizers,
    };
  }
  return defaults;
}

export const handler = createHandler(defaultDeps);
