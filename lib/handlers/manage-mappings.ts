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
import {
  type HttpOptions,
  type HttpResult,
  httpRouter,
  noContent,
  ok,
  type Route,
  route,
} from '../adapters/http/handler.js';
import type { Principal } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import type { Versioned } from '../domain/mappings.js';
import { listAudit } from '../use-cases/mapping-admin/audit.js';
import type { MappingDeps, SaveResult } from '../use-cases/mapping-admin/deps.js';
import { deleteEvent, getEvent, listMappingEvents, saveEvent } from '../use-cases/mapping-admin/events.js';
import {
  deleteOrganisation,
  getOrganisation,
  listOrganisations,
  saveOrganisation,
} from '../use-cases/mapping-admin/organisations.js';
import {
  deletePromotor,
  getPromotor,
  listPromotors,
  savePromotor,
} from '../use-cases/mapping-admin/promotors.js';
import {
  auditQuerySchema,
  type EventBody,
  type EventListQueryInput,
  eventBodySchema,
  eventListQuerySchema,
  eventPathSchema,
  type OrganisationBody,
  organisationBodySchema,
  organisationPathSchema,
  type PromotorBody,
  promotorBodySchema,
  promotorListQuerySchema,
  promotorPathSchema,
} from '../use-cases/mapping-admin/schemas.js';
import type * as z from '../zod.js';

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
const saved = ({ item, created }: SaveResult<Versioned>) => tagged(item, created ? 201 : 200);

/**
 * What makes an entity's four routes: its collection and path parameter, its schemas, its use cases and how its list
 * is answered. The use cases take the parsed path parameter (`{ eventId }`) as it is, so one description fits all.
 */
interface Entity<Param extends string, Body extends { version?: number | undefined }, Query, Listed> {
  /** `/v1/<collection>` and `/v1/<collection>/{<param>}`. */
  collection: string;
  param: Param;
  path: z.ZodMiniType<Record<Param, string>>;
  body: z.ZodMiniType<Body>;
  /** Absent: the list takes no query. */
  listQuery?: z.ZodMiniType<Query>;
  save(
    input: Record<Param, string> & { body: Body; expectedVersion: number | undefined; principal: Principal },
    deps: MappingDeps,
  ): Promise<SaveResult<Versioned>>;
  get(input: Record<Param, string> & { principal: Principal }, deps: MappingDeps): Promise<Versioned>;
  remove(
    input: Record<Param, string> & { expectedVersion: number | undefined; principal: Principal },
    deps: MappingDeps,
  ): Promise<void>;
  list(input: Query & { principal: Principal }, deps: MappingDeps): Promise<Listed>;
  /** The body of `GET /v1/<collection>`. */
  listBody(listed: Listed): unknown;
}

const inItems = <T>(items: T[]) => ({ items });
const asIs = <T>(listed: T) => listed;

const events: Entity<'eventId', EventBody, EventListQueryInput, unknown> = {
  collection: 'events',
  param: 'eventId',
  path: eventPathSchema,
  body: eventBodySchema,
  listQuery: eventListQuerySchema,
  save: saveEvent,
  get: getEvent,
  remove: deleteEvent,
  list: listMappingEvents,
  // The external-mapping list is a page: its `nextCursor` is part of the answer.
  listBody: asIs,
};

const organisations: Entity<'organisationId', OrganisationBody, object, unknown[]> = {
  collection: 'organisations',
  param: 'organisationId',
  path: organisationPathSchema,
  body: organisationBodySchema,
  save: saveOrganisation,
  get: getOrganisation,
  remove: deleteOrganisation,
  list: listOrganisations,
  listBody: inItems,
};

const promotors: Entity<'promotorId', PromotorBody, z.output<typeof promotorListQuerySchema>, unknown[]> = {
  collection: 'promotors',
  param: 'promotorId',
  path: promotorPathSchema,
  body: promotorBodySchema,
  listQuery: promotorListQuerySchema,
  save: savePromotor,
  get: getPromotor,
  remove: deletePromotor,
  list: listPromotors,
  listBody: inItems,
};

/** PUT, GET and DELETE of one item, with its version as ETag, and GET of the list. */
function entityRoutes<Param extends string, Body extends { version?: number | undefined }, Query, Listed>(
  entity: Entity<Param, Body, Query, Listed>,
  deps: () => MappingDeps,
): Record<string, Route> {
  const one = `/v1/${entity.collection}/{${entity.param}}`;
  return {
    [`PUT ${one}`]: route(
      { auth: admin, path: entity.path, body: entity.body },
      async ({ path, body, principal, event }) => {
        const version = expectedVersion(event, body.version);
        return saved(await entity.save({ ...path, body, expectedVersion: version, principal }, deps()));
      },
    ),
    [`GET ${one}`]: route({ auth: admin, path: entity.path }, async ({ path, principal }) =>
      tagged(await entity.get({ ...path, principal }, deps())),
    ),
    [`DELETE ${one}`]: route({ auth: admin, path: entity.path }, async ({ path, principal, event }) => {
      await entity.remove({ ...path, expectedVersion: expectedVersion(event), principal }, deps());
      return noContent();
    }),
    [`GET /v1/${entity.collection}`]: route(
      { auth: admin, query: entity.listQuery },
      async ({ query, principal }) => ok(entity.listBody(await entity.list({ ...query, principal }, deps()))),
    ),
  };
}

/** The routes, over the given dependencies (read per request, so a test can swap them). */
export function createHandler(deps: () => MappingDeps, options?: HttpOptions) {
  return httpRouter(
    {
      ...entityRoutes(events, deps),
      ...entityRoutes(organisations, deps),
      ...entityRoutes(promotors, deps),
      'GET /v1/audit': route({ auth: admin, query: auditQuerySchema }, async ({ query, principal }) =>
        ok(await listAudit({ ...query, principal }, deps())),
      ),
    },
    options,
  );
}
