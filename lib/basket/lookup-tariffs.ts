/**
 * Look up the tariffs a passholder may pay for an event: one read of the event's mapping, the basket rules, then
 * exactly one call to UiTPAS `GET /tariffs` with the standard ticket type's price.
 */
import type { Principal } from '../domain/access.js';
import type { TicketingEvent } from '../domain/mappings.js';
import { parseUitpasNumber } from '../domain/pass.js';
import {
  type OrganizerPermissionSnapshot,
  planTariffRequest,
  type TariffAnswer,
  toTariffAnswer,
  type UitpasTariffs,
} from '../domain/tariffs.js';

export interface BasketEvent {
  event: TicketingEvent;
  organizerPermission?: OrganizerPermissionSnapshot | undefined;
}

export interface LookupTariffsDeps {
  events: { getForBasket(eventId: string): Promise<BasketEvent | undefined> };
  uitpas: {
    getTariffs(query: {
      eventId: string;
      uitpasNumber: string;
      regularPrice: number;
    }): Promise<UitpasTariffs>;
  };
  uitpasTicketTypeId: string;
}

export interface LookupTariffsInput {
  eventId: string;
  uitpasNumber: string;
  regularPrice?: number | undefined;
}

export async function lookupTariffs(
  input: LookupTariffsInput,
  principal: Principal,
  deps: LookupTariffsDeps,
): Promise<TariffAnswer> {
  const uitpasNumber = parseUitpasNumber(input.uitpasNumber, '/uitpasNumber');
  const stored = await deps.events.getForBasket(input.eventId);
  const plan = planTariffRequest(input.eventId, stored?.event, principal, {
    regularPrice: input.regularPrice,
    organizerPermission: stored?.organizerPermission,
  });
  const tariffs = await deps.uitpas.getTariffs({
    eventId: plan.uitdatabankId,
    uitpasNumber,
    regularPrice: plan.regularPrice,
  });
  return toTariffAnswer(plan, tariffs, deps.uitpasTicketTypeId);
}
