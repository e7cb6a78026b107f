/**
 * UiTPAS API 4.0 client for the ticketing endpoints. Every method returns validated data or throws
 * `UpstreamProblem` (publiq answered a problem: branch on its `type`) or `UpstreamUnavailable` (no usable answer;
 * see lib/adapters/http-client/upstream.ts for the retry and `mayHaveApplied` policy).
 */
import type { PubliqConfig } from '../../config.js';
import { UpstreamProblem } from '../../domain/errors.js';
import { logger } from '../../logger.js';
import type * as z from '../../zod.js';
import {
  type AccessTokens,
  type BackoffOptions,
  buildUrl,
  createUpstream,
  transportFromConfig,
  type UpstreamRequest,
} from '../http-client/upstream.js';
import { boundedInt, requireText } from '../http-client/validate.js';
import {
  type EventCardSystem,
  eventCardSystemsSchema,
  type OrganizerPermissions,
  type Pass,
  passSchema,
  permissionsResponseSchema,
  type StaticTariffsResponse,
  staticTariffsResponseSchema,
  type TariffsResponse,
  type TariffType,
  type TicketSale,
  type TicketSalePage,
  type TicketSaleRequest,
  tariffsResponseSchema,
  ticketSalePageSchema,
  ticketSalesSchema,
  type UitpasOrganizer,
  uitpasOrganizerSchema,
} from './schemas.js';

/** Per call: when it must have ended, retries included (see UpstreamRequest.deadline). */
export type CallOptions = Pick<UpstreamRequest, 'deadline'>;

export interface UitpasClientOptions {
  /** e.g. `https://api-test.uitpas.be` (a path prefix is allowed). */
  baseUrl: string;
  tokens: AccessTokens;
  timeoutMs: number;
  retries: number;
  backoff?: BackoffOptions;
  deadlineMs?: number;
}

export interface TariffsQuery {
  /** Bare UiTdatabank event id. */
  eventId: string;
  uitpasNumber: string;
  /** EUR, before any discount: normally the event's base price. */
  regularPrice: number;
  type?: 'ANY' | TariffType;
}

export interface StaticTariffsQuery {
  eventId: string;
  regularPrice: number;
}

export interface TicketSaleSearch {
  eventId?: string;
  /** Needs `organizerId` as well. */
  passholderId?: string;
  organizerId?: string[];
  eventTitle?: string;
  start?: number;
  /** At most 500. */
  limit?: number;
}

export interface UitpasClient {
  /** `GET /passes?identifier=`: UiTPAS number, INSZ number, INSZ barcode or chip number. */
  getPass(identifier: string, options?: CallOptions): Promise<Pass>;
  getTariffs(query: TariffsQuery, options?: CallOptions): Promise<TariffsResponse>;
  /** `GET /tariffs/static`: indicative tariffs without a passholder (see staticTariffsResponseSchema). */
  getStaticTariffs(query: StaticTariffsQuery, options?: CallOptions): Promise<StaticTariffsResponse>;
  /** All or nothing; never retried (see the policy table). The returned ids are needed to cancel. */
  registerTicketSales(sales: TicketSaleRequest[], options?: CallOptions): Promise<TicketSale[]>;
  searchTicketSales(query: TicketSaleSearch, options?: CallOptions): Promise<TicketSalePage>;
  /** 204. An unknown (e.g. already cancelled) sale throws `UpstreamProblem` `ticket-sale-not-found` (404). */
  cancelTicketSale(id: string, options?: CallOptions): Promise<void>;
  getPermissions(): Promise<OrganizerPermissions[]>;
  /** null when UiTPAS does not know the organizer (404). */
  getOrganizer(id: string): Promise<UitpasOrganizer | null>;
  /** null on 404 `event-not-found`: UiTPAS does not know the event (yet). */
  getEventCardSystems(eventId: string): Promise<EventCardSystem[] | null>;
  /**
   * Starts getting the access token (and the client secret it needs) if none is held, without waiting: a use case
   * calls it before its DynamoDB reads, so on a cold container the token is on its way while they run. A failure is
   * left to the call that needs the token, which asks again.
   */
  warmUp(): void;
}

const UITPAS_LIMIT_MAX = 500;

export function createUitpasClient(options: UitpasClientOptions): UitpasClient {
  const upstream = createUpstream({
    service: 'uitpas',
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    tokens: options.tokens,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  });
  const url = (path: string, query?: URLSearchParams) => buildUrl(options.baseUrl, path, query);
  const get = (path: string, query?: URLSearchParams, call: CallOptions = {}): UpstreamRequest => ({
    method: 'GET',
    url: url(path, query),
    retry: 'safe',
    deadline: call.deadline,
  });

  async function fetchParsed<S extends z.ZodMiniType>(
    schema: S,
    request: UpstreamRequest,
  ): Promise<z.output<S>> {
    const response = await upstream.send(request);
    return upstream.parse(schema, response, request);
  }

  return {
    warmUp() {
      options.tokens.get().catch(() => undefined);
    },

    async getPass(identifier, call) {
      requireText('identifier', identifier);
      return fetchParsed(passSchema(), get('/passes', new URLSearchParams({ identifier }), call));
    },

    async getTariffs(query, call) {
      requireText('eventId', query.eventId);
      requireText('uitpasNumber', query.uitpasNumber);
      const params = new URLSearchParams({
        regularPrice: price(query.regularPrice),
        eventId: query.eventId,
        uitpasNumber: query.uitpasNumber,
      });
      if (query.type) params.set('type', query.type);
      return fetchParsed(tariffsResponseSchema(), get('/tariffs', params, call));
    },

    async getStaticTariffs(query, call) {
      requireText('eventId', query.eventId);
      const params = new URLSearchParams({ regularPrice: price(query.regularPrice), eventId: query.eventId });
      return fetchParsed(staticTariffsResponseSchema(), get('/tariffs/static', params, call));
    },

    async registerTicketSales(sales, call = {}) {
      if (sales.length === 0) throw new RangeError('registerTicketSales needs at least one sale');
      // Only the writable fields: read-only ones (id, passholder...) would be ignored or refused upstream.
      const body = sales.map((sale) => ({
        regularPrice: sale.regularPrice,
        ...(sale.regularPriceLabel === undefined ? {} : { regularPriceLabel: sale.regularPriceLabel }),
        tariff: { id: sale.tariff.id },
        eventId: sale.eventId,
        uitpasNumber: sale.uitpasNumber,
      }));
      return fetchParsed(ticketSalesSchema(), {
        method: 'POST',
        url: url('/ticket-sales'),
        retry: 'never',
        json: body,
        deadline: call.deadline,
      });
    },

    async searchTicketSales(query, call) {
      if (!query.eventId && !query.passholderId) {
        throw new RangeError('searchTicketSales needs an eventId or a passholderId');
      }
      if (query.passholderId && !query.organizerId?.length) {
        throw new RangeError('searchTicketSales by passholderId needs an organizerId as well');
      }
      const params = new URLSearchParams();
      if (query.eventId) params.set('eventId', query.eventId);
      if (query.passholderId) params.set('passholderId', query.passholderId);
      for (const organizerId of query.organizerId ?? []) params.append('organizerId', organizerId);
      if (query.eventTitle) params.set('eventTitle', query.eventTitle);
      if (query.start !== undefined) params.set('start', String(boundedInt('start', query.start, 0)));
      if (query.limit !== undefined)
        params.set('limit', String(boundedInt('limit', query.limit, 0, UITPAS_LIMIT_MAX)));
      const page = await fetchParsed(ticketSalePageSchema(), get('/ticket-sales', params, call));
      const member = page.member.filter((sale): sale is TicketSale => sale.id !== undefined);
      if (member.length < page.member.length) {
        logger.warn('UiTPAS listed ticket sales without an id; they are left out', {
          eventId: query.eventId,
          withoutId: page.member.length - member.length,
        });
      }
      return { totalItems: page.totalItems, member };
    },

    async cancelTicketSale(id, call = {}) {
      requireText('id', id);
      await upstream.send({
        method: 'DELETE',
        url: url(`/ticket-sales/${encodeURIComponent(id)}`),
        retry: 'idempotent',
        deadline: call.deadline,
      });
    },

    async getPermissions() {
      return fetchParsed(permissionsResponseSchema(), get('/permissions'));
    },

    async getOrganizer(id) {
      requireText('id', id);
      try {
        return await fetchParsed(uitpasOrganizerSchema(), get(`/organizers/${encodeURIComponent(id)}`));
      } catch (error) {
        // The OpenAPI gives this 404 no type, so any 404 means "not a UiTPAS organizer (for us)".
        if (error instanceof UpstreamProblem && error.status === 404) return null;
        throw error;
      }
    },

    async getEventCardSystems(eventId) {
      requireText('eventId', eventId);
      try {
        return await fetchParsed(
          eventCardSystemsSchema(),
          get(`/events/${encodeURIComponent(eventId)}/card-systems`),
        );
      } catch (error) {
        if (error instanceof UpstreamProblem && error.status === 404 && error.is('event-not-found'))
          return null;
        throw error;
      }
    },
  };
}

/** The client for this environment, with the shared token provider. */
export function uitpasClientFromConfig(config: PubliqConfig, tokens: AccessTokens): UitpasClient {
  return createUitpasClient({ baseUrl: config.urls.uitpas, tokens, ...transportFromConfig(config) });
}

function price(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError('regularPrice must be a finite number >= 0');
  return String(value);
}
