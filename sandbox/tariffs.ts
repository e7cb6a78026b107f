/**
 * UiTPAS tariff rules of the sandbox. The real UiTPAS computes discounts from per-card-system distribution
 * keys; the sandbox uses these deterministic rules instead:
 *
 * - SOCIALTARIFF ("Kansentarief", id `SOCIALTARIFF`): price = 20% of the regular price, rounded to cents
 *   (regularPrice 10 -> 2, as in the guide example). Offered only when the pass's social tariff is ACTIVE
 *   and the pass's card system is one of the event's *enabled* card systems (UiTPAS Gent = postal codes
 *   9000..9090, Paspartoe = Brussels). EXPIRED -> 400 `social-tariff-expired`; NONE or another region ->
 *   200 without it, plus an `endUserMessage` explaining why.
 * - `remaining` for SOCIALTARIFF = the minimum of
 *     - 1 for an individual pass (one personal ticket per registration request),
 *     - the event's passholderTicketLimit minus the pass's active SOCIALTARIFF sales for the event in the
 *       period (5a0967f9…: 100/week, d83b5b8a…: 1/week; other events: no limit),
 *     - a group pass's own limit minus all its active sales in the period (e.g. 10/day, 50/day).
 *   At 0 the tariff disappears from `available` and an `endUserMessage` says which limit was hit.
 * - Coupons (type COUPON, id = the coupon id): only in the coupon's card system (and its events, if
 *   restricted). Price: `amount` = regular price minus the amount (min 0), `percentage` = that discount,
 *   `price` = a fixed price. Single-use coupons have remaining 1 until an active sale uses them; multi-use
 *   (group) coupons have their own per-period limit, capped by the group pass limit.
 * - Periods are rolling windows ending now (see `periodStartMs`). Cancelled sales do not count, so
 *   cancelling a sale gives `remaining` back.
 */
import type { CardSystem, CouponRecord, PassRecord, PeriodLimit, UitpasEventRecord } from './model.js';
import { type EndUserMessage, Messages } from './problems.js';
import type { SandboxState } from './state.js';
import { periodStartMs, round2 } from './util.js';

export const SOCIAL_TARIFF_ID = 'SOCIALTARIFF';
export const SOCIAL_TARIFF_NAME = 'Kansentarief';
export const SOCIAL_TARIFF_RATE = 0.2;

export type TariffType = 'SOCIALTARIFF' | 'COUPON';

export interface TariffAvailability {
  id: string;
  name: string;
  price: number;
  type: TariffType;
  remaining: number;
}

export interface TariffsResult {
  available: TariffAvailability[];
  endUserMessage?: EndUserMessage;
}

/** A sale as far as limits are concerned: registered (active) or pending in the current request. */
export interface CountedSale {
  passholderId: string;
  eventId: string;
  tariffId: string;
  tariffType: TariffType;
  createdAtMs: number;
}

export function socialTariffPrice(regularPrice: number): number {
  return round2(regularPrice * SOCIAL_TARIFF_RATE);
}

export function couponPrice(coupon: CouponRecord, regularPrice: number): number {
  switch (coupon.discount.kind) {
    case 'amount':
      return round2(Math.max(0, regularPrice - coupon.discount.amount));
    case 'percentage':
      return round2(regularPrice * (1 - coupon.discount.percentage / 100));
    case 'price':
      return round2(Math.min(regularPrice, coupon.discount.price));
  }
}

/** Active (not cancelled) sales of one pass, in the shape the limit rules count. */
export function committedSales(state: SandboxState, pass: PassRecord): CountedSale[] {
  return state.activeTicketSales({ passholderId: pass.passholderId }).map((s) => ({
    passholderId: s.passholderId,
    eventId: s.eventId,
    tariffId: s.tariff.id,
    tariffType: s.tariff.type,
    createdAtMs: s.createdAtMs,
  }));
}

function left(limit: PeriodLimit | undefined, sales: CountedSale[], nowMs: number): number {
  if (!limit) return Number.POSITIVE_INFINITY;
  const since = periodStartMs(limit, nowMs);
  return Math.max(0, limit.volume - sales.filter((s) => s.createdAtMs > since).length);
}

export interface RemainingResult {
  remaining: number;
  /** Which limit is binding when `remaining` is 0 (for the end-user message). */
  exhaustedBy?: 'event' | 'group' | 'coupon' | 'request';
}

/**
 * Remaining SOCIALTARIFF tickets. `sales` = registered + pending sales of the pass; `pendingInRequest` =
 * how many SOCIALTARIFF items for this pass and event are already pending in the current request.
 */
export function socialTariffRemaining(
  pass: PassRecord,
  registration: UitpasEventRecord,
  sales: CountedSale[],
  nowMs: number,
  pendingInRequest = 0,
): RemainingResult {
  const sameEvent = (s: CountedSale) => s.eventId.toLowerCase() === registration.eventId.toLowerCase();
  const eventLeft = left(
    registration.ticketLimit,
    sales.filter((s) => s.tariffType === 'SOCIALTARIFF' && sameEvent(s)),
    nowMs,
  );
  const groupLeft = left(pass.groupLimit, sales, nowMs);
  const requestLeft = pass.passType === 'INDIVIDUAL' ? 1 - pendingInRequest : Number.POSITIVE_INFINITY;
  return minimum({ event: eventLeft, group: groupLeft, request: requestLeft });
}

export function couponRemaining(
  pass: PassRecord,
  coupon: CouponRecord,
  sales: CountedSale[],
  nowMs: number,
  pendingInRequest = 0,
): RemainingResult {
  const withCoupon = sales.filter((s) => s.tariffId === coupon.id);
  const couponLeft = coupon.limit ? left(coupon.limit, withCoupon, nowMs) : withCoupon.length > 0 ? 0 : 1;
  const groupLeft = left(pass.groupLimit, sales, nowMs);
  const requestLeft = pass.passType === 'INDIVIDUAL' ? 1 - pendingInRequest : Number.POSITIVE_INFINITY;
  return minimum({ coupon: couponLeft, group: groupLeft, request: requestLeft });
}

function minimum(
  parts: Partial<Record<NonNullable<RemainingResult['exhaustedBy']>, number>>,
): RemainingResult {
  let result: RemainingResult = { remaining: Number.POSITIVE_INFINITY };
  for (const [by, value] of Object.entries(parts) as [RemainingResult['exhaustedBy'], number][]) {
    if (value < result.remaining) result = { remaining: Math.max(0, value), exhaustedBy: by };
  }
  if (result.remaining > 0) return { remaining: result.remaining };
  return result;
}

export function couponApplies(coupon: CouponRecord, eventId: string, enabled: CardSystem[]): boolean {
  if (!enabled.some((c) => c.id === coupon.cardSystemId)) return false;
  return !coupon.eventIds || coupon.eventIds.some((id) => id.toLowerCase() === eventId.toLowerCase());
}

/** Message for a SOCIALTARIFF that ran out, naming the binding limit. */
export function limitMessage(
  result: RemainingResult,
  pass: PassRecord,
  registration: UitpasEventRecord,
): EndUserMessage {
  if (result.exhaustedBy === 'group' && pass.groupLimit) {
    return Messages.groupLimitReached(pass.groupLimit.volume, pass.groupLimit.periodType);
  }
  const limit = registration.ticketLimit ?? { volume: 1, periodType: 'ABSOLUTE' };
  return Messages.limitReached(limit.volume, limit.periodType);
}

export function combineMessages(messages: EndUserMessage[]): EndUserMessage | undefined {
  if (messages.length === 0) return undefined;
  const join = (lang: 'fr' | 'de' | 'en') =>
    messages.every((m) => m[lang] !== undefined) ? messages.map((m) => m[lang]).join(' ') : undefined;
  const combined: EndUserMessage = { nl: messages.map((m) => m.nl).join(' ') };
  for (const lang of ['fr', 'de', 'en'] as const) {
    const text = join(lang);
    if (text !== undefined) combined[lang] = text;
  }
  return combined;
}

export interface ComputeTariffsInput {
  state: SandboxState;
  pass: PassRecord;
  registration: UitpasEventRecord;
  regularPrice: number;
  type: 'ANY' | TariffType;
}

/**
 * GET /tariffs for a pass whose card is ACTIVE. Throws nothing: the caller handles EXPIRED (a 400) before,
 * because only the caller knows whether social tariffs were asked for.
 */
export function computeTariffs(input: ComputeTariffsInput): TariffsResult {
  const { state, pass, registration, regularPrice, type } = input;
  const nowMs = state.nowMs();
  const enabled = state.enabledCardSystems(registration.eventId);
  if (enabled.length === 0) return { available: [], endUserMessage: Messages.noUitpasDiscounts };

  const sales = committedSales(state, pass);
  const available: TariffAvailability[] = [];
  const messages: EndUserMessage[] = [];

  if (type !== 'COUPON') {
    if (pass.socialTariff.status === 'NONE') {
      messages.push(Messages.noSocialTariff);
    } else if (pass.socialTariff.status === 'ACTIVE') {
      if (!enabled.some((c) => c.id === pass.cardSystemId)) {
        messages.push(Messages.otherRegion(enabled.map((c) => c.name)));
      } else {
        const result = socialTariffRemaining(pass, registration, sales, nowMs);
        if (result.remaining > 0) {
          available.push({
            id: SOCIAL_TARIFF_ID,
            name: SOCIAL_TARIFF_NAME,
            price: socialTariffPrice(regularPrice),
            type: 'SOCIALTARIFF',
            remaining: result.remaining,
          });
        } else {
          messages.push(limitMessage(result, pass, registration));
        }
      }
    }
  }

  if (type !== 'SOCIALTARIFF' && pass.coupons.length > 0) {
    const applicable = pass.coupons.filter((c) => couponApplies(c, registration.eventId, enabled));
    if (applicable.length === 0) messages.push(Messages.couponsOtherRegion);
    for (const coupon of applicable) {
      const result = couponRemaining(pass, coupon, sales, nowMs);
      if (result.remaining === 0) continue;
      available.push({
        id: coupon.id,
        name: coupon.name,
        price: couponPrice(coupon, regularPrice),
        type: 'COUPON',
        remaining: result.remaining,
      });
    }
  }

  const endUserMessage = combineMessages(messages);
  return endUserMessage ? { available, endUserMessage } : { available };
}
