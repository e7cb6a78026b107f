/**
 * The webshop's indicative UiTPAS price of an event: one read of the event's mapping, the basket rules (the same
 * refusals as a tariff lookup, lib/domain/tariffs.ts), then UiTPAS `GET /tariffs/static` at the standard ticket
 * type's price, with the event's hint for the buyer.
 *
 * UiTPAS's answer is kept in the container for a few minutes, so a webshop listing its events does not ask UiTPAS on
 * every page view; a changed mapping or price still applies at once. The event is read every time (one GetItem), the
 * refusals are decided on that fresh read, and the kept answer is used only when its key matches what the fresh read
 * says the answer depends on: the UiTdatabank id, the standard price (in cents), and the event's version and
 * `updatedAt` (every save of the mapping changes them). So a save, of whatever field, asks UiTPAS again on the very next
 * request; only what UiTPAS itself changes in the meantime (its distribution keys) can take up to the TTL to show.
 * Refusals are never kept: a problem from UiTPAS is asked again the next time.
 */
import type { Principal } from '../../domain/access.js';
import { toCents } from '../../domain/mappings.js';
import { planTariffRequest, type TariffPlan } from '../../domain/tariffs.js';
import {
  buyerHint,
  toUitpasPrices,
  type UitpasPrices,
  type UitpasStaticTariffs,
} from '../../domain/uitpas-prices.js';
import { BoundedMap } from './bounded-map.js';
import type { EventsForBasket, StaticTariffsAtUitpas, UpstreamCall } from './ports.js';

export interface UitpasPricesDeps {
  events: EventsForBasket;
  uitpas: StaticTariffsAtUitpas;
  /** UiTPAS's static answers this container keeps; omit it to ask UiTPAS on every request. */
  staticTariffs?: StaticTariffsCache | undefined;
}

/** How long a kept answer of UiTPAS serves: "a few minutes". */
export const STATIC_TARIFFS_TTL_MS = 5 * 60_000;

interface Kept {
  key: string;
  expiresAt: number;
  tariffs: UitpasStaticTariffs;
}

/**
 * UiTPAS's static answer per event, at most one per event (a new key replaces the old), bounded, each for `ttlMs`.
 * The key says what the answer was asked for (see `staticTariffsKey`); `get` with another key misses.
 */
export class StaticTariffsCache {
  private readonly entries: BoundedMap<string, Kept>;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: { ttlMs?: number; capacity?: number; now?: () => number } = {}) {
    this.ttlMs = options.ttlMs ?? STATIC_TARIFFS_TTL_MS;
    this.entries = new BoundedMap(options.capacity ?? 1000);
    this.now = options.now ?? Date.now;
  }

  get(eventId: string, key: string): UitpasStaticTariffs | undefined {
    const kept = this.entries.get(eventId);
    if (kept && kept.expiresAt <= this.now()) this.entries.delete(eventId);
    else if (kept?.key === key) return kept.tariffs;
    // Another key: the mapping changed since (the answer that follows replaces it), or this read is the older one.
    return undefined;
  }

  set(eventId: string, key: string, tariffs: UitpasStaticTariffs): void {
    this.entries.set(eventId, { key, expiresAt: this.now() + this.ttlMs, tariffs });
  }
}

/** What UiTPAS's answer depends on, as the fresh read of the event says it. */
export function staticTariffsKey(plan: TariffPlan, event: { version: number; updatedAt: string }): string {
  return JSON.stringify([plan.uitdatabankId, toCents(plan.regularPrice), event.version, event.updatedAt]);
}

export async function getUitpasPrices(
  eventId: string,
  principal: Principal,
  deps: UitpasPricesDeps,
  call: UpstreamCall = {},
): Promise<UitpasPrices> {
  // A cold container has no token yet: fetch it while the mapping is read, not after.
  deps.uitpas.warmUp?.();
  const stored = await deps.events.getForBasket(eventId);
  const plan = planTariffRequest(eventId, stored?.event, principal, {
    organizerPermission: stored?.organizerPermission,
    organizerVerdict: stored?.organizerVerdict,
  });
  // planTariffRequest refuses an event that was not found, so `stored` is there.
  const event = (stored as NonNullable<typeof stored>).event;
  const key = staticTariffsKey(plan, event);
  let tariffs = deps.staticTariffs?.get(eventId, key);
  if (!tariffs) {
    tariffs = await deps.uitpas.getStaticTariffs(
      { eventId: plan.uitdatabankId, regularPrice: plan.regularPrice },
      call,
    );
    deps.staticTariffs?.set(eventId, key, tariffs);
  }
  return toUitpasPrices(plan, tariffs, buyerHint(event));
}
