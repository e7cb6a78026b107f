import { AppError, type EndUserMessage, type UpstreamProblem } from '../errors.js';
import { problemFromUpstream } from '../upstream-errors.js';
import { publicOrderId } from './order-key.js';
import type { Order, OrderStatus } from './types.js';

// --- problems ---------------------------------------------------------------------------------------------------

/** A problem about one line: names it (`lineId`) and points at it (`/lines/<i>/<field>`). */
export function forLine(error: AppError, index: number, lineId: string, field?: string): AppError {
  const pointer = `/lines/${index}${field ? `/${field}` : ''}`;
  const existing = error.extensions.invalidParams;
  const invalidParams =
    Array.isArray(existing) && existing.length > 0
      ? existing
      : [{ pointer, detail: error.detail ?? error.title }];
  return new AppError(error.slug, error.status, error.title, {
    detail: `Line ${lineId} (${pointer}): ${error.detail ?? error.title}`,
    ...(error.endUserMessage ? { endUserMessage: error.endUserMessage } : {}),
    extensions: { ...error.extensions, lineId, invalidParams },
    headers: error.headers,
    cause: error.cause ?? error,
  });
}

/**
 * UiTPAS's refusal of a registration, in the till's terms. `body/invalid-data` at a sale's tariff means UiTPAS does
 * not offer that tariff to this passholder for this event (an id it does not know, a social tariff for a pass without
 * one): something the caller can fix, so a 422 that says how, not the 502 of a request we built wrong.
 */
export function registrationRefused(
  error: UpstreamProblem,
  field: string | undefined,
  tariffId?: string,
): AppError {
  if (error.shortType === 'body/invalid-data' && field === 'tariffId') {
    return new AppError('tariff-not-offered', 422, 'UiTPAS does not offer this tariff here', {
      detail: `UiTPAS does not offer tariff ${JSON.stringify(tariffId ?? '')} to this passholder for this event. Ask POST /v1/tariffs which tariffs it offers and send one of those, or sell at the regular price. Nothing was registered: the corrected basket may be sent under the same orderId.`,
      ...(error.endUserMessage ? { endUserMessage: error.endUserMessage } : {}),
      extensions: { upstreamType: error.type },
      cause: error,
    });
  }
  return problemFromUpstream(error);
}

export function orderNotFound(orderId: string): AppError {
  return new AppError('order-not-found', 404, 'Unknown order', {
    detail: `There is no order ${publicOrderId(orderId)} among the organisations this API key may act for.`,
  });
}

export function lineNotFound(orderId: string, lineId: string): AppError {
  return new AppError('line-not-found', 404, 'Unknown order line', {
    detail: `Order ${publicOrderId(orderId)} has no line ${lineId}.`,
    extensions: { invalidParams: [{ pointer: 'query.lineId', detail: 'not a line of this order' }] },
  });
}

export function orderConflict(orderId: string): AppError {
  return new AppError('order-conflict', 409, 'This orderId is already used for another request', {
    detail: `Order ${publicOrderId(orderId)} was registered with a different body. Nothing was registered now. Send exactly the same body to get that order's result, or use a new orderId for a new basket.`,
  });
}

export function registrationInProgress(orderId: string, retryAfterSeconds: number): AppError {
  return new AppError('registration-in-progress', 409, 'The order is being registered right now', {
    detail: `Another request for order ${publicOrderId(orderId)} is registering it at UiTPAS. Send the same request again in ${retryAfterSeconds} s to get its result.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

const NOT_HELD_REASONS: Partial<Record<OrderStatus, string>> = {
  REGISTERING: 'it is still being registered; send the registration again to get its result first',
  UNKNOWN:
    'its registration outcome is not known yet; send the registration again (it is checked with UiTPAS first)',
  REFUSED: 'nothing was registered for it at UiTPAS',
  CANCELLING: 'it is being cancelled',
  CANCEL_PENDING: 'it is being cancelled',
  CANCELLED: 'it was cancelled',
};

/** `holdEnded`: the order is still HELD but its `heldUntil` has passed, and the sweep has not come by yet. */
export function orderNotHeld(order: Order, holdEnded = false): AppError {
  const reason = order.priceDriftRefusedAt
    ? 'its registration was refused because UiTPAS registered another price than the till charged, and its UiTPAS sales are cancelled. Register the basket again under a new orderId'
    : order.expiredAt
      ? `it was not confirmed before ${order.heldUntil}, so the sweep cancelled its UiTPAS sales at ${order.expiredAt}. Register the basket again under a new orderId`
      : holdEnded
        ? `its hold ended at ${order.heldUntil}; the sweep cancels its UiTPAS sales on its next run. Register the basket again under a new orderId`
        : (NOT_HELD_REASONS[order.status] ?? `its status is ${order.status}`);
  return new AppError('order-not-held', 409, 'The order cannot be confirmed', {
    detail: `Order ${publicOrderId(order.orderId)} cannot be confirmed: ${reason}.`,
    extensions: { orderStatus: order.status },
  });
}

export function quantityNotAvailable(
  requested: number,
  remaining: number,
  tariffId: string,
  endUserMessage: EndUserMessage | undefined,
): AppError {
  return new AppError('quantity-not-available', 422, 'Not that many tickets at this tariff', {
    detail: `UiTPAS allows ${remaining} more ticket(s) at tariff ${tariffId} for this pass and event, not ${requested}. More than one ticket per line is only possible for group passes.`,
    ...(endUserMessage ? { endUserMessage } : {}),
    extensions: { requested, remaining },
  });
}

const UNAVAILABLE_MESSAGE: EndUserMessage = {
  nl: 'UiTPAS is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw, of verkoop aan het gewone tarief.',
  en: 'UiTPAS is temporarily unavailable. Try again in a moment, or sell at the regular price.',
};

/**
 * UiTPAS did not answer the registration. `not-sent`: UiTPAS said it did not take it, so the same request may simply
 * be sent again. `not-registered`: nothing was found among UiTPAS's sales after the grace a late POST gets (so it is
 * proof). `unknown`: not known yet (nothing found so far proves nothing while the POST may still be applied, or the
 * search failed); the same request again, after Retry-After, checks first and never registers twice.
 */
export function registrationUnavailable(
  outcome: 'not-sent' | 'not-registered' | 'unknown',
  orderId: string,
  cause?: unknown,
  retryAfterSeconds = 5,
): AppError {
  const detail = {
    'not-sent': `UiTPAS could not take the registration of order ${publicOrderId(orderId)}; nothing was registered. Send the same request again in a moment.`,
    'not-registered': `UiTPAS did not answer the registration of order ${publicOrderId(orderId)} in time, and its sales still show nothing registered for it after the time a late registration can take. Send the same request again in a moment.`,
    unknown: `UiTPAS did not answer the registration of order ${publicOrderId(orderId)} in time and it is not known yet whether it was applied (UiTPAS may still apply it). Send the same request again in ${retryAfterSeconds} s: it is checked with UiTPAS first and never registers twice.`,
  }[outcome];
  return new AppError('uitpas-unavailable', 503, 'UiTPAS is temporarily unavailable', {
    detail,
    endUserMessage: UNAVAILABLE_MESSAGE,
    extensions: { orderId: publicOrderId(orderId), outcome },
    headers: { 'Retry-After': String(retryAfterSeconds) },
    cause,
  });
}
