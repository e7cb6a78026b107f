/**
 * What an order asks UiTPAS: its identity (the request hash, the pass pseudonyms), the `POST /ticket-sales` body
 * built from its lines, and the answer mapped back onto them.
 */
import { createHash, createHmac } from 'node:crypto';
import type { SchemaError } from '../errors.js';
import { samePrice } from '../mappings.js';
import type { Order, OrderLine, OrderRequest } from './types.js';

/** One ticket to register at UiTPAS (the shape of `POST /ticket-sales`'s array items). */
export interface SaleToRegister {
  regularPrice: number;
  regularPriceLabel?: string;
  tariff: { id: string };
  /** The UiTdatabank event id. */
  eventId: string;
  uitpasNumber: string;
}

/** A ticket sale as UiTPAS answers it (registration response or search result). */
export interface RegisteredSale {
  id: string;
  creationDate?: string | undefined;
  regularPrice: number;
  tariff: { id: string; name?: string | undefined; price?: number | undefined };
  eventId: string;
  uitpasNumber: string;
}

// --- request identity -------------------------------------------------------------------------------------------

/** JSON with object keys sorted at every level; array order is kept (the lines' order is part of the request). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The request's identity: orderId and lines, whatever the key order of the JSON it came in. */
export function requestHash(request: OrderRequest): string {
  return sha256(
    canonicalJson({
      orderId: request.orderId,
      lines: request.lines.map((line) => ({
        lineId: line.lineId,
        eventId: line.eventId,
        uitpasNumber: line.uitpasNumber,
        tariffId: line.tariffId,
        regularPrice: line.regularPrice,
        regularPriceLabel: line.regularPriceLabel,
        quantity: line.quantity,
        // Absent is left out of the JSON, so a request without it hashes as it did before the field existed.
        chargedPrice: line.chargedPrice,
      })),
    }),
  );
}

const PASS_HASH_PREFIX = 'hmac-sha256:';

/**
 * A pseudonym of the pass, per order, keyed with a secret (PASS_HASH_KEY / its SSM parameter). A plain hash of a
 * 13-digit number (10^6 candidates once the masked digits are known) is found back by trying them all; without the
 * key it is not.
 */
export function passHash(key: string, orderId: string, uitpasNumber: string): string {
  return `${PASS_HASH_PREFIX}${createHmac('sha256', key).update(`${orderId}:${uitpasNumber}`, 'utf8').digest('hex')}`;
}

/**
 * How the order's lines hash a pass, to compare a sale's pass with them: keyed, or the plain SHA-256 of orders
 * stored before the key existed (so an order still unsettled at that change is still recognised).
 */
export function passHasher(
  order: Pick<Order, 'orderId' | 'lines'>,
  key: string,
): (uitpasNumber: string) => string {
  const legacy = order.lines.some((line) => !line.uitpasNumberHash.startsWith(PASS_HASH_PREFIX));
  return legacy
    ? (uitpasNumber) => sha256(`${order.orderId}:${uitpasNumber}`)
    : (uitpasNumber) => passHash(key, order.orderId, uitpasNumber);
}

// --- the POST and its answer ------------------------------------------------------------------------------------

/** N tickets at one tariff are N identical objects (UiTPAS has no quantity field), in line order. */
export function salesToRegister(
  lines: readonly Pick<
    OrderLine,
    'uitdatabankId' | 'tariffId' | 'regularPrice' | 'regularPriceLabel' | 'quantity'
  >[],
  uitpasNumbers: readonly string[],
): SaleToRegister[] {
  return lines.flatMap((line, i) =>
    Array.from({ length: line.quantity }, () => ({
      regularPrice: line.regularPrice,
      ...(line.regularPriceLabel === undefined ? {} : { regularPriceLabel: line.regularPriceLabel }),
      tariff: { id: line.tariffId },
      eventId: line.uitdatabankId,
      uitpasNumber: uitpasNumbers[i] as string,
    })),
  );
}

/** Which line the `index`-th object of the POST body came from. */
export function lineOfSale(lines: readonly Pick<OrderLine, 'quantity'>[], index: number): number | undefined {
  let end = 0;
  for (const [i, line] of lines.entries()) {
    end += line.quantity;
    if (index < end) return i;
  }
  return undefined;
}

const UPSTREAM_FIELDS: Record<string, string> = {
  eventId: 'eventId',
  uitpasNumber: 'uitpasNumber',
  tariff: 'tariffId',
  tariffId: 'tariffId',
  regularPrice: 'regularPrice',
  regularPriceLabel: 'regularPriceLabel',
};

/**
 * The object of the POST that UiTPAS refused, and the field, from `schemaErrors[].jsonPointer` (`/<index>` or
 * `/<index>/<field>`): the way publiq points at the failing sale. Without a pointer the refusal is about the whole
 * request, and no line is named.
 */
export function failingSale(
  schemaErrors: readonly SchemaError[],
): { index: number; field: string | undefined } | undefined {
  for (const error of schemaErrors) {
    const match = /^\/(\d+)(?:\/([^/]+))?/.exec(error.jsonPointer);
    if (match) return { index: Number(match[1]), field: match[2] && UPSTREAM_FIELDS[match[2]] };
  }
  return undefined;
}

const sameEvent = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export interface LineAssignment {
  ticketSaleIds: string[];
  tariffName: string | null;
  tariffPrice: number | null;
  /**
   * The tariff price UiTPAS gave each of those sales (null: none), for the price-drift guard. Absent: every sale at
   * `tariffPrice`.
   */
  salePrices?: (number | null)[];
}

/**
 * The registered sales per line. UiTPAS answers the sales in the order they were sent (the sandbox does, and the
 * OpenAPI shows no reordering), so position decides; should an answer ever come back in another order, the sales are
 * matched on event, pass, tariff and price instead. Undefined when the answer cannot be made to fit the request.
 */
export function assignRegisteredSales(
  order: Pick<Order, 'orderId' | 'lines'>,
  sales: readonly RegisteredSale[],
  passKey: string,
): LineAssignment[] | undefined {
  const { lines } = order;
  const total = lines.reduce((sum, line) => sum + line.quantity, 0);
  if (sales.length !== total) return undefined;
  const hash = passHasher(order, passKey);
  const fits = (line: OrderLine, sale: RegisteredSale) =>
    sameEvent(sale.eventId, line.uitdatabankId) &&
    sale.tariff.id === line.tariffId &&
    hash(sale.uitpasNumber) === line.uitpasNumberHash &&
    samePrice(sale.regularPrice, line.regularPrice);

  const positional = sales.every((sale, i) => {
    const line = lines[lineOfSale(lines, i) ?? -1];
    return line !== undefined && fits(line, sale);
  });
  const taken = new Set<number>();
  const assignments: LineAssignment[] = [];
  let offset = 0;
  for (const line of lines) {
    const picked: RegisteredSale[] = [];
    if (positional) {
      picked.push(...sales.slice(offset, offset + line.quantity));
      offset += line.quantity;
    } else {
      for (const [i, sale] of sales.entries()) {
        if (picked.length === line.quantity) break;
        if (!taken.has(i) && fits(line, sale)) {
          taken.add(i);
          picked.push(sale);
        }
      }
      if (picked.length !== line.quantity) return undefined;
    }
    assignments.push(assignmentOf(picked));
  }
  return assignments;
}

/** The sales picked for one line, as the line records them. */
export function assignmentOf(picked: readonly RegisteredSale[]): LineAssignment {
  const first = picked[0];
  return {
    ticketSaleIds: picked.map((sale) => sale.id),
    tariffName: first?.tariff.name ?? null,
    tariffPrice: first?.tariff.price ?? null,
    salePrices: picked.map((sale) => sale.tariff.price ?? null),
  };
}
