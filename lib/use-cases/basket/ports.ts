/**
 * What the basket's use cases need from the outside, in their own words. The table's mapping repository and the
 * UiTPAS client (lib/adapters) provide them; the ticket-sale use cases reuse the events port.
 */
import type { TicketingEvent } from '../../domain/mappings.js';
import type { OrganizerVerdict } from '../../domain/organizer.js';
import type { PassFacts } from '../../domain/pass.js';
import type { OrganizerPermissionSnapshot, UitpasTariffs } from '../../domain/tariffs.js';
import type { UitpasStaticTariffs } from '../../domain/uitpas-prices.js';

/** An event as the basket sees it: its mapping, and the organizer permission of its last readiness check. */
export interface BasketEvent {
  event: TicketingEvent;
  organizerPermission?: OrganizerPermissionSnapshot | undefined;
  /** The organizer rule as the last readiness check of the event's UiTdatabank id found it, whatever the version. */
  organizerVerdict?: OrganizerVerdict | undefined;
}

export interface EventsForBasket {
  /** One read of the event; undefined for an event nobody mapped. */
  getForBasket(eventId: string): Promise<BasketEvent | undefined>;
}

export interface TariffQuery {
  /** The UiTdatabank event id. */
  eventId: string;
  uitpasNumber: string;
  regularPrice: number;
}

/** `deadline`: when the call, retries included, must have ended (epoch ms), so the answer is not late. */
export interface UpstreamCall {
  deadline?: number | undefined;
}

export interface TariffsAtUitpas {
  getTariffs(query: TariffQuery, call?: UpstreamCall): Promise<UitpasTariffs>;
  /** Starts what the first call needs (the access token) without waiting; optional for fakes. */
  warmUp?(): void;
}

export interface StaticTariffQuery {
  /** The UiTdatabank event id. */
  eventId: string;
  regularPrice: number;
}

export interface StaticTariffsAtUitpas {
  /** What UiTPAS would offer at this price to a passholder it does not know (`GET /tariffs/static`). */
  getStaticTariffs(query: StaticTariffQuery, call?: UpstreamCall): Promise<UitpasStaticTariffs>;
  /** Starts what the first call needs (the access token) without waiting; optional for fakes. */
  warmUp?(): void;
}

export interface PassesAtUitpas {
  /** An UiTPAS number or a chip number, already checked for its form. */
  getPass(identifier: string, call?: UpstreamCall): Promise<PassFacts>;
}
