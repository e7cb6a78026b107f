/**
 * The price-drift guard: a line may say what the till charged the buyer (`chargedPrice`); UiTPAS's answer says at
 * which price it registered each sale (the sale's tariff price). When the two differ, the line has drifted: the till
 * and UiTPAS's record (what the organiser is reimbursed by) no longer agree.
 *
 * PRICE_DRIFT decides what a drift does (`PriceDriftPolicy`): `refuse` (the default) refuses the registration with a
 * 422 naming the line, and every sale of the order is cancelled at UiTPAS, so nothing stays registered; `flag`
 * accepts it, and the line carries `priceDrift` for everyone to see. Never silently accepted: a sale whose answer
 * gives no price cannot be shown to match, so it counts as drifted (registered: null).
 *
 * Either way the line keeps the price UiTPAS registered (`registeredPrice`). Plain data in, decision or problem out.
 */
import { AppError, type EndUserMessage } from '../errors.js';
import { samePrice } from '../mappings.js';
import { publicOrderId } from './order-key.js';
import type { Order, OrderLine, PriceDrift } from './types.js';

export type PriceDriftPolicy = 'refuse' | 'flag';
export const DEFAULT_PRICE_DRIFT_POLICY: PriceDriftPolicy = 'refuse';

/**
 * What UiTPAS registered a line at, set against what the till charged: the first of the line's sales whose price is
 * missing or another than `chargedPrice`. Undefined when nothing was charged (no guard asked) or every sale matches.
 */
export function lineDrift(
  chargedPrice: number | undefined,
  salePrices: readonly (number | null)[],
): PriceDrift | undefined {
  if (chargedPrice === undefined) return undefined;
  const index = salePrices.findIndex((price) => price === null || !samePrice(price, chargedPrice));
  if (index < 0) return undefined;
  return { charged: chargedPrice, registered: salePrices[index] ?? null };
}

/**
 * The price the line's sales were registered at, as kept on the line: the drifted one when a sale drifted (that is
 * the price that needs explaining), else the first sale's; null when UiTPAS's answer gave none.
 */
export function registeredPriceOf(
  drift: PriceDrift | undefined,
  salePrices: readonly (number | null)[],
): number | null {
  return drift ? drift.registered : (salePrices[0] ?? null);
}

/**
 * The price UiTPAS registered a line's sales at, as the view, the export and the reconciliation read it: the line's
 * `registeredPrice`, or for a line from before it was kept, its tariff price (what UiTPAS answered then).
 */
export function registeredPriceOfLine(
  line: Pick<OrderLine, 'registeredPrice' | 'tariffPrice'>,
): number | null {
  return line.registeredPrice === undefined ? line.tariffPrice : line.registeredPrice;
}

/** The lines that drifted, with their position in the request. */
export function driftedLines(
  order: Pick<Order, 'lines'>,
): { index: number; line: OrderLine; drift: PriceDrift }[] {
  return order.lines.flatMap((line, index) =>
    line.priceDrift ? [{ index, line, drift: line.priceDrift }] : [],
  );
}

const euro = (price: number | null) => (price === null ? 'an unknown price' : `${price} EUR`);

const DRIFT_MESSAGE: EndUserMessage = {
  nl: 'UiTPAS registreerde een andere prijs dan aangerekend. De UiTPAS-verkoop is geannuleerd: reken de prijs aan die UiTPAS geeft en registreer de verkoop opnieuw.',
  en: 'UiTPAS registered another price than was charged. The UiTPAS sale is cancelled: charge the price UiTPAS gives and register the sale again.',
};

/**
 * The 422 of a registration refused for a price drift (PRICE_DRIFT=refuse). Made from the stored order alone, so the
 * same request again answers the same problem. Names the first drifted line (`lineId`, `chargedPrice`,
 * `registeredPrice`) and points at every drifted line's `chargedPrice`.
 */
export function priceDriftRefused(order: Pick<Order, 'orderId' | 'lines'>): AppError {
  const drifted = driftedLines(order);
  const first = drifted[0];
  if (!first) throw new Error(`order ${order.orderId} was refused for a price drift but no line drifted`);
  const pointer = (index: number) => `/lines/${index}/chargedPrice`;
  return new AppError('price-drift', 422, 'UiTPAS registered another price than the till charged', {
    detail: `Line ${first.line.lineId} (${pointer(first.index)}): the till charged ${euro(first.drift.charged)}, UiTPAS registered the sale at ${euro(first.drift.registered)}. The registration of order ${publicOrderId(order.orderId)} is refused and every UiTPAS sale of it is cancelled (retried until UiTPAS takes it), so nothing stays registered. Charge the price UiTPAS gives (POST /v1/tariffs) and register the basket again under a new orderId.`,
    endUserMessage: DRIFT_MESSAGE,
    extensions: {
      lineId: first.line.lineId,
      chargedPrice: first.drift.charged,
      registeredPrice: first.drift.registered,
      invalidParams: drifted.map(({ index, drift }) => ({
        pointer: pointer(index),
        detail: `charged ${euro(drift.charged)}, UiTPAS registered ${euro(drift.registered)}`,
      })),
      priceDrifts: drifted.map(({ line, drift }) => ({ lineId: line.lineId, ...drift })),
    },
  });
}
