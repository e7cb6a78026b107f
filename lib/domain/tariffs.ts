/**
 * The basket rules (product rules 1-3): when may we ask UiTPAS for a tariff for this event, with which price, and
 * what does the till get back. The discount itself always comes from UiTPAS; nothing here computes one.
 */
import { mayActFor, type Principal } from './access.js';
import { AppError, type EndUserMessage } from './errors.js';
import {
  standardTicketTypes,
  type TicketingEvent,
  type TicketType,
  toCents,
  UITPAS_LABEL,
} from './mappings.js';
import { latestVerdict, type OrganizerVerdict } from './organizer.js';

/** What the last readiness check found out about the event's organizer, kept on the event (see the readiness check). */
export interface OrganizerPermissionSnapshot {
  organizerId: string;
  /** False when `GET /permissions` lacks TARIFFS_READ or TICKETSALES_REGISTER for this organizer. */
  permitted: boolean;
  /**
   * Only when the organizer is permitted, TARIFFS_READ or TICKETSALES_REGISTER is limited to card systems, and the
   * check knew the event's card systems: which of the event's enabled card systems both permissions cover. Absent:
   * not limited, or not known, and the till then leaves the card systems to UiTPAS.
   */
  cardSystems?: CardSystemCoverage;
  checkedAt: string;
}

export interface CardSystemRef {
  id: number;
  name: string | null;
}

export interface CardSystemCoverage {
  covered: CardSystemRef[];
  uncovered: CardSystemRef[];
}

export interface TariffPlan {
  eventId: string;
  uitdatabankId: string;
  standardTicketType: TicketType;
  regularPrice: number;
}

function refuse(
  slug: string,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): AppError {
  return new AppError(slug, 422, title, { detail, extensions });
}

/**
 * Checks, before any call to UiTPAS, that the event may be sold with an UiTPAS tariff and at which regular price.
 * Each refusal names what to fix. An event of an organisation the caller may not act for is as unknown as a missing
 * one: a key must not learn what exists elsewhere.
 */
export function planTariffRequest(
  eventId: string,
  event: TicketingEvent | undefined,
  principal: Principal,
  options: {
    regularPrice?: number | undefined;
    organizerPermission?: OrganizerPermissionSnapshot | undefined;
    /** The organizer rule as the last readiness check of the event's mapping found it (see `refuseOrganizer`). */
    organizerVerdict?: OrganizerVerdict | undefined;
  } = {},
): TariffPlan {
  if (!event || !mayActFor(principal, event.organisationId)) {
    throw new AppError('event-not-found', 404, 'Unknown event', {
      detail: `There is no event ${eventId} among the organisations this API key may act for. An administrator maps it with PUT /v1/events/${eventId}.`,
    });
  }
  if (!event.labels.includes(UITPAS_LABEL)) {
    throw refuse(
      'event-not-uitpas',
      'The event is not an UiTPAS event',
      `Event ${eventId} does not carry the label ${UITPAS_LABEL}. Add the label in the ticketing system if the social tariff applies to it.`,
    );
  }
  if (!event.uitdatabankId) {
    throw refuse(
      'event-not-mapped',
      'The event has no UiTdatabank id',
      `Event ${eventId} is not linked to an UiTdatabank event. Label it uitDB so the sync creates it, or set its UiTdatabank id by hand (external mapping).`,
    );
  }
  const standard = standardTicketTypes(event);
  const [only] = standard;
  if (!only || standard.length > 1) {
    throw refuse(
      standard.length === 0 ? 'standard-ticket-type-missing' : 'standard-ticket-type-ambiguous',
      standard.length === 0
        ? 'The event has no standard ticket type'
        : 'The event has several standard ticket types',
      `Event ${eventId} has ${standard.length} ticket types marked standard; exactly one must be, with the base price. Mark one ticket type as standard.`,
      { standardTicketTypes: standard.map((ticketType) => ticketType.id) },
    );
  }
  if (only.price <= 0) {
    throw refuse(
      'standard-price-missing',
      'The standard ticket type has no price',
      `The standard ticket type ${only.id} of event ${eventId} costs 0 EUR; UiTPAS discounts need a base price above 0.`,
    );
  }
  const { regularPrice } = options;
  if (regularPrice !== undefined && toCents(regularPrice) !== toCents(only.price)) {
    throw refuse(
      'regular-price-mismatch',
      'The price is not the standard ticket price',
      `UiTPAS tariffs apply to the standard ticket type ${only.id} at ${only.price.toFixed(2)} EUR, not to ${regularPrice.toFixed(2)} EUR. Let the buyer pick the standard ticket first.`,
      { standardPrice: only.price },
    );
  }
  refuseOrganizer(event, event.uitdatabankId, options.organizerVerdict);
  const permission = options.organizerPermission;
  if (permission && !permission.permitted) {
    throw refuse(
      'organizer-not-permitted',
      'No UiTPAS permission for this organizer',
      `Our UiTPAS client has no permission to sell for organizer ${permission.organizerId} (checked ${permission.checkedAt}). Ask the servicedesk to add this organisation to the UiTPAS integration.`,
    );
  }
  refuseUncoveredCardSystems(eventId, permission);
  return { eventId, uitdatabankId: event.uitdatabankId, standardTicketType: only, regularPrice: only.price };
}

const cardSystemList = (cardSystems: readonly CardSystemRef[]) =>
  cardSystems.map((cardSystem) => cardSystem.name ?? `card system ${cardSystem.id}`).join(', ');

/** True when the snapshot says our permission covers none of the event's enabled card systems (and it has some). */
export function coversNoCardSystem(permission: OrganizerPermissionSnapshot | undefined): boolean {
  const coverage = permission?.permitted ? permission.cardSystems : undefined;
  return coverage !== undefined && coverage.covered.length === 0 && coverage.uncovered.length > 0;
}

/**
 * A permission limited to card systems none of which the event has enabled: UiTPAS would refuse every pass (403), so
 * the till refuses first. This is all the till can know without another UiTPAS call: neither the lookup's input nor
 * UiTPAS's tariffs answer names the pass's card system (only `GET /passes` does), so when the permission covers some
 * of the event's card systems, a pass of another one is left to UiTPAS's own refusal. Like the permission, this goes
 * by the last readiness check of this event version: card systems UiTPAS enabled since show at the next check.
 */
function refuseUncoveredCardSystems(eventId: string, permission: OrganizerPermissionSnapshot | undefined) {
  if (!coversNoCardSystem(permission)) return;
  const coverage = permission?.cardSystems ?? { covered: [], uncovered: [] };
  throw new AppError(
    'card-systems-not-permitted',
    422,
    'Our UiTPAS permission does not cover the card systems of this event',
    {
      detail: `Our UiTPAS permission for organizer ${permission?.organizerId} is limited to card systems that event ${eventId} does not use (it uses ${cardSystemList(coverage.uncovered)}; checked ${permission?.checkedAt}), so UiTPAS would refuse every pass. Sell at the regular price; an administrator asks publiq to extend the permission (GET /v1/events/${eventId}/readiness says which).`,
      endUserMessage: ORGANIZER_END_USER_MESSAGE,
      extensions: { uncoveredCardSystems: coverage.uncovered },
    },
  );
}

/** For the cashier or the webshop buyer: nothing they can fix, and who can. */
const ORGANIZER_END_USER_MESSAGE = {
  nl: 'Voor dit evenement kan het kansentarief nu niet aangerekend worden. Vraag de organisator om de UiTPAS-instellingen na te kijken.',
  en: 'The social tariff cannot be applied to this event right now. Ask the organiser to check its UiTPAS settings.',
};

/**
 * The organizer rule at the till: a sale is registered under the UiTdatabank event's organizer, so an event mapped to
 * another organizer's UiTdatabank event is refused. The latest word on the event's UiTdatabank id decides: the save
 * of a manual mapping (`organizerCheck`) or a readiness check since (an administrator's, or the sync's, which also
 * sees UiTdatabank change the organizer later). An event with neither (mapped by the sync, which creates the
 * UiTdatabank event with our organizer, or saved before saves checked) passes until its first check.
 */
function refuseOrganizer(
  event: TicketingEvent,
  uitdatabankId: string,
  checked: OrganizerVerdict | undefined,
): void {
  const saved = event.organizerCheck;
  const latest = latestVerdict(uitdatabankId, [
    checked,
    saved && { uitdatabankId: saved.uitdatabankId, match: saved.status, checkedAt: saved.checkedAt },
  ]);
  if (latest === undefined || latest.match === 'match') return;
  const readiness = `GET /v1/events/${event.eventId}/readiness`;
  if (latest.match === 'mismatch') {
    throw new AppError('organizer-mismatch', 422, 'The UiTdatabank event belongs to another organizer', {
      detail: `Event ${event.eventId} is mapped to UiTdatabank event ${uitdatabankId}, whose organizer is not that of the event's organisation or promotor (checked ${latest.checkedAt}), so no UiTPAS sale can be registered for it. An administrator corrects the mapping or the organizer; ${readiness} says which.`,
      endUserMessage: ORGANIZER_END_USER_MESSAGE,
    });
  }
  const why =
    latest.match === 'unresolved' ||
    (latest.checkedAt === saved?.checkedAt && saved.reason === 'organizer-unresolved')
      ? 'neither its promotor nor its organisation has an UiTdatabank organizer id to compare with'
      : 'UiTdatabank could not be reached when the mapping was saved';
  throw new AppError('organizer-unverified', 422, 'The organizer of the event has not been verified', {
    detail: `The organizer of UiTdatabank event ${uitdatabankId} could not be compared with that of event ${event.eventId}: ${why}. UiTPAS sales are refused until a check passes: ${readiness} checks now, the sync within its interval.`,
    endUserMessage: ORGANIZER_END_USER_MESSAGE,
  });
}

export interface OfferedTariff {
  id: string;
  name: string | null;
  price: number;
  type: string | null;
  /** How many tickets this pass may still buy at this tariff: 1 for a person, more for a group pass. */
  remaining: number;
}

export interface TariffAnswer {
  eventId: string;
  uitdatabankId: string;
  regularPrice: number;
  standardTicketType: TicketType;
  /** The shared "UiTPAS kansentarief" ticket type the basket line switches to (product rule 3). */
  uitpasTicketTypeId: string;
  tariffs: OfferedTariff[];
  /** UiTPAS's explanation, also on success (e.g. why no social tariff is offered): show it to the buyer. */
  endUserMessage: EndUserMessage | null;
}

export interface UitpasTariffs {
  available: {
    id: string;
    name?: string | undefined;
    price?: number | undefined;
    type?: string | undefined;
    remaining: number;
  }[];
  endUserMessage?: EndUserMessage | undefined;
}

export function toTariffAnswer(
  plan: TariffPlan,
  uitpas: UitpasTariffs,
  uitpasTicketTypeId: string,
): TariffAnswer {
  return {
    eventId: plan.eventId,
    uitdatabankId: plan.uitdatabankId,
    regularPrice: plan.regularPrice,
    standardTicketType: plan.standardTicketType,
    uitpasTicketTypeId,
    // A tariff without a price cannot be charged; a tariff with none left cannot be sold.
    tariffs: uitpas.available
      .filter((tariff) => tariff.price !== undefined && tariff.remaining > 0)
      .map((tariff) => ({
        id: tariff.id,
        name: tariff.name ?? null,
        price: tariff.price as number,
        type: tariff.type ?? null,
        remaining: tariff.remaining,
      })),
    endUserMessage: uitpas.endUserMessage ?? null,
  };
}
