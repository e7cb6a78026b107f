/**
 * Look up the tariffs a passholder may pay for an event: one read of the event's mapping, the basket rules, then
 * one call to UiTPAS `GET /tariffs` with the standard ticket type's price.
 *
 * The read and the call overlap when this container has seen the event before: the call starts from the mapping it
 * remembers while the fresh read runs, and its answer is used only if the fresh read shows the same mapping (same
 * version, same organizer permission and card-system coverage). A mapping changed since is answered from the fresh
 * read, as if there were no cache: a lookup is never answered from a stale mapping. The price of that is one discarded
 * UiTPAS read on the first lookup after a change.
 *
 * The UiTPAS request is let out first: the read starts only once it has left (one turn of the event loop). The AWS SDK
 * spends about half a millisecond of CPU building and signing a GetItem; started at once, that work ran between the
 * steps of the UiTPAS call and held its request back by as much (`npm run bench -- basket`, 20 ms latency cases). The
 * read, a few milliseconds against UiTPAS's tens, still ends long before UiTPAS answers.
 */
import type { Principal } from '../../domain/access.js';
import { parseUitpasNumber } from '../../domain/pass.js';
import {
  coversNoCardSystem,
  planTariffRequest,
  type TariffAnswer,
  type TariffPlan,
  toTariffAnswer,
  type UitpasTariffs,
} from '../../domain/tariffs.js';
import { BoundedMap } from './bounded-map.js';
import type { BasketEvent, EventsForBasket, TariffsAtUitpas, UpstreamCall } from './ports.js';

/** Where the composition roots have always taken it from. */
export type { BasketEvent } from './ports.js';

export interface LookupTariffsDeps {
  events: EventsForBasket;
  uitpas: TariffsAtUitpas;
  /** The shared UiTPAS ticket type the answer tells the till to switch to. */
  uitpasTicketTypeId: string;
  /** The mappings this container has seen; omit it to read, plan and call strictly one after the other. */
  seen?: SeenEvents | undefined;
}

export interface LookupTariffsInput {
  eventId: string;
  uitpasNumber: string;
  regularPrice?: number | undefined;
}

/** A bounded memory of the last mapping read per event. Only ever a hint: every answer is checked against a fresh read. */
export class SeenEvents {
  private readonly entries: BoundedMap<string, BasketEvent>;
  constructor(capacity = 1000) {
    this.entries = new BoundedMap(capacity);
  }

  get(eventId: string): BasketEvent | undefined {
    return this.entries.get(eventId);
  }

  remember(eventId: string, stored: BasketEvent | undefined): void {
    if (stored) this.entries.set(eventId, stored);
    else this.entries.delete(eventId);
  }
}

/** Resolves once the promise steps queued now have run and the event loop has had its turn (setImmediate). */
function afterPendingWork(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sameMapping(a: BasketEvent, b: BasketEvent | undefined): boolean {
  return (
    b !== undefined &&
    a.event.version === b.event.version &&
    a.event.updatedAt === b.event.updatedAt &&
    a.organizerPermission?.permitted === b.organizerPermission?.permitted &&
    coversNoCardSystem(a.organizerPermission) === coversNoCardSystem(b.organizerPermission) &&
    a.organizerVerdict?.checkedAt === b.organizerVerdict?.checkedAt
  );
}

function plan(input: LookupTariffsInput, stored: BasketEvent | undefined, principal: Principal): TariffPlan {
  return planTariffRequest(input.eventId, stored?.event, principal, {
    regularPrice: input.regularPrice,
    organizerPermission: stored?.organizerPermission,
    organizerVerdict: stored?.organizerVerdict,
  });
}

export async function lookupTariffs(
  input: LookupTariffsInput,
  principal: Principal,
  deps: LookupTariffsDeps,
  call: UpstreamCall = {},
): Promise<TariffAnswer> {
  const uitpasNumber = parseUitpasNumber(input.uitpasNumber, '/uitpasNumber');
  // A cold container has no token yet: fetch it while the mapping is read, not after.
  deps.uitpas.warmUp?.();
  const ask = (planned: TariffPlan) =>
    deps.uitpas.getTariffs(
      { eventId: planned.uitdatabankId, uitpasNumber, regularPrice: planned.regularPrice },
      call,
    );

  const remembered = deps.seen?.get(input.eventId);
  let early: { plan: TariffPlan; tariffs: Promise<UitpasTariffs> } | undefined;
  if (remembered) {
    try {
      const planned = plan(input, remembered, principal);
      early = { plan: planned, tariffs: ask(planned) };
      // Settled later or dropped; never an unhandled rejection.
      early.tariffs.catch(() => undefined);
    } catch {
      // The remembered mapping would refuse: wait for the fresh read to say why.
    }
  }
  // Started after the UiTPAS call, whose round trip is the longer one: the read's own CPU work must not delay it. Its
  // request is sent at the end of a chain of promise steps (token, upstream, transport); the read waits for them.
  if (early) await afterPendingWork();
  const stored = await deps.events.getForBasket(input.eventId);
  deps.seen?.remember(input.eventId, stored);
  if (early && remembered && sameMapping(remembered, stored)) {
    return toTariffAnswer(early.plan, await early.tariffs, deps.uitpasTicketTypeId);
  }
  const planned = plan(input, stored, principal);
  return toTariffAnswer(planned, await ask(planned), deps.uitpasTicketTypeId);
}
