/**
 * The webshop's indicative UiTPAS price (the manual's online step, product rule 7): what UiTPAS would offer at the
 * event's standard price to a passholder it does not know yet (`GET /tariffs/static`), and the hint the buyer reads
 * before typing a number. Indicative only: what a passholder pays comes from `POST /v1/tariffs` once the number is
 * known. Nothing here computes a discount; the prices are UiTPAS's.
 */
import type { EndUserMessage } from './errors.js';
import type { TicketingEvent, TicketType } from './mappings.js';
import type { TariffPlan } from './tariffs.js';

/** UiTPAS's static answer as far as the indicative price is concerned (`remaining` means nothing without a pass). */
export interface UitpasStaticTariffs {
  available: {
    id: string;
    name?: string | undefined;
    price?: number | undefined;
    type?: string | undefined;
  }[];
  endUserMessage?: EndUserMessage | undefined;
}

export interface IndicativeTariff {
  id: string;
  name: string | null;
  price: number;
  type: string | null;
}

export interface BuyerHint {
  /** The event's own hint as the ticketing system wrote it, or else the default in Dutch. */
  text: string;
  source: 'event' | 'default';
  /** The default in Dutch and English; null with the event's own hint, whose language is not known. */
  translations: { nl: string; en: string } | null;
}

export interface UitpasPrices {
  eventId: string;
  uitdatabankId: string;
  regularPrice: number;
  standardTicketType: TicketType;
  tariffs: IndicativeTariff[];
  /** The lowest of the tariffs' prices ("kansentarief from €2"); null when UiTPAS offers none at this price. */
  lowestPrice: number | null;
  /** UiTPAS's explanation, when it gave one (e.g. why there is no tariff): show it to the buyer. */
  endUserMessage: EndUserMessage | null;
  hint: BuyerHint;
}

/** The manual's online step, for an event without a hint of its own. */
export const DEFAULT_BUYER_HINT = {
  nl: 'Kies eerst een ticket aan het basistarief en vul daarna je UiTPAS-nummer in.',
  en: 'Choose the base-price ticket first, then enter your UiTPAS number.',
} as const;

export function buyerHint(event: Pick<TicketingEvent, 'hint'>): BuyerHint {
  const own = event.hint?.trim();
  if (own) return { text: own, source: 'event', translations: null };
  return {
    text: DEFAULT_BUYER_HINT.nl,
    source: 'default',
    translations: { nl: DEFAULT_BUYER_HINT.nl, en: DEFAULT_BUYER_HINT.en },
  };
}

export function toUitpasPrices(plan: TariffPlan, uitpas: UitpasStaticTariffs, hint: BuyerHint): UitpasPrices {
  // A tariff without a price has nothing to show.
  const tariffs = uitpas.available
    .filter((tariff): tariff is typeof tariff & { price: number } => tariff.price !== undefined)
    .map((tariff) => ({
      id: tariff.id,
      name: tariff.name ?? null,
      price: tariff.price,
      type: tariff.type ?? null,
    }));
  return {
    eventId: plan.eventId,
    uitdatabankId: plan.uitdatabankId,
    regularPrice: plan.regularPrice,
    standardTicketType: plan.standardTicketType,
    tariffs,
    lowestPrice: tariffs.length ? Math.min(...tariffs.map((tariff) => tariff.price)) : null,
    endUserMessage: uitpas.endUserMessage ?? null,
    hint,
  };
}
