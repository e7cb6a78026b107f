/**
 * UiTPAS API 4.0 routes (prefix `/uitpas`): passes, tariffs, ticket sales, permissions, organizers and event
 * card systems. Tariff rules live in `tariffs.ts`.
 *
 * POST /ticket-sales failure pointer scheme: every error about one item of the array carries
 * `schemaErrors: [{ jsonPointer: '/<index>/<field>', error }]` (field = `eventId`, `uitpasNumber`,
 * `tariff/id` or `regularPrice`, whichever caused it), the way publiq points at a failing sale; the `detail` is the
 * problem's own, with nothing added. Items are checked in array order and the first failing item is reported;
 * nothing is registered unless every item passes.
 */

import * as z from 'zod';
import { requireToken } from './auth.js';
import type { SandboxContext } from './context.js';
import { PERMISSION_LABELS } from './fixtures.js';
import { json, noContent, parseBody, type Router, readJson, type SandboxRequest } from './http.js';
import type { CardSystem, PassRecord, Permission, TicketSaleRecord, UitpasOrganizerRecord } from './model.js';
import {
  type EndUserMessage,
  fail,
  forbidden,
  Messages,
  type Problem,
  ProblemError,
  ProblemTypes,
  urlNotFound,
} from './problems.js';
import {
  type CountedSale,
  committedSales,
  computeTariffs,
  couponApplies,
  couponPrice,
  couponRemaining,
  limitMessage,
  type RemainingResult,
  SOCIAL_TARIFF_ID,
  SOCIAL_TARIFF_NAME,
  socialTariffPrice,
  socialTariffRemaining,
} from './tariffs.js';
import { formatUitpasDate } from './util.js';

const UITPAS_NUMBER = /^\d{13}$/;
const INSZ_NUMBER = /^\d{11}$/;
/** Chip numbers are hex UIDs (7 bytes = 14 hex chars on the test cards; 4 and 10 byte UIDs exist too). */
const CHIP_NUMBER = /^(?:[0-9a-f]{8}|[0-9a-f]{14}|[0-9a-f]{20})$/i;
const MAX_LIMIT = 500;

export function registerUitpasRoutes(router: Router, ctx: SandboxContext): void {
  const { state } = ctx;
  const auth = (req: SandboxRequest) => requireToken(ctx.tokens, req);

  router.add('GET', '/uitpas/passes', (req) => {
    auth(req);
    requirePermission('PASSES_READ');
    // The OAS calls it `identifier`; the deprecation note of /passes/{n} calls it `identification`.
    const identifier = (req.query.get('identifier') ?? req.query.get('identification'))?.trim();
    if (!identifier) urlNotFound('The "identifier" query parameter is required.');
    const pass = findPassByIdentifier(identifier);
    if (pass.cardStatus !== 'ACTIVE') fail(invalidCardStatus(pass));
    return json(200, renderPass(pass));
  });

  router.add('GET', '/uitpas/passes/{uitpasNumber}', (req) => {
    auth(req);
    requirePermission('PASSES_READ');
    const number = req.params.uitpasNumber ?? '';
    if (!UITPAS_NUMBER.test(number)) fail(invalidNumber(ProblemTypes.invalidUitpasNumber, number));
    const pass = state.getPassByNumber(number) ?? fail(passNotFound(number));
    // The deprecated path lists `card-blocked` for blocked cards (the query form uses invalid-card-status).
    if (pass.cardStatus === 'BLOCKED') {
      fail({ ...invalidCardStatus(pass), type: ProblemTypes.cardBlocked, title: 'Card blocked' });
    }
    if (pass.cardStatus !== 'ACTIVE') fail(invalidCardStatus(pass));
    return json(200, renderPass(pass), { Deprecation: 'true' });
  });

  router.add('GET', '/uitpas/tariffs', (req) => {
    auth(req);
    const regularPrice = requiredPrice(req.query);
    const eventId = requiredParam(req.query, 'eventId');
    const uitpasNumber = requiredParam(req.query, 'uitpasNumber');
    const type = req.query.get('type') ?? 'ANY';
    if (type !== 'ANY' && type !== 'SOCIALTARIFF' && type !== 'COUPON') {
      urlNotFound(`The "type" parameter should be one of ANY, SOCIALTARIFF, COUPON (got "${type}").`);
    }
    const known = state.knownUitpasEvent(eventId) ?? fail(eventNotFound(eventId));
    requireOrganizerPermission(known.event.organizerId, 'TARIFFS_READ', eventId);
    const pass = passForSale(uitpasNumber);
    const outside = cardSystemProblem(known.event.organizerId, 'TARIFFS_READ', pass);
    if (outside) fail(outside);
    if (type !== 'COUPON' && pass.socialTariff.status === 'EXPIRED') fail(socialTariffExpired(pass));
    return json(200, computeTariffs({ state, pass, registration: known.registration, regularPrice, type }));
  });

  router.add('GET', '/uitpas/tariffs/static', (req) => {
    auth(req);
    const regularPrice = requiredPrice(req.query);
    const eventId = requiredParam(req.query, 'eventId');
    const known = state.knownUitpasEvent(eventId) ?? fail(eventNotFound(eventId));
    requireOrganizerPermission(known.event.organizerId, 'TARIFFS_READ', eventId);
    if (state.enabledCardSystems(eventId).length === 0) {
      fail({
        type: ProblemTypes.socialTariffNotAvailable,
        title: 'Social tariff not available',
        status: 400,
        detail: `Event ${eventId} has no enabled card systems, so it has no social tariff.`,
        endUserMessage: Messages.noUitpasDiscounts,
      });
    }
    // Indicative price for a social-tariff holder living in the organizer's region.
    return json(200, {
      available: [
        {
          id: SOCIAL_TARIFF_ID,
          name: SOCIAL_TARIFF_NAME,
          price: socialTariffPrice(regularPrice),
          type: 'SOCIALTARIFF',
          remaining: 1,
        },
      ],
    });
  });

  router.add('POST', '/uitpas/ticket-sales', (req) => {
    auth(req);
    const input = readJson(req);
    const items = parseBody(TicketSalesBody, input, 'property');
    const pending: CountedSale[] = [];
    const created: TicketSaleRecord[] = [];
    const nowMs = state.nowMs();

    for (const [index, item] of items.entries()) {
      const at = (field: string) => `/${index}/${field}`;
      const itemFail = (problem: Problem, field: string, error?: string): never =>
        fail({
          ...problem,
          schemaErrors: [{ jsonPointer: at(field), error: error ?? problem.detail ?? problem.title }],
        });

      const known = state.knownUitpasEvent(item.eventId) ?? itemFail(eventNotFound(item.eventId), 'eventId');
      const organizerId = known.event.organizerId;
      if (!state.hasPermission(organizerId, 'TICKETSALES_REGISTER')) {
        itemFail(permissionProblem('TICKETSALES_REGISTER', organizerId, item.eventId), 'eventId');
      }
      let pass: PassRecord;
      try {
        pass = passForSale(item.uitpasNumber);
      } catch (error) {
        // Re-point pass problems (invalid number, unknown passholder, card status) at the item.
        if (error instanceof ProblemError) itemFail(error.problem, 'uitpasNumber');
        throw error;
      }
      const outside = cardSystemProblem(organizerId, 'TICKETSALES_REGISTER', pass);
      if (outside) itemFail(outside, 'uitpasNumber');

      const tariffId = item.tariff.id;
      const registered = committedSales(state, pass);
      const own = (s: CountedSale) => s.passholderId === pass.passholderId;
      const withPending = [...registered, ...pending.filter(own)];
      const pendingSame = pending.filter(
        (s) => own(s) && s.eventId.toLowerCase() === item.eventId.toLowerCase() && s.tariffId === tariffId,
      ).length;
      const enabled = state.enabledCardSystems(item.eventId);

      let tariff: TicketSaleRecord['tariff'];
      let before: RemainingResult;
      let after: RemainingResult;
      if (tariffId === SOCIAL_TARIFF_ID) {
        if (pass.socialTariff.status === 'EXPIRED') itemFail(socialTariffExpired(pass), 'uitpasNumber');
        if (pass.socialTariff.status === 'NONE') {
          itemFail(
            {
              type: ProblemTypes.bodyInvalidData,
              title: 'Invalid body data',
              status: 400,
              detail: `Tariff ${tariffId} is not available: pass ${pass.uitpasNumber} has no social tariff.`,
              endUserMessage: Messages.noSocialTariff,
            },
            'tariff/id',
          );
        }
        if (!enabled.some((c) => c.id === pass.cardSystemId)) {
          itemFail(
            {
              type: ProblemTypes.invalidCard,
              title: 'Invalid card',
              status: 400,
              detail: `The social tariff of ${pass.uitpasNumber} is not valid for event ${item.eventId}.`,
              endUserMessage: Messages.otherRegion(enabled.map((c) => c.name)),
            },
            'tariff/id',
          );
        }
        before = socialTariffRemaining(pass, known.registration, registered, nowMs);
        after = socialTariffRemaining(pass, known.registration, withPending, nowMs, pendingSame);
        tariff = {
          id: SOCIAL_TARIFF_ID,
          name: SOCIAL_TARIFF_NAME,
          price: socialTariffPrice(item.regularPrice),
          type: 'SOCIALTARIFF',
        };
        if (after.remaining === 0 && before.remaining === 0) {
          itemFail(maximumReached(limitMessage(before, pass, known.registration), tariffId), 'tariff/id');
        }
      } else {
        const coupon =
          pass.coupons.find((c) => c.id === tariffId) ??
          itemFail(
            {
              type: ProblemTypes.bodyInvalidData,
              title: 'Invalid body data',
              status: 400,
              detail: `Unknown tariff "${tariffId}" for pass ${pass.uitpasNumber} (use GET /tariffs).`,
            },
            'tariff/id',
          );
        if (!couponApplies(coupon, item.eventId, enabled)) itemFail(invalidCoupon(tariffId), 'tariff/id');
        before = couponRemaining(pass, coupon, registered, nowMs);
        after = couponRemaining(pass, coupon, withPending, nowMs, pendingSame);
        tariff = {
          id: coupon.id,
          name: coupon.name,
          price: couponPrice(coupon, item.regularPrice),
          type: 'COUPON',
        };
        if (after.remaining === 0 && before.remaining === 0) {
          if (before.exhaustedBy === 'group' && pass.groupLimit) {
            itemFail(maximumReached(limitMessage(before, pass, known.registration), tariffId), 'tariff/id');
          }
          itemFail(
            coupon.limit ? maximumReached(Messages.couponUsed, tariffId) : invalidCoupon(tariffId),
            'tariff/id',
          );
        }
      }
      if (after.remaining === 0) {
        // Still some left before this request, but the request asks for more than `remaining`.
        itemFail(
          {
            type: ProblemTypes.invalidNumberOfTickets,
            title: 'Invalid number of tickets',
            status: 400,
            detail: `More tickets than the ${before.remaining} left at tariff ${tariffId}.`,
            endUserMessage: Messages.invalidNumberOfTickets(before.remaining),
          },
          'tariff/id',
        );
      }

      pending.push({
        passholderId: pass.passholderId,
        eventId: item.eventId,
        tariffId,
        tariffType: tariff.type,
        createdAtMs: nowMs,
      });
      created.push({
        id: '', // allocated below, once every item passed
        creationDate: formatUitpasDate(nowMs),
        createdAtMs: nowMs,
        regularPrice: item.regularPrice,
        regularPriceLabel: item.regularPriceLabel,
        tariff,
        eventId: known.event.id,
        eventTitle: known.event.name[known.event.mainLanguage] ?? Object.values(known.event.name)[0] ?? '',
        organizerId,
        uitpasNumber: pass.uitpasNumber,
        passholderId: pass.passholderId,
        cancelled: false,
      });
    }

    for (const sale of created) sale.id = state.allocateTicketSaleId();
    state.addTicketSales(created);
    return json(200, created.map(renderSale));
  });

  router.add('GET', '/uitpas/ticket-sales', (req) => {
    auth(req);
    const { start, limit } = paging(req.query);
    const eventId = req.query.get('eventId') ?? undefined;
    const passholderId = req.query.get('passholderId') ?? undefined;
    const organizerIds = req.query
      .getAll('organizerId')
      .flatMap((v) => v.split(','))
      .filter(Boolean);
    const eventTitle = req.query.get('eventTitle')?.toLowerCase();
    if (!eventId && !passholderId) {
      urlNotFound('At least one of the "eventId" or "passholderId" parameters is required.');
    }
    if (passholderId && organizerIds.length === 0) {
      urlNotFound('Filtering on "passholderId" requires "organizerId".');
    }
    if (eventId) {
      const event = state.getEvent(eventId);
      if (event) requireOrganizerPermission(event.organizerId, 'TICKETSALES_SEARCH', eventId);
    }
    for (const organizerId of organizerIds) requireOrganizerPermission(organizerId, 'TICKETSALES_SEARCH');
    const linkedLocations = organizerIds
      .map((id) => state.getUitpasOrganizer(id)?.linkedLocationId)
      .filter((id): id is string => id !== undefined);
    const matches = state.activeTicketSales({ eventId, passholderId }).filter((sale) => {
      if (eventTitle && !sale.eventTitle.toLowerCase().includes(eventTitle)) return false;
      if (organizerIds.length === 0) return true;
      // "Events of this organizer, or events held at the location linked to this organizer."
      const locationId = state.getEvent(sale.eventId)?.locationId;
      return (
        organizerIds.some((id) => id.toLowerCase() === sale.organizerId?.toLowerCase()) ||
        (locationId !== undefined && linkedLocations.includes(locationId))
      );
    });
    return json(200, {
      totalItems: matches.length,
      member: matches.slice(start, start + limit).map(renderSale),
    });
  });

  router.add('DELETE', '/uitpas/ticket-sales/{ticketSaleId}', (req) => {
    auth(req);
    const id = req.params.ticketSaleId ?? '';
    const sale = state.getTicketSale(id);
    if (!sale || sale.cancelled) {
      fail({
        type: ProblemTypes.ticketSaleNotFound,
        title: 'Ticket sale not found',
        status: 404,
        detail: `No active ticket sale with id "${id}".`,
      });
    }
    requireOrganizerPermission(sale.organizerId, 'TICKETSALES_REGISTER', sale.eventId);
    state.cancelTicketSale(id);
    return noContent();
  });

  router.add('GET', '/uitpas/permissions', (req) => {
    auth(req);
    const body = state.listPermissions().map(({ organizerId, permissions }) => {
      const organizer = state.getUitpasOrganizer(organizerId);
      const cardSystemIds = organizer?.cardSystemIds ?? [];
      return {
        organizer: organizer
          ? renderUitpasOrganizer(organizer)
          : { id: organizerId, name: entryOrganizerName(organizerId), address: { city: '' } },
        permissions,
        permissionDetails: permissions.map((id) => ({
          id,
          label: PERMISSION_LABELS[id] ?? { nl: id },
          // A limit a test set, else the organizer's card systems (as publiq's examples list them).
          cardSystemIds: state.permissionCardSystems(organizerId, id) ?? cardSystemIds,
        })),
      };
    });
    return json(200, body);
  });

  router.add('GET', '/uitpas/organizers/{organizerId}', (req) => {
    auth(req);
    const id = req.params.organizerId ?? '';
    const organizer = state.getUitpasOrganizer(id);
    if (!organizer) {
      fail({
        type: ProblemTypes.organizerNotFound,
        title: 'Organizer not found',
        status: 404,
        detail: `Organizer ${id} is not an UiTPAS organizer.`,
      });
    }
    requireOrganizerPermission(organizer.id, 'ORGANIZERS_SEARCH');
    return json(200, renderUitpasOrganizer(organizer));
  });

  router.add('GET', '/uitpas/events/{eventId}/card-systems', (req) => {
    auth(req);
    const id = req.params.eventId ?? '';
    const known = state.knownUitpasEvent(id);
    if (!known) fail({ ...eventNotFound(id), status: 404 });
    return json(
      200,
      known.registration.cardSystems.map((c) => ({
        id: c.id,
        name: state.getCardSystem(c.id)?.name ?? `Kaartsysteem ${c.id}`,
        enabled: c.enabled,
      })),
    );
  });

  // --- helpers (closures over state) ---------------------------------------------------------------------

  /** Pass reads concern no organizer: a permission for any organizer will do. */
  function requirePermission(permission: Permission): void {
    if (!state.hasPermissionAnywhere(permission))
      forbidden(`client ${ctx.clientId} has no ${permission} permission`);
  }

  function permissionProblem(
    permission: Permission,
    organizerId: string | undefined,
    eventId?: string,
  ): Problem {
    const target = organizerId ? `organizer ${organizerId}` : `event ${eventId} (it has no organizer)`;
    const eventNote = eventId && organizerId ? ` (organizer of event ${eventId})` : '';
    return {
      type: ProblemTypes.forbidden,
      title: 'Forbidden',
      status: 403,
      detail: `client ${ctx.clientId} has no ${permission} permission for ${target}${eventNote}`,
    };
  }

  /**
   * A permission a test limited to card systems, for a pass of another card system: 403 `auth/forbidden`, like a
   * missing permission, since the OAS's only refusal for a lacking permission is its generic 403. It does not say
   * how UiTPAS answers this case: sandbox/README.md lists it as an assumption. An empty limit is read as "not
   * limited", as the integration reads it.
   */
  function cardSystemProblem(
    organizerId: string | undefined,
    permission: Permission,
    pass: PassRecord,
  ): Problem | undefined {
    const limit = state.permissionCardSystems(organizerId, permission);
    if (!limit || limit.length === 0 || limit.includes(pass.cardSystemId)) return undefined;
    return {
      ...permissionProblem(permission, organizerId),
      detail: `client ${ctx.clientId} has ${permission} for organizer ${organizerId} only for card systems ${limit.join(', ')}, not for card system ${pass.cardSystemId} of this pass`,
    };
  }

  function requireOrganizerPermission(
    organizerId: string | undefined,
    permission: Permission,
    eventId?: string,
  ): void {
    if (!state.hasPermission(organizerId, permission)) {
      fail(permissionProblem(permission, organizerId, eventId));
    }
  }

  function findPassByIdentifier(identifier: string): PassRecord {
    if (UITPAS_NUMBER.test(identifier)) {
      return state.getPassByNumber(identifier) ?? fail(passNotFound(identifier));
    }
    // The OAS asks these permissions of the deprecated /passes/insz and /passes/chip; the sandbox asks them here too.
    if (INSZ_NUMBER.test(identifier)) {
      requirePermission('PASSES_INSZNUMBERS_READ');
      return state.getPassByInsz(identifier) ?? fail(passNotFound(identifier));
    }
    if (CHIP_NUMBER.test(identifier)) {
      requirePermission('PASSES_CHIPNUMBERS_READ');
      return state.getPassByChip(identifier) ?? fail(passNotFound(identifier));
    }
    return fail(invalidNumber(ProblemTypes.invalidUitpasNumber, identifier));
  }

  /** Pass checks shared by /tariffs and POST /ticket-sales (OAS spelling `invalid-uitpasnumber`, 400s). */
  function passForSale(uitpasNumber: string): PassRecord {
    if (!UITPAS_NUMBER.test(uitpasNumber)) {
      fail(invalidNumber(ProblemTypes.invalidUitpasnumber, uitpasNumber));
    }
    const pass =
      state.getPassByNumber(uitpasNumber) ??
      fail({
        type: ProblemTypes.passholderNotFound,
        title: 'Passholder not found',
        status: 400,
        detail: `No passholder found with UiTPAS number ${uitpasNumber}.`,
        endUserMessage: Messages.passholderNotFound,
      });
    if (pass.cardStatus !== 'ACTIVE') fail(invalidCardStatus(pass));
    return pass;
  }

  function renderPass(pass: PassRecord) {
    const cardSystem = state.getCardSystem(pass.cardSystemId);
    return {
      passholderId: pass.passholderId,
      passType: pass.passType,
      uitpasNumber: pass.uitpasNumber,
      firstName: pass.firstName,
      points: pass.points,
      postalCode: pass.postalCode,
      cardSystem: cardSystem ? renderCardSystem(cardSystem) : { id: pass.cardSystemId },
      socialTariff: { ...pass.socialTariff },
      ...(pass.socialTariff.status === 'EXPIRED'
        ? { messages: [{ level: 'WARN', text: Messages.socialTariffExpiredPassWarning }] }
        : {}),
    };
  }

  function renderUitpasOrganizer(organizer: UitpasOrganizerRecord) {
    return {
      id: organizer.id,
      name: organizer.name,
      address: organizer.address,
      cardSystems: organizer.cardSystemIds
        .map((id) => state.getCardSystem(id))
        .filter((c): c is CardSystem => c !== undefined)
        .map(renderCardSystem),
      ...(organizer.linkedLocationId ? { linkedLocationId: organizer.linkedLocationId } : {}),
    };
  }

  function entryOrganizerName(organizerId: string): string {
    const organizer = state.getOrganizer(organizerId);
    return organizer ? (organizer.name[organizer.mainLanguage] ?? organizerId) : organizerId;
  }
}

// --- request body ---------------------------------------------------------------------------------------

/** One TicketSale; the deprecated `tariffId` counts when `tariff` is absent; read-only fields are ignored. */
const TicketSaleItem = z.preprocess(
  (item) => {
    if (item && typeof item === 'object' && !('tariff' in item) && 'tariffId' in item) {
      return { ...item, tariff: { id: (item as { tariffId: unknown }).tariffId } };
    }
    return item;
  },
  z.object({
    regularPrice: z.number().nonnegative(),
    regularPriceLabel: z.string().optional(),
    tariff: z.object({ id: z.string().min(1) }),
    eventId: z.string().min(1),
    uitpasNumber: z.string().min(1),
  }),
);
const TicketSalesBody = z.array(TicketSaleItem);

// --- problems -------------------------------------------------------------------------------------------

function invalidNumber(type: string, value: string): Problem {
  return {
    type,
    title: 'Invalid UiTPAS number',
    status: 400,
    detail: `"${value}" is not a valid UiTPAS number.`,
    endUserMessage: Messages.invalidUitpasNumber,
  };
}

function passNotFound(identifier: string): Problem {
  return {
    type: ProblemTypes.passNotFound,
    title: 'Pass not found',
    status: 404,
    detail: `No pass found for identifier ${identifier}.`,
    endUserMessage: Messages.passholderNotFound,
  };
}

function invalidCardStatus(pass: PassRecord): Problem {
  const blocked = pass.cardStatus === 'BLOCKED' || pass.cardStatus === 'DELETED';
  return {
    type: ProblemTypes.invalidCardStatus,
    title: 'Invalid card status',
    status: 400,
    detail: `The card ${pass.uitpasNumber} has status ${pass.cardStatus}.`,
    endUserMessage: blocked ? Messages.cardBlocked : Messages.cardNotActive,
    cardStatus: pass.cardStatus,
    // "If cardStatus is BLOCKED or DELETED, this property contains the passholderId of this pass."
    ...(blocked ? { passholderId: pass.passholderId } : {}),
    passType: pass.passType,
  };
}

function socialTariffExpired(pass: PassRecord): Problem {
  return {
    type: ProblemTypes.socialTariffExpired,
    title: 'Social tariff expired',
    status: 400,
    detail: `The social tariff of ${pass.uitpasNumber} expired (end date ${pass.socialTariff.endDate}).`,
    endUserMessage: Messages.socialTariffExpired,
  };
}

/** 400 as in the OAS for /tariffs, /tariffs/static and POST /ticket-sales (card-systems overrides to 404). */
function eventNotFound(eventId: string): Problem {
  return {
    type: ProblemTypes.eventNotFound,
    title: `Event id ${eventId} not found`,
    status: 400,
    detail: `UiTPAS does not know event ${eventId} (unknown, not published, deleted, or not registered yet).`,
    endUserMessage: Messages.eventNotFound,
  };
}

function maximumReached(endUserMessage: EndUserMessage, tariffId: string): Problem {
  return {
    type: ProblemTypes.maximumReached,
    title: 'Maximum reached',
    status: 400,
    detail: `The maximum number of sales at tariff ${tariffId} has been reached.`,
    endUserMessage,
  };
}

function invalidCoupon(tariffId: string): Problem {
  return {
    type: ProblemTypes.invalidCoupon,
    title: 'Invalid coupon',
    status: 400,
    detail: `Coupon ${tariffId} is already used or not valid for this event.`,
    endUserMessage: Messages.couponUsed,
  };
}

// --- rendering & params ---------------------------------------------------------------------------------

export function renderCardSystem(cardSystem: CardSystem) {
  return {
    id: cardSystem.id,
    name: cardSystem.name,
    ...(cardSystem.links ? { links: cardSystem.links } : {}),
    cities: cardSystem.cities,
    permanent: cardSystem.permanent,
  };
}

function renderSale(sale: TicketSaleRecord) {
  return {
    id: sale.id,
    creationDate: sale.creationDate,
    regularPrice: sale.regularPrice,
    ...(sale.regularPriceLabel !== undefined ? { regularPriceLabel: sale.regularPriceLabel } : {}),
    tariff: sale.tariff,
    eventId: sale.eventId,
    eventTitle: sale.eventTitle,
    uitpasNumber: sale.uitpasNumber,
  };
}

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name)?.trim();
  if (!value) urlNotFound(`The "${name}" query parameter is required.`);
  return value;
}

/** A missing/invalid query parameter is `url/not-found` (404) in the publiq error space. */
function requiredPrice(query: URLSearchParams): number {
  const raw = requiredParam(query, 'regularPrice');
  const price = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(price)) {
    urlNotFound(`The "regularPrice" parameter should be a number >= 0 (got "${raw}").`);
  }
  return price;
}

function paging(query: URLSearchParams): { start: number; limit: number } {
  const parse = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw)) urlNotFound(`The "${name}" parameter should be an integer >= 0 (got "${raw}").`);
    return Number(raw);
  };
  const start = parse('start', 0);
  const limit = parse('limit', 20);
  if (limit > MAX_LIMIT) {
    fail({
      type: ProblemTypes.queryLimitExceeded,
      title: 'Query limit exceeded',
      status: 400,
      detail: `The "limit" parameter should be at most ${MAX_LIMIT} (got ${limit}).`,
    });
  }
  return { start, limit };
}
